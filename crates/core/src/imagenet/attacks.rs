//! How a photo is attacked: each method's settings for EfficientNet-Lite0 on a 224×224 photo,
//! and the attack judged on the 8-bit photo it gives, in one place for the CLI and the page.

use super::{CLASSES, Classes, EfficientNetLite0, Ranked, figure, top};
use crate::attack::{
    Attack, Control, Distortion, Goal, LbfgsConfig, MethodName, Outcome, Progress, Settings,
};
use crate::{Error, Result, eval, levels};
use burn::prelude::Device;

/// PGD's steps on a photo unless a caller asks for others. Each step is one gradient of the
/// whole network, so a photo gets fewer than a digit's 40.
pub const PGD_STEPS: usize = 10;
/// The L∞ budget of FGSM and PGD in 8-bit levels unless a caller asks for another.
pub const EPSILON_LEVELS: f32 = 8.0;
/// Untargeted L-BFGS tries the classes the model ranks highest after the photo's own: this
/// many (each a problem of 150,528 values and its own search over c).
pub const RUNNER_UPS: usize = 3;

/// The most L-BFGS lanes a photo gets (solves side by side, see [`LbfgsConfig::lanes`]): a
/// fourth would shrink the bracket 5-fold a round rather than 4-fold, and the first round's
/// ×10 steps would reach 1,000 × c_start.
pub const MAX_LANES: usize = 3;

/// The lanes this process runs side by side: natively the threads of its CPU (at most
/// [`MAX_LANES`]); one in a browser worker, where the page's plan deals a photo's lanes over
/// the pool's workers instead (`work::plan::photo`).
pub fn lanes_here() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    return rayon::current_num_threads().clamp(1, MAX_LANES);
    #[cfg(target_arch = "wasm32")]
    1
}

/// `method` on a photo, with an L∞ budget of `epsilon_levels` 8-bit levels (FGSM, PGD),
/// `steps` PGD steps and L-BFGS's `lanes` (at most [`MAX_LANES`]); an error where one is out
/// of range.
pub fn attack(
    method: MethodName,
    epsilon_levels: f32,
    steps: usize,
    lanes: usize,
) -> Result<Attack> {
    // DeepFool's and JSMA's costs grow with the classes and the pixels: digits only.
    if !matches!(
        method,
        MethodName::Lbfgs | MethodName::Fgsm | MethodName::Pgd
    ) {
        return Err(Error::Other(format!(
            "method '{}' is for digits: a photo takes lbfgs, fgsm, pgd",
            method.as_str()
        )));
    }
    if !(epsilon_levels > 0.0 && epsilon_levels <= 255.0) {
        return Err(Error::Other(format!(
            "ε = {epsilon_levels} is not a number of 8-bit levels in (0, 255]"
        )));
    }
    if !(1..=1000).contains(&steps) {
        return Err(Error::Other(format!("{steps} PGD steps is not 1–1000")));
    }
    Ok(Attack {
        method: method.with(&Settings {
            epsilon: epsilon_levels / 255.0,
            steps,
            ..Settings::default()
        }),
        lbfgs: LbfgsConfig {
            lanes: lanes.clamp(1, MAX_LANES),
            ..lbfgs()
        },
        seed: 0,
    })
}

/// The paper's L-BFGS and c search as for digits, except: each solve judged once rounded to
/// 8-bit levels; c starts at 0.002, near where the two samples' searches ended (‖r‖² sums over
/// 150,528 values, not 784, so c is far smaller than a digit's 1); three bisections, not five
/// (each solve is ~95 gradients of the whole network); [`RUNNER_UPS`] runner-ups untargeted;
/// the bracket widened ×10 and bisected (rounded solves have no margin to guide it); one lane
/// unless [`attack`] is given more. Measured in BENCHMARKS.md.
pub fn lbfgs() -> LbfgsConfig {
    LbfgsConfig {
        runner_ups: RUNNER_UPS,
        quantise: true,
        waypoints: true,
        c_start: Some(0.002),
        c_factor: 10.0,
        c_ratio: 1.01,
        bisections: 3,
        ..LbfgsConfig::default()
    }
}

/// Classes shown before and after an attack.
pub const SHOWN: usize = 5;

/// One attacked photo: what the model said before, and what it says of the adversarial photo
/// rounded to 8-bit levels, as it is saved and shown.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PhotoAttack {
    /// The adversarial photo's class and its name.
    pub label: usize,
    pub name: String,
    /// The class aimed for (untargeted: the one reached, or the nearest tried).
    pub target: usize,
    pub target_name: String,
    pub success: bool,
    /// Per-value RMS of the change, in [0, 1] units as the paper's, and its largest change in
    /// 8-bit levels.
    pub rms: f32,
    pub linf_levels: f32,
    /// Gradient evaluations of the network.
    pub iterations: usize,
    pub before: Vec<Ranked>,
    pub after: Vec<Ranked>,
    /// The adversarial photo, `[3, 224, 224]` in 8-bit levels (left out of JSON: 150,528 values).
    #[serde(skip)]
    pub adversarial: Vec<f32>,
}

/// The [`SHOWN`] most probable classes of `pixels`.
pub async fn ranked(
    model: &EfficientNetLite0,
    classes: &Classes,
    device: &Device,
    pixels: &[f32],
) -> Result<Vec<Ranked>> {
    let p = eval::probabilities(model, pixels, device).await?;
    Ok(top(classes, &p, SHOWN))
}

/// Runs `attack` on `pixels` (a photo as [`super::crop`] gives it) towards `goal`, reporting to
/// `progress` (which may stop it), and judges the result on its 8-bit rounding.
pub async fn attack_photo(
    model: &EfficientNetLite0,
    classes: &Classes,
    device: &Device,
    pixels: &[f32],
    goal: Goal,
    attack: &Attack,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<PhotoAttack> {
    if let Goal::Target(t) = goal
        && t >= CLASSES
    {
        return Err(Error::Other(format!("class {t} is not one of 0–999")));
    }
    let before = ranked(model, classes, device, pixels).await?;
    let outcome = attack
        .run(model, device, pixels, &[before[0].label], &[goal], progress)
        .await?
        .pop()
        .ok_or_else(|| Error::Other("the attack gave no outcome".into()))?;
    judge(model, classes, device, pixels, goal, before, &outcome).await
}

/// An attack's `outcome` on `pixels` (ranked `before`), judged on its rounding to 8-bit
/// levels: what the model says of the adversarial photo as it is saved and shown.
pub async fn judge(
    model: &EfficientNetLite0,
    classes: &Classes,
    device: &Device,
    pixels: &[f32],
    goal: Goal,
    before: Vec<Ranked>,
    outcome: &Outcome,
) -> Result<PhotoAttack> {
    let adversarial = levels::quantised(&outcome.adversarial);
    let after = ranked(model, classes, device, &adversarial).await?;
    let label = after[0].label;
    Ok(PhotoAttack {
        label,
        name: after[0].name.clone(),
        target: outcome.target,
        target_name: classes.name(outcome.target).to_string(),
        success: match goal {
            Goal::Target(t) => label == t,
            Goal::Untargeted => label != before[0].label,
        },
        rms: Distortion::between(pixels, &adversarial).rms,
        linf_levels: figure::linf_levels(pixels, &adversarial),
        iterations: outcome.iterations,
        before,
        after,
        adversarial,
    })
}
