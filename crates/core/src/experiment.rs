//! Building blocks of the paper's transfer experiments (Tables 1–4), shared by
//! `blindspot reproduce` and the browser's Reproduce and Transfer panels: seeded random wrong
//! targets, adversarial sets made in batches, Gaussian noise of a given size, rescaled
//! perturbations, and error rates of any model on any of them.

use crate::attack::{Control, Goal, LbfgsConfig, LbfgsProgress, lbfgs_each};
use crate::model::Classifier;
use crate::rng::Rng;
use crate::{CLASSES, PIXELS};
use burn::prelude::*;

/// The target for image `index` (of its data set) with true `label`: a random wrong label,
/// from a generator seeded by `seed` and the index, so any subset gets the same targets.
pub fn random_wrong_label(label: u8, index: usize, seed: u64) -> u8 {
    let shift = 1 + Rng::new(seed ^ (index as u64 + 1)).below(CLASSES - 1);
    ((label as usize + shift) % CLASSES) as u8
}

/// Labels the model gives each row of `pixels` (`n × 784`), in batches of 1,000.
pub async fn predict(model: &Classifier, device: &Device, pixels: &[f32]) -> Vec<u8> {
    let mut labels = Vec::with_capacity(pixels.len() / PIXELS);
    for chunk in pixels.chunks(1000 * PIXELS) {
        let x = Tensor::<2>::from_data(
            TensorData::new(chunk.to_vec(), [chunk.len() / PIXELS, PIXELS]),
            device,
        );
        let out = model.forward(x).argmax(1).into_data_async().await;
        labels.extend(out.expect("device readback").iter::<i64>().map(|l| l as u8));
    }
    labels
}

/// Fraction of `predicted` that differ from `labels` (0 for an empty set).
pub fn error_rate(predicted: &[u8], labels: &[u8]) -> f64 {
    let wrong = predicted.iter().zip(labels).filter(|(p, l)| p != l).count();
    wrong as f64 / labels.len().max(1) as f64
}

/// x + Gaussian noise of standard deviation `stddev` per pixel, clipped to [0, 1] (clipping
/// makes the realised RMS a little smaller than `stddev`).
pub fn gaussian_noise(pixels: &[f32], stddev: f32, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    pixels
        .iter()
        .map(|&p| (p + stddev * rng.gaussian() as f32).clamp(0.0, 1.0))
        .collect()
}

/// Each perturbation r = adversarial − original rescaled (direction kept) to per-pixel RMS
/// `rms`, added back and clipped to [0, 1].
pub fn rescaled(original: &[f32], adversarial: &[f32], rms: f32) -> Vec<f32> {
    original
        .chunks(PIXELS)
        .zip(adversarial.chunks(PIXELS))
        .flat_map(|(x, a)| {
            let size =
                (x.iter().zip(a).map(|(p, q)| (q - p).powi(2)).sum::<f32>() / PIXELS as f32).sqrt();
            let scale = if size > 0.0 { rms / size } else { 0.0 };
            x.iter()
                .zip(a)
                .map(move |(p, q)| (p + scale * (q - p)).clamp(0.0, 1.0))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Adversarial examples for a set of images, one random wrong target each.
#[derive(Clone, Debug, Default)]
pub struct AdversarialSet {
    /// Only the successful attacks: originals, adversarial images (`n × 784`), true labels.
    pub original: Vec<f32>,
    pub adversarial: Vec<f32>,
    pub labels: Vec<u8>,
    /// Per-pixel RMS of each kept perturbation.
    pub rms: Vec<f32>,
    /// Images attacked (successes are `labels.len()`).
    pub attempted: usize,
}

impl AdversarialSet {
    pub fn mean_rms(&self) -> f64 {
        self.rms.iter().map(|&r| r as f64).sum::<f64>() / self.rms.len().max(1) as f64
    }

    pub fn success_rate(&self) -> f64 {
        self.labels.len() as f64 / self.attempted.max(1) as f64
    }
}

/// Attacks rows of `pixels` (true `labels`, data-set `indices` for the targets) in batches of
/// `batch`, reporting progress through `progress` (answer `false` to stop: the set made so far
/// is returned).
#[allow(clippy::too_many_arguments)]
pub async fn adversarial_set(
    model: &Classifier,
    device: &Device,
    pixels: &[f32],
    labels: &[u8],
    indices: &[usize],
    seed: u64,
    config: &LbfgsConfig,
    batch: usize,
    progress: &mut dyn FnMut(&LbfgsProgress) -> Control,
) -> (AdversarialSet, bool) {
    let mut set = AdversarialSet::default();
    let mut stopped = false;
    for (start, chunk) in (0..labels.len())
        .step_by(batch.max(1))
        .zip(labels.chunks(batch.max(1)))
    {
        let rows = &pixels[start * PIXELS..(start + chunk.len()) * PIXELS];
        let goals: Vec<Goal> = chunk
            .iter()
            .zip(&indices[start..start + chunk.len()])
            .map(|(&l, &i)| Goal::Target(random_wrong_label(l, i, seed)))
            .collect();
        let outcomes = lbfgs_each(model, device, rows, chunk, &goals, config, progress).await;
        // A stopped batch's unfinished problems are not successes; stop after recording it.
        for ((o, x), &label) in outcomes.iter().zip(rows.chunks(PIXELS)).zip(chunk) {
            set.attempted += 1;
            if o.success {
                set.original.extend_from_slice(x);
                set.adversarial.extend_from_slice(&o.adversarial);
                set.labels.push(label);
                set.rms.push(o.distortion.rms);
            }
        }
        if !progress(&LbfgsProgress {
            round: 0,
            iteration: 0,
            c: 0.0,
            loss: 0.0,
            finished: start + chunk.len(),
            problems: labels.len(),
        })
        .await
        {
            stopped = true;
            break;
        }
    }
    (set, stopped)
}
