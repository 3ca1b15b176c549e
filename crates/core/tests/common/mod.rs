//! What the integration tests share: the repository's shipped models and test slice.
#![allow(dead_code)] // each test file uses its own part

use blindspot_core::card::load_model;
use blindspot_core::data::{Digits, slice};
use blindspot_core::model::Classifier;
use blindspot_core::zoo;
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
