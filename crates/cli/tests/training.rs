//! `train --device wgpu`: the one training loop (`blindspot_core::train`, which the CLI's `train`
//! calls with the device `--device` names) learns on Burn's wgpu runtime as it does on the CPU,
//! and the weights it writes decode on the CPU to the same predictions. Short runs on a few
//! hundred digits: on a machine without a GPU the adapter is Mesa's lavapipe, a CPU Vulkan
//! device, far too slow for the zoo's full recipes.

mod common;

use blindspot_core::attack::block_on;
use blindspot_core::data::{Digits, slice};
use blindspot_core::model::Classifier;
use blindspot_core::zoo::{self, ModelSpec};
use blindspot_core::{eval, train};
use burn::prelude::*;
use common::repo;
use std::time::Instant;

/// The wgpu device, initialised once per process (Burn refuses a second initialisation).
fn wgpu() -> Device {
    static DEVICE: std::sync::OnceLock<Device> = std::sync::OnceLock::new();
    DEVICE
        .get_or_init(|| {
            Device::wgpu_options()
                .init()
                .expect("a wgpu adapter (without a GPU: apt install mesa-vulkan-drivers)")
        })
        .clone()
}

fn digits() -> Digits {
    slice::load(&repo().join("www/digits")).unwrap()
}

/// Trains `spec` on `data` on `device` (with autodiff), with its losses and seconds.
fn trained(spec: &ModelSpec, data: &Digits, device: &Device) -> (Classifier, Vec<f32>, f64) {
    let ad = device.clone().autodiff();
    ad.seed(1);
    let mut losses = Vec::new();
    let started = Instant::now();
    let model = train::train_on(spec, data, &ad, &mut |p| losses.push(p.loss)).unwrap();
    (model, losses, started.elapsed().as_secs_f64())
}

fn mean(v: &[f32]) -> f32 {
    v.iter().sum::<f32>() / v.len() as f32
}

#[test]
fn training_on_wgpu_learns_as_on_the_cpu_and_its_weights_decode_on_the_cpu() {
    let all = digits();
    let (train_digits, held_out) = (all.range(0, 500), all.range(500, 1000));
    let mut spec = *zoo::spec("fc100-100-10").unwrap();
    spec.recipe = spec.recipe.short();
    let cpu = Device::flex();
    let gpu = wgpu();
    let (on_cpu, cpu_losses, cpu_s) = trained(&spec, &train_digits, &cpu);
    let (on_gpu, gpu_losses, gpu_s) = trained(&spec, &train_digits, &gpu);
    eprintln!(
        "500 digits × 20 epochs of fc100-100-10: {cpu_s:.1} s on the CPU, {gpu_s:.1} s on wgpu"
    );
    assert_eq!(cpu_losses.len(), gpu_losses.len());
    let n = gpu_losses.len();
    assert!(
        mean(&gpu_losses[n - 10..]) < 0.5 * mean(&gpu_losses[..10]),
        "wgpu losses {gpu_losses:?}"
    );
    let cpu_error = eval::error_rate(&on_cpu, &held_out, &cpu).unwrap();
    let gpu_error = eval::error_rate(&on_gpu, &held_out, &gpu).unwrap();
    eprintln!("held-out error: {cpu_error:.3} (CPU), {gpu_error:.3} (wgpu)");
    // Initial weights come from each backend's own generator, so the runs are not equal, but
    // they must learn as well as each other.
    assert!(
        gpu_error < 0.25,
        "held-out error {gpu_error} after training on wgpu"
    );
    assert!(
        (gpu_error - cpu_error).abs() < 0.05,
        "held-out error {gpu_error} (wgpu) against {cpu_error} (CPU)"
    );
    // What `train --device wgpu` writes, read back on the CPU, predicts as it did on wgpu.
    let bytes = on_gpu.to_safetensors().unwrap();
    let back = Classifier::from_safetensors(spec.arch, bytes, &cpu).unwrap();
    let pixels = held_out.floats();
    let on_wgpu = block_on(eval::predict(&on_gpu, &gpu, &pixels)).unwrap();
    let decoded = block_on(eval::predict(&back, &cpu, &pixels)).unwrap();
    let differ = on_wgpu.iter().zip(&decoded).filter(|(a, b)| a != b).count();
    assert!(
        differ <= 2,
        "{differ} of 500 predictions differ after decoding on the CPU"
    );
}

#[test]
fn pretraining_and_the_adversarial_pool_run_on_wgpu() {
    // The recipes' other steps: ae400-10's autoencoder pre-training, and the adversarial pool
    // of fc100-100-10-adv (L-BFGS attacks during training), each cut to one epoch of 100 digits.
    let data = digits().range(0, 100);
    for name in ["ae400-10", "fc100-100-10-adv"] {
        let mut spec = *zoo::spec(name).unwrap();
        spec.recipe = spec.recipe.every_step_once();
        let (model, losses, seconds) = trained(&spec, &data, &wgpu());
        eprintln!("{name}: one short epoch on wgpu in {seconds:.1} s");
        assert!(losses.iter().all(|l| l.is_finite()), "{name}: {losses:?}");
        let error = eval::error_rate(&model, &data, &wgpu()).unwrap();
        assert!((0.0..=1.0).contains(&error), "{name}: error {error}");
    }
}
