//! The experiments' plans (`work::plan`), run through the vocabulary of work on a native
//! workshop, give what the serial experiments give: Tables 1–2 through their driver, a Units deal split into slices, an untargeted attack split into shares.

mod common;
use blindspot_core::attack::{Goal, LbfgsConfig, Method, block_on, keep_going};
use blindspot_core::data::{Digits, slice};
use blindspot_core::experiment::{
    Examples, NoiseRows, TABLE2_NOISE_SALT, TransferBlock, TransferRow, adversarial_set,
    gaussian_examples, gaussian_name, wrong_counts,
};
use blindspot_core::model::Classifier;
use blindspot_core::paper::TABLE2_NOISE;
use blindspot_core::units::deal::deal;
use blindspot_core::units::{features, find_layer};
use blindspot_core::work::plan::tables::{Stage, Tables};
use blindspot_core::work::plan::{self, Serial};
use blindspot_core::work::{Answer, AttackJob, Attacked, Folder, Job, Workshop};
use burn::prelude::Device;
use common::repo;

/// The shipped models and the committed test slice on the CPU, as the CLI reads them.
fn shop() -> Folder {
    let device = Device::flex().autodiff();
    Folder::new(device, repo().join("models")).with_gallery(repo().join("www/digits"))
}

fn gallery(n: usize) -> Digits {
    slice::load(&repo().join("www/digits")).unwrap().range(0, n)
}

#[test]
fn tables_1_and_2_through_their_driver_are_the_serial_experiments() {
    let shop = shop();
    let digits = gallery(150); // two batches of at most plan::BATCH
    let indices: Vec<usize> = (0..150).collect();
    let (pixels, labels) = (digits.floats(), digits.labels.clone());
    let names = ["fc100-100-10".to_string(), "fc10-1e-4".to_string()];
    let tables = Tables {
        rows: names.iter().map(|n| (n.clone(), 150)).collect(),
        columns: names.to_vec(),
        digits: &digits,
        indices: &indices,
        seed: 0,
    };
    let seconds = std::time::Instant::now();
    let run = plan::tables::run(
        &tables,
        || Serial::new(&shop),
        || seconds.elapsed().as_secs_f64(),
        std::rc::Rc::new(|_: &Stage| {}),
    );
    let measured = block_on(run).unwrap();
    assert!(!measured.stopped);
    // The reference: each model's set made by one engine in one call, then every column on each
    // whole set at once and on each whole noise row.
    let sets: Vec<_> = (names.iter())
        .map(|name| {
            let model = common::model(name, shop.device());
            let mut no_pause = keep_going;
            let config = LbfgsConfig::default();
            let set = adversarial_set(
                &model,
                shop.device(),
                &pixels,
                &labels,
                &indices,
                0,
                &config,
                plan::BATCH,
                &mut no_pause,
            );
            block_on(set).unwrap().0
        })
        .collect();
    for ((row, set), name) in measured.table1.iter().zip(&sets).zip(&names) {
        let expected = (name.as_str(), set.mean_rms(), set.labels.len(), 150);
        assert_eq!(
            (
                row.model.as_str(),
                row.distortion,
                row.succeeded,
                row.attacked
            ),
            expected
        );
        assert!(row.succeeded > 100, "{name}: {} successes", row.succeeded);
    }
    let models: Vec<Classifier> = (names.iter())
        .map(|n| common::model(n, shop.plain()))
        .collect();
    let columns: Vec<&Classifier> = models.iter().collect();
    let row = |made_for: &str, distortion, pixels: &[f32], labels: &[u8]| {
        let wrong = block_on(wrong_counts(&columns, shop.plain(), pixels, labels)).unwrap();
        TransferRow::from_counts(made_for, distortion, labels.len(), &wrong)
    };
    let seed = TABLE2_NOISE_SALT;
    let expected = TransferBlock {
        examples: (sets.iter().zip(&names))
            .map(|(set, name)| row(name, set.mean_rms(), &set.adversarial, &set.labels))
            .collect(),
        noise: (TABLE2_NOISE.iter())
            .map(|&(s, _)| {
                let (noisy, rms) = gaussian_examples(&pixels, s, seed);
                row(&gaussian_name(s), rms, &noisy, &labels)
            })
            .collect(),
    };
    assert_eq!(measured.table2, expected);
    assert_eq!((expected.examples.len(), expected.noise.len()), (2, 2));
}

#[test]
fn a_stopped_transfer_plan_ends_before_its_first_unfinished_row() {
    let digits = gallery(250);
    let pixels = digits.floats();
    let examples = [Examples {
        made_for: "clean".into(),
        distortion: 0.0,
        pixels: &pixels,
        labels: &digits.labels,
    }];
    let noise = NoiseRows {
        stddevs: vec![0.3],
        seed: 1,
        pixels: &pixels,
        labels: &digits.labels,
    };
    let names = ["fc10-1e-4".to_string()];
    let jobs = plan::transfer::jobs(&names, &examples, &noise, plan::BATCH);
    let rows: Vec<usize> = jobs.iter().map(|(row, _)| *row).collect();
    assert_eq!(
        rows,
        [0, 0, 0, 1],
        "three slices of the examples, one noise row"
    );
    let shop = shop();
    let mut answers = Vec::new();
    for (_, job) in jobs {
        answers.push(Some(block_on(job.run(&shop, &mut keep_going)).unwrap()));
    }
    let counted = |answers: Vec<Option<Answer>>| {
        let counted = answers
            .into_iter()
            .map(|a| a.map(|a| a.try_into().unwrap()));
        plan::transfer::merged(1, &examples, &noise, &rows, counted.collect())
    };
    let whole = counted(answers.clone());
    assert_eq!((whole.examples.len(), whole.noise.len()), (1, 1));
    assert_eq!(whole.examples[0].examples, 250);
    answers[1] = None; // Stop came before the second slice started
    let stopped = counted(answers);
    assert_eq!((stopped.examples.len(), stopped.noise.len()), (0, 0));
}

#[test]
fn a_units_deal_through_its_plan_is_the_whole_deal_on_any_number_of_parts() {
    let shop = shop();
    let digits = gallery(1000);
    let model = common::model("convnet", shop.plain());
    let layer = find_layer(&model, "dense").unwrap();
    let whole = block_on(features(&model, &layer, &digits, shop.plain())).unwrap();
    let expected = deal(&whole, 7, 3, 10);
    for parts in [1, 2, 3] {
        let question = plan::units::Deal {
            model: "convnet",
            layer: "dense",
            round: 7,
            n: 1000,
            per_kind: 3,
            shown: 10,
        };
        let runner = Serial {
            parts,
            ..Serial::new(&shop)
        };
        let dealt = block_on(plan::units::run(&runner, &question)).unwrap();
        assert_eq!(dealt, expected, "{parts} parts");
    }
}

#[test]
fn an_untargeted_attack_through_its_plan_is_the_one_batch_bit_for_bit() {
    let shop = shop();
    let digits = gallery(2);
    let job = AttackJob {
        model: "fc100-100-10".into(),
        pixels: digits.pixels(1),
        label: digits.labels[1],
        goal: Goal::Untargeted,
        method: Method::Lbfgs,
    };
    let whole = block_on(Job::Attack(job.clone()).run(&shop, &mut keep_going)).unwrap();
    let whole = Attacked::try_from(whole).unwrap();
    assert!(whole.outcome.success);
    for parts in [2, 4] {
        let runner = Serial {
            parts,
            ..Serial::new(&shop)
        };
        let split = block_on(plan::attack::run(&runner, job.clone(), plan::quiet())).unwrap();
        assert_eq!(split.outcome, whole.outcome, "{parts} parts");
        assert_eq!(split.probabilities, whole.probabilities);
    }
    let targeted = AttackJob {
        goal: Goal::Target(3),
        ..job
    };
    assert!(
        plan::attack::shares(&targeted, 4).is_none(),
        "a targeted attack is one job"
    );
}
