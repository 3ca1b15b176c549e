//! What the integration tests share: the repository's shipped models and test slice.
#![allow(dead_code)] // each test file uses its own part

use blindspot_core::card::load_model;
use blindspot_core::data::{Digits, slice};
use blindspot_core::model::Classifier;
use blindspot_core::zoo::{self, ModelSpec};
use blindspot_core::{eval, train};
use burn::prelude::Device;
use std::path::PathBuf;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A shipped model on `device`.
pub fn model(name: &str, device: &Device) -> Classifier {
    load_model(&repo().join("models"), zoo::spec(name).unwrap(), device)
        .unwrap()
        .0
}

/// A shipped model on the autodiff CPU device, the first `n` slice digits and their pixels.
pub fn setup(name: &str, n: usize) -> (Classifier, Device, Digits, Vec<f32>) {
    let device = Device::flex().autodiff();
    let model = model(name, &device);
    let digits = slice::load(&repo().join("www/digits")).unwrap().range(0, n);
    let pixels = digits.floats();
    (model, device, digits, pixels)
}

/// `spec`'s recipe cut short (`Recipe::short`) on the first `n` slice digits must halve the loss
/// and the error.
pub fn a_short_run_learns(spec: &ModelSpec, n: usize) {
    let digits = slice::load(&repo().join("www/digits")).unwrap().range(0, n);
    let device = Device::flex();
    let mut spec = *spec;
    spec.recipe = spec.recipe.short();
    let before = eval::error_rate(&spec.arch.build(&device), &digits, &device).unwrap();
    let ad = Device::flex().autodiff();
    ad.seed(1);
    let mut losses = Vec::new();
    let model = train::train_on(&spec, &digits, &ad, &mut |p| losses.push(p.loss)).unwrap();
    let after = eval::error_rate(&model, &digits, &device).unwrap();
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    let (name, k) = (spec.name, losses.len());
    assert!(
        mean(&losses[k - 10..]) < 0.5 * mean(&losses[..10]),
        "{name}: loss {losses:?}"
    );
    assert!(
        after < 0.5 * before && after < 0.4,
        "{name}: error {before} → {after}"
    );
}
