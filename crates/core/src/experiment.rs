//! The paper's transfer experiments (Tables 1–4), shared by `blindspot reproduce` and the
//! browser's Reproduce and Transfer panels: seeded random wrong targets, adversarial sets made
//! in batches (their mean distortion and success rate: Table 1), Gaussian noise of a given
//! size (and the one Gaussian twin every view shows), rescaled perturbations, and transfer
//! rows (Tables 2 and 4: every column model's error on one set of examples).

use crate::attack::{Control, Distortion, Goal, LbfgsConfig, Progress, lbfgs_each};
use crate::eval::{count_wrong, predict, rate};
use crate::model::Classifier;
use crate::rng::Rng;
use crate::{CLASSES, PIXELS, Result};
use burn::prelude::*;

/// One of the nine labels other than `label`, uniformly, drawn from `rng`.
pub fn wrong_label(label: u8, rng: &mut Rng) -> u8 {
    wrong_label_by(label, rng.below(CLASSES - 1))
}

/// The wrong label that `draw` (0 to 8, one draw of [`wrong_label`]'s) picks for `label`.
pub fn wrong_label_by(label: u8, draw: usize) -> u8 {
    ((label as usize + 1 + draw) % CLASSES) as u8
}

/// The target for image `index` (of its data set) with true `label`: a random wrong label,
/// from a generator seeded by `seed` and the index, so any subset gets the same targets.
pub fn random_wrong_label(label: u8, index: usize, seed: u64) -> u8 {
    wrong_label(label, &mut Rng::new(seed ^ (index as u64 + 1)))
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

/// The seed of the Gaussian twin, so that every view shows the same one.
pub const TWIN_SEED: u64 = 1;

/// The Gaussian twin of an adversarial example: the original plus Gaussian noise whose
/// standard deviation is the perturbation's per-pixel RMS, clipped to [0, 1] (Table 1's
/// "same size, random direction" control).
pub fn gaussian_twin(original: &[f32], rms: f32) -> Vec<f32> {
    gaussian_noise(original, rms, TWIN_SEED)
}

/// Each perturbation r = adversarial − original rescaled (direction kept) to per-pixel RMS
/// `rms`, added back and clipped to [0, 1].
pub fn rescaled(original: &[f32], adversarial: &[f32], rms: f32) -> Vec<f32> {
    original
        .chunks(PIXELS)
        .zip(adversarial.chunks(PIXELS))
        .flat_map(|(x, a)| {
            let size = Distortion::between(x, a).rms;
            let scale = if size > 0.0 { rms / size } else { 0.0 };
            x.iter()
                .zip(a)
                .map(move |(p, q)| (p + scale * (q - p)).clamp(0.0, 1.0))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One row of a transfer table (Tables 2 and 4): examples made for one model (or noise), their
/// size, and each column model's error rate on them.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TransferRow {
    /// "fc10-1e-4", "gaussian 0.1", "fc100-100-10-p1, amplified to 0.1", …
    pub made_for: String,
    /// Mean per-pixel RMS of the examples' perturbations.
    pub distortion: f64,
    pub examples: usize,
    /// One per column model, in the order given.
    pub errors: Vec<f64>,
}

impl TransferRow {
    /// The row of `examples` examples of which each column model got `wrong[k]` wrong.
    pub fn from_counts(made_for: &str, distortion: f64, examples: usize, wrong: &[usize]) -> Self {
        TransferRow {
            made_for: made_for.into(),
            distortion,
            examples,
            errors: wrong.iter().map(|&w| rate(w, examples)).collect(),
        }
    }
}

/// How many of `pixels` (`n × 784`, true `labels`) each of `columns` gets wrong. Counts add up
/// over slices of a set, so that the browser's workers can share a row.
pub async fn wrong_counts(
    columns: &[&Classifier],
    device: &Device,
    pixels: &[f32],
    labels: &[u8],
) -> Result<Vec<usize>> {
    let mut wrong = Vec::with_capacity(columns.len());
    for model in columns {
        wrong.push(count_wrong(&predict(model, device, pixels).await?, labels));
    }
    Ok(wrong)
}

/// Salts XORed into a run's seed for the Gaussian noise rows of Tables 2 and 4, so that the two
/// tables draw different noise.
pub const TABLE2_NOISE_SALT: u64 = 0x6a;
pub const TABLE4_NOISE_SALT: u64 = 0x6b;

/// Gaussian noise of standard deviation `stddev` (seeded) on `pixels`, and its realised RMS.
pub fn gaussian_examples(pixels: &[f32], stddev: f32, seed: u64) -> (Vec<f32>, f64) {
    let noisy = gaussian_noise(pixels, stddev, seed);
    let rms = Distortion::pooled_rms(pixels, &noisy);
    (noisy, rms)
}

/// A noise row's name in a transfer table.
pub fn gaussian_name(stddev: f32) -> String {
    format!("gaussian {stddev}")
}

/// Examples to test every column model on: made for one model (or noise), of a known size.
pub struct Examples<'a> {
    pub made_for: String,
    /// Their perturbations' mean per-pixel RMS.
    pub distortion: f64,
    /// `n × 784`, with their true labels.
    pub pixels: &'a [f32],
    pub labels: &'a [u8],
}

/// The Gaussian noise rows of a block: noise of each standard deviation (seeded) on clean
/// images.
pub struct NoiseRows<'a> {
    pub stddevs: Vec<f32>,
    pub seed: u64,
    pub pixels: &'a [f32],
    pub labels: &'a [u8],
}

/// One block of a transfer table (Tables 2 and 4): a row for each set of examples, then its
/// Gaussian noise rows (made by `work::plan::transfer`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct TransferBlock {
    pub examples: Vec<TransferRow>,
    pub noise: Vec<TransferRow>,
}

/// Adversarial examples for a set of images, one random wrong target each.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
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

    /// The successful examples as one row of a transfer table.
    pub fn examples(&self, made_for: &str) -> Examples<'_> {
        Examples {
            made_for: made_for.into(),
            distortion: self.mean_rms(),
            pixels: &self.adversarial,
            labels: &self.labels,
        }
    }

    /// This set followed by `other` (sets made from consecutive slices of the same images, as
    /// workers make them, join into the set one engine makes of them all).
    pub fn append(&mut self, other: AdversarialSet) {
        self.original.extend(other.original);
        self.adversarial.extend(other.adversarial);
        self.labels.extend(other.labels);
        self.rms.extend(other.rms);
        self.attempted += other.attempted;
    }

    pub fn success_rate(&self) -> f64 {
        crate::eval::rate(self.labels.len(), self.attempted)
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
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<(AdversarialSet, bool)> {
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
            .map(|(&l, &i)| Goal::Target(random_wrong_label(l, i, seed).into()))
            .collect();
        let classes: Vec<usize> = chunk.iter().map(|&l| usize::from(l)).collect();
        let outcomes = lbfgs_each(model, device, rows, &classes, &goals, config, progress).await?;
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
        if !progress(&Progress {
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
    Ok((set, stopped))
}
