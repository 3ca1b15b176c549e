//! Adversarial training's perturbed batches against an independent reference of the same
//! attacks (`tests/reference/defence.py`: torchattacks' FGSM, PGD and PGDL2 on PyTorch), the
//! perturbation's bounds with a random start, and the checkups that watch a training run (the
//! shipped defended convnets more robust than the plain one on each measure).

mod common;
use blindspot_core::defence::{Ball, Perturbation, perturb};
use blindspot_core::model::Classifier;
use blindspot_core::rng::Rng;
use blindspot_core::train::checkup::{self, Checkup, Watch};
use blindspot_core::zoo::{self, Recipe};
use blindspot_core::{eval, train};
use burn::prelude::*;
use common::{repo, setup};
use serde_json::Value;

const DIGITS: usize = 100;

/// The batch of the first slice digits perturbed under `p` against `name`: per digit the
/// cross-entropy of the label there, the label read and the perturbation's L1 size; over the
/// batch its largest size in the ball's norm (L∞ or L2).
fn perturbed(name: &str, p: &Perturbation) -> (Vec<f32>, Vec<usize>, Vec<f32>, f32) {
    let (model, device, digits, pixels) = setup(name, DIGITS);
    let x = Tensor::<2>::from_data(TensorData::new(pixels.clone(), [DIGITS, 784]), &device);
    let labels: Vec<i64> = digits.labels.iter().map(|&l| l as i64).collect();
    let y = Tensor::<1, Int>::from_data(TensorData::new(labels, [DIGITS]), &device);
    let xa = perturb(&model, x, y, p, &mut Rng::new(7));
    let values: Vec<f32> = xa.clone().into_data().iter::<f32>().collect();
    let logits: Vec<f32> = model.forward(xa).into_data().iter::<f32>().collect();
    let (mut ce, mut read, mut l1, mut largest) = (vec![], vec![], vec![], 0f32);
    for (i, row) in logits.chunks(10).enumerate() {
        let top = row.iter().cloned().fold(f32::MIN, f32::max);
        let sum: f32 = row.iter().map(|z| (z - top).exp()).sum();
        ce.push(top + sum.ln() - row[digits.labels[i] as usize]);
        read.push(blindspot_core::eval::argmax(row) as usize);
        let delta = values[i * 784..(i + 1) * 784]
            .iter()
            .zip(&pixels[i * 784..]);
        l1.push(delta.clone().map(|(a, b)| (a - b).abs()).sum());
        let size = match p.ball {
            Ball::Linf => delta.fold(0f32, |m, (a, b)| m.max((a - b).abs())),
            Ball::L2 => delta.map(|(a, b)| (a - b) * (a - b)).sum::<f32>().sqrt(),
        };
        largest = largest.max(size);
    }
    (ce, read, l1, largest)
}

fn reference(model: &str, attack: &str) -> Value {
    let path = repo().join("tests/fixtures/defence-reference.json");
    let all: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    all["models"][model][attack].clone()
}

fn floats(v: &Value) -> Vec<f32> {
    let list = v.as_array().expect("a list");
    list.iter().map(|x| x.as_f64().unwrap() as f32).collect()
}

/// The same perturbation as the reference: mean cross-entropy within 1%, the same label read
/// on all but 2 digits, each digit's L1 size within 2% on all but 5 (a gradient near zero may
/// take either sign in another summation order).
fn agrees(model: &str, attack: &str, p: Perturbation) {
    let want = reference(model, attack);
    let (ce, read, l1, size) = perturbed(model, &p);
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    let (ours, theirs) = (mean(&ce), mean(&floats(&want["cross_entropy"])));
    assert!(
        (ours - theirs).abs() < 0.01 * theirs,
        "{model} {attack}: mean cross-entropy {ours} against {theirs}"
    );
    let labels = want["predicted"].as_array().unwrap();
    let differ = (read.iter().zip(labels))
        .filter(|(a, b)| **a as u64 != b.as_u64().unwrap())
        .count();
    assert!(differ <= 2, "{model} {attack}: {differ} labels differ");
    let off = (l1.iter().zip(floats(&want["l1"])))
        .filter(|(a, b)| (*a - b).abs() > 0.02 * b.max(1.0))
        .count();
    assert!(off <= 5, "{model} {attack}: {off} digits' L1 differ");
    assert!(size <= p.epsilon * (1.0 + 1e-5), "{model} {attack}: {size}");
}

fn deterministic(p: Perturbation) -> Perturbation {
    Perturbation {
        random_start: false,
        ..p
    }
}

#[test]
fn fgsm_batches_match_torchattacks() {
    for model in ["fc100-100-10", "convnet"] {
        agrees(model, "fgsm", Perturbation::fgsm(0.1));
    }
}

#[test]
fn pgd_batches_match_torchattacks() {
    for model in ["fc100-100-10", "convnet"] {
        agrees(model, "pgd10", deterministic(Perturbation::pgd(0.1, 10)));
    }
}

#[test]
fn l2_pgd_batches_match_torchattacks() {
    for model in ["fc100-100-10", "convnet"] {
        agrees(
            model,
            "pgd10_l2",
            deterministic(Perturbation::pgd_l2(2.8, 10)),
        );
    }
}

/// A random start (alone for L2, which has no one-step form) keeps to the ball, and the steps
/// raise the loss well above the clean digits'.
#[test]
fn a_random_start_stays_in_the_ball_and_raises_the_loss() {
    let start = |p: Perturbation| Perturbation { steps: 0, ..p };
    for p in [
        Perturbation::fgsm_random_start(0.1),
        start(Perturbation::pgd_l2(2.8, 7)),
        Perturbation::pgd_l2(2.8, 7),
    ] {
        let (ce, _, _, size) = perturbed("convnet", &p);
        assert!(size <= p.epsilon * (1.0 + 1e-5), "{p:?}: {size}");
        let (clean, ..) = perturbed(
            "convnet",
            &Perturbation {
                random_start: false,
                ..start(p)
            },
        );
        let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
        let rise = if p.steps == 0 { 1.0 } else { 5.0 };
        assert!(
            mean(&ce) > rise * mean(&clean),
            "{p:?}: cross-entropy {} perturbed, {} clean",
            mean(&ce),
            mean(&clean)
        );
    }
}

/// A checkup of `name` on the first slice digits: 300 clean, PGD-20 at ε 0.1 on 100, L-BFGS on
/// 10.
fn checkup(name: &str) -> Checkup {
    let (model, device, digits, _) = setup(name, 300);
    let watch = Watch {
        clean: 300,
        robust: 100,
        lbfgs: 10,
        ..Watch::default()
    };
    checkup::checkup(&model, &device, &digits, &watch).unwrap()
}

#[test]
fn the_defended_convnets_are_more_robust_on_every_measure() {
    let plain = checkup("convnet");
    for name in ["convnet-fgsm", "convnet-pgd", "convnet-pgd-l2"] {
        let defended = checkup(name);
        let context = format!("{name} {defended:?} against the convnet's {plain:?}");
        assert!(defended.clean_accuracy >= 0.97, "{context}");
        assert!(defended.robust_accuracy >= 0.85, "{context}");
        assert!(
            defended.robust_accuracy > plain.robust_accuracy + 0.2,
            "{context}"
        );
        assert!(defended.lbfgs_rms > 1.2 * plain.lbfgs_rms, "{context}");
    }
}

/// Issue 27's targets, on the gallery as the Train panel's checkup measures them (1,000 clean,
/// PGD-20 at ε 0.1 on 200, L-BFGS on 20): the L2-trained convnet is ≥ 98% clean, ≥ 85% under
/// PGD-20, and needs ≥ 1.5× the plain convnet's smallest L-BFGS change.
#[test]
fn the_l2_trained_convnet_meets_the_training_targets() {
    let measure = |name: &str| {
        let (model, device, digits, _) = setup(name, 1000);
        checkup::checkup(&model, &device, &digits, &Watch::default()).unwrap()
    };
    let (plain, l2) = (measure("convnet"), measure("convnet-pgd-l2"));
    let context = format!("{l2:?} against the convnet's {plain:?}");
    assert!(l2.clean_accuracy >= 0.98, "{context}");
    assert!(l2.robust_accuracy >= 0.85, "{context}");
    assert!(l2.lbfgs_rms >= 1.5 * plain.lbfgs_rms, "{context}");
}

#[test]
fn every_epoch_is_watched_with_the_model_as_it_is() {
    let digits = blindspot_core::data::slice::load(&repo().join("www/digits"))
        .unwrap()
        .range(0, 500);
    let mut spec = *zoo::spec("fc10-1e-4").unwrap();
    spec.recipe = Recipe {
        epochs: 3,
        ..spec.recipe.short()
    };
    let device = Device::flex().autodiff();
    let mut seen = Vec::new();
    let mut epoch_end = |epoch: usize, m: &Classifier| {
        let error = eval::error_rate(&m.valid(), &digits, &Device::flex())?;
        seen.push((epoch, error));
        Ok(())
    };
    let trained = train::train_on_watched(&spec, &digits, &device, &mut |_| {}, &mut epoch_end);
    let last = eval::error_rate(&trained.unwrap(), &digits, &Device::flex()).unwrap();
    let epochs: Vec<usize> = seen.iter().map(|s| s.0).collect();
    assert_eq!(epochs, vec![0, 1, 2]);
    assert_eq!(
        seen[2].1, last,
        "the last epoch's model is the one returned"
    );
    assert!(
        seen[2].1 < seen[0].1,
        "the model the watch sees learns: {seen:?}"
    );
}
