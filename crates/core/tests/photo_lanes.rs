//! A photo's L-BFGS in lanes (both cores for one photo): the page's plan, which deals each
//! round's lanes to workers as jobs and runs the search over c itself, gives what the CLI's
//! batched lanes give, bit for bit, one lane as well as two; and the lanes reach the target
//! with a change no larger than one lane's, in fewer rounds of solves.

mod common;
use blindspot_core::attack::{Goal, MethodName, block_on, keep_going};
use blindspot_core::imagenet::{self, attacks};
use blindspot_core::levels::to_bytes;
use blindspot_core::work::plan::{self, Serial};
use blindspot_core::work::{Folder, PhotoJob, Workshop};
use burn::prelude::Device;
use common::repo;

/// Chelsea's crop towards tiger cat (class 282), the model's second class for her: a short
/// search, so that the test is quick.
const TARGET: usize = 282;

fn chelsea() -> Vec<f32> {
    let photo = image::open(repo().join("models/imagenet/samples/chelsea.png"))
        .unwrap()
        .into_rgba8();
    let (w, h) = (photo.width() as usize, photo.height() as usize);
    imagenet::crop(w, h, photo.as_raw()).unwrap()
}

#[test]
fn a_photos_lanes_dealt_as_jobs_are_the_batched_lanes_bit_for_bit() {
    let shop = Folder::new(Device::flex().autodiff(), repo().join("models"));
    let pixels = chelsea();
    let loaded = block_on(shop.imagenet()).unwrap();
    let local = |lanes| {
        let attack = attacks::attack(MethodName::Lbfgs, 8.0, 10, lanes).unwrap();
        let (model, classes) = (&loaded.model, &loaded.classes);
        let (goal, mut go_on) = (Goal::Target(TARGET), keep_going);
        let run = attacks::attack_photo(
            model,
            classes,
            shop.device(),
            &pixels,
            goal,
            &attack,
            &mut go_on,
        );
        block_on(run).unwrap()
    };
    let (one, two) = (local(1), local(2));
    println!(
        "one lane: RMS {}, {} evaluations; two: RMS {}, {}",
        one.rms, one.iterations, two.rms, two.iterations
    );
    assert!(one.success && two.success);
    assert!(two.rms <= one.rms * 1.001, "{} vs {}", two.rms, one.rms);

    let job = PhotoJob {
        pixels: to_bytes(&pixels),
        goal: Goal::Target(TARGET),
        method: MethodName::Lbfgs,
        epsilon_levels: 8.0,
        steps: 10,
    };
    // One lane is dealt too (a round a job), and gives one batched lane's result.
    for (parts, batched) in [(2, &two), (1, &one)] {
        let runner = Serial {
            parts,
            wire: true,
            ..Serial::new(&shop)
        };
        let job = job.clone();
        let dealt = block_on(plan::photo::run(&runner, &runner, job, plan::quiet())).unwrap();
        // The report crosses the wire without its photo, which goes beside it as bytes.
        let report = attacks::PhotoAttack {
            adversarial: Vec::new(),
            ..batched.clone()
        };
        assert_eq!(dealt.report, report, "{parts} lanes");
        assert_eq!(dealt.adversarial, to_bytes(&batched.adversarial));
    }
}
