//! Adversarial training's perturbed batches against an independent reference of the same
//! attacks (`tests/reference/defence.py`: torchattacks' FGSM and PGD on PyTorch), and the
//! perturbation's bounds with a random start.

mod common;
use blindspot_core::defence::{Perturbation, perturb};
use blindspot_core::rng::Rng;
use burn::prelude::*;
use common::{repo, setup};
use serde_json::Value;

const DIGITS: usize = 100;

/// The batch of the first slice digits perturbed under `p` against `name`: per digit the
/// cross-entropy of the label there, the label read and the perturbation's L1 and L∞ size.
fn perturbed(name: &str, p: &Perturbation) -> (Vec<f32>, Vec<usize>, Vec<f32>, f32) {
    let (model, device, digits, pixels) = setup(name, DIGITS);
    let x = Tensor::<2>::from_data(TensorData::new(pixels.clone(), [DIGITS, 784]), &device);
    let labels: Vec<i64> = digits.labels.iter().map(|&l| l as i64).collect();
    let y = Tensor::<1, Int>::from_data(TensorData::new(labels, [DIGITS]), &device);
    let xa = perturb(&model, x, y, p, &mut Rng::new(7));
    let values: Vec<f32> = xa.clone().into_data().iter::<f32>().collect();
    let logits: Vec<f32> = model.forward(xa).into_data().iter::<f32>().collect();
    let (mut ce, mut read, mut l1, mut linf) = (vec![], vec![], vec![], 0f32);
    for (i, row) in logits.chunks(10).enumerate() {
        let top = row.iter().cloned().fold(f32::MIN, f32::max);
        let sum: f32 = row.iter().map(|z| (z - top).exp()).sum();
        ce.push(top + sum.ln() - row[digits.labels[i] as usize]);
        read.push(blindspot_core::eval::argmax(row) as usize);
        let delta = values[i * 784..(i + 1) * 784]
            .iter()
            .zip(&pixels[i * 784..]);
        l1.push(delta.clone().map(|(a, b)| (a - b).abs()).sum());
        linf = delta.fold(linf, |m, (a, b)| m.max((a - b).abs()));
    }
    (ce, read, l1, linf)
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
    let (ce, read, l1, linf) = perturbed(model, &p);
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
    assert!(linf <= p.epsilon + 1e-6, "{model} {attack}: L∞ {linf}");
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
fn a_random_start_stays_in_the_ball_and_raises_the_loss() {
    let p = Perturbation::fgsm_random_start(0.1);
    let (ce, _, _, linf) = perturbed("convnet", &p);
    assert!(linf <= 0.1 + 1e-6, "L∞ {linf}");
    let (clean, ..) = perturbed(
        "convnet",
        &Perturbation {
            steps: 0,
            random_start: false,
            ..p
        },
    );
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    assert!(
        mean(&ce) > 5.0 * mean(&clean),
        "cross-entropy {} perturbed, {} clean",
        mean(&ce),
        mean(&clean)
    );
}
