//! How robust a model is, measured the way a training run is watched (`blindspot train
//! --watch`) and REPRODUCTION.md's "Defences" section measures the zoo: accuracy on clean
//! digits, accuracy under FGSM or PGD within an L∞ ball, and the paper's measure, the mean
//! minimal L-BFGS distortion.

use crate::Result;
use crate::attack::{Control, FgsmConfig, Goal, LbfgsConfig, Progress, block_on, keep_going, pgd};
use crate::data::Digits;
use crate::eval::{error_rate, rate};
use crate::experiment::adversarial_set;
use crate::model::Classifier;
use burn::module::Module;
use burn::prelude::Device;

/// Share of `digits` that `model` still reads as their labels after an untargeted `attack` on
/// each, `batch` digits at a time. `device` has autodiff.
pub fn accuracy_under(
    model: &Classifier,
    device: &Device,
    digits: &Digits,
    attack: FgsmConfig,
    batch: usize,
) -> Result<f64> {
    block_on(accuracy_under_async(model, device, digits, attack, batch))
}

async fn accuracy_under_async(
    model: &Classifier,
    device: &Device,
    digits: &Digits,
    attack: FgsmConfig,
    batch: usize,
) -> Result<f64> {
    let mut right = 0;
    for start in (0..digits.len()).step_by(batch.max(1)) {
        let part = digits.range(start, (start + batch).min(digits.len()));
        let labels = part.label_indices();
        let outcomes = pgd(
            model,
            device,
            &part.floats(),
            &labels,
            Goal::Untargeted,
            attack,
        )
        .await?;
        right += (outcomes.iter().zip(&labels))
            .filter(|(o, l)| o.label == **l)
            .count();
    }
    Ok(rate(right, digits.len()))
}

/// The paper's measure on `digits`: the mean RMS of the minimal L-BFGS examples towards a
/// random wrong label (seeded by `seed` and each digit's place), and the share of digits an
/// example was found for.
pub fn lbfgs_distortion(
    model: &Classifier,
    device: &Device,
    digits: &Digits,
    seed: u64,
    batch: usize,
) -> Result<(f64, f64)> {
    block_on(lbfgs_distortion_async(
        model,
        device,
        digits,
        seed,
        batch,
        &mut keep_going,
    ))
}

async fn lbfgs_distortion_async(
    model: &Classifier,
    device: &Device,
    digits: &Digits,
    seed: u64,
    batch: usize,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<(f64, f64)> {
    let indices: Vec<usize> = (0..digits.len()).collect();
    let (set, _) = adversarial_set(
        model,
        device,
        &digits.floats(),
        &digits.labels,
        &indices,
        seed,
        &LbfgsConfig::default(),
        batch,
        progress,
    )
    .await?;
    Ok((set.mean_rms(), rate(set.labels.len(), set.attempted)))
}

/// What a training run is watched by, on the first digits of a set (the gallery's).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Watch {
    /// Digits whose clean accuracy is measured.
    pub clean: usize,
    /// Digits attacked with PGD (`steps` steps within `epsilon`, a seeded random start).
    pub robust: usize,
    pub epsilon: f32,
    pub steps: usize,
    /// Digits the paper's measure attacks with L-BFGS.
    pub lbfgs: usize,
    pub seed: u64,
}

impl Default for Watch {
    /// The measures: 1,000 digits clean, PGD-20 at ε = 0.1 on 200, L-BFGS on 20.
    fn default() -> Self {
        Watch {
            clean: 1000,
            robust: 200,
            epsilon: 0.1,
            steps: 20,
            lbfgs: 20,
            seed: 0,
        }
    }
}

/// One look at a model under a [`Watch`].
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Checkup {
    pub clean_accuracy: f64,
    pub robust_accuracy: f64,
    pub lbfgs_rms: f64,
}

/// One of a [`Checkup`]'s measures: each can be taken on its own (the page's workers share a
/// checkup out, one measure each).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Measure {
    Clean,
    Robust,
    Rms,
}

impl Measure {
    pub const ALL: [Measure; 3] = [Measure::Clean, Measure::Robust, Measure::Rms];
}

impl Checkup {
    /// The checkup whose measures are `values`, in [`Measure::ALL`]'s order.
    pub fn from_measures(values: [f64; 3]) -> Self {
        let [clean_accuracy, robust_accuracy, lbfgs_rms] = values;
        Checkup {
            clean_accuracy,
            robust_accuracy,
            lbfgs_rms,
        }
    }
}

/// Measures `model` (on an autodiff `device`, as it trains: a frozen copy is attacked, so
/// that no attack differentiates the weights) on the first digits of `digits`.
pub fn checkup(
    model: &Classifier,
    device: &Device,
    digits: &Digits,
    watch: &Watch,
) -> Result<Checkup> {
    let mut values = [0.0; 3];
    for (value, m) in values.iter_mut().zip(Measure::ALL) {
        *value = block_on(measure(model, device, digits, watch, m, &mut keep_going))?;
    }
    Ok(Checkup::from_measures(values))
}

/// One measure of a [`checkup`]; `progress` hears the L-BFGS attacks' evaluations.
pub async fn measure(
    model: &Classifier,
    device: &Device,
    digits: &Digits,
    watch: &Watch,
    measure: Measure,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<f64> {
    let first = |n: usize| digits.range(0, n.min(digits.len()));
    let frozen = model.clone().freeze();
    Ok(match measure {
        Measure::Clean => {
            let plain = device.clone().without_autodiff();
            1.0 - error_rate(&model.valid(), &first(watch.clean), &plain)?
        }
        Measure::Robust => {
            let pgd = FgsmConfig {
                epsilon: watch.epsilon,
                steps: watch.steps,
                random_start: Some(watch.seed),
            };
            let robust = first(watch.robust);
            accuracy_under_async(&frozen, device, &robust, pgd, robust.len()).await?
        }
        Measure::Rms => {
            let digits = first(watch.lbfgs);
            lbfgs_distortion_async(&frozen, device, &digits, watch.seed, 100, progress)
                .await?
                .0
        }
    })
}
