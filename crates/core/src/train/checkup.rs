//! How robust a model is, measured the way a training run is watched (`blindspot train
//! --watch`) and REPRODUCTION.md's "Defences" section measures the zoo: accuracy on clean
//! digits, accuracy under FGSM or PGD within an L∞ ball, and the paper's measure, the mean
//! minimal L-BFGS distortion.

use crate::Result;
use crate::attack::{FgsmConfig, Goal, LbfgsConfig, block_on, keep_going, pgd};
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
    let mut right = 0;
    for start in (0..digits.len()).step_by(batch.max(1)) {
        let part = digits.range(start, (start + batch).min(digits.len()));
        let labels = part.label_indices();
        let outcomes = block_on(pgd(
            model,
            device,
            &part.floats(),
            &labels,
            Goal::Untargeted,
            attack,
        ))?;
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
    let indices: Vec<usize> = (0..digits.len()).collect();
    let (set, _) = block_on(adversarial_set(
        model,
        device,
        &digits.floats(),
        &digits.labels,
        &indices,
        seed,
        &LbfgsConfig::default(),
        batch,
        &mut keep_going,
    ))?;
    Ok((set.mean_rms(), rate(set.labels.len(), set.attempted)))
}

/// What a training run is watched by, on the first digits of a set (the gallery's).
#[derive(Clone, Copy, Debug)]
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
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Checkup {
    pub clean_accuracy: f64,
    pub robust_accuracy: f64,
    pub lbfgs_rms: f64,
}

/// Measures `model` (on an autodiff `device`, as it trains: a frozen copy is attacked, so
/// that no attack differentiates the weights) on the first digits of `digits`.
pub fn checkup(
    model: &Classifier,
    device: &Device,
    digits: &Digits,
    watch: &Watch,
) -> Result<Checkup> {
    let first = |n: usize| digits.range(0, n.min(digits.len()));
    let frozen = model.clone().freeze();
    let plain = device.clone().without_autodiff();
    let pgd = FgsmConfig {
        epsilon: watch.epsilon,
        steps: watch.steps,
        random_start: Some(watch.seed),
    };
    let robust = first(watch.robust);
    let (lbfgs_rms, _) = lbfgs_distortion(&frozen, device, &first(watch.lbfgs), watch.seed, 100)?;
    Ok(Checkup {
        clean_accuracy: 1.0 - error_rate(&model.valid(), &first(watch.clean), &plain)?,
        robust_accuracy: accuracy_under(&frozen, device, &robust, pgd, robust.len())?,
        lbfgs_rms,
    })
}
