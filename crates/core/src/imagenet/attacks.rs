//! How a photo is attacked: each method's settings for EfficientNet-Lite0 on a 224×224 photo,
//! in one place for the CLI and the page.

use crate::attack::{Attack, LbfgsConfig, MethodName};

/// PGD's steps on a photo unless a caller asks for others. Each step is one gradient of the
/// whole network, so a photo gets fewer than a digit's 40.
pub const PGD_STEPS: usize = 10;
/// The L∞ budget of FGSM and PGD in 8-bit levels unless a caller asks for another.
pub const EPSILON_LEVELS: f32 = 8.0;
/// Untargeted L-BFGS tries the classes the model ranks highest after the photo's own: this
/// many (each a problem of 150,528 values and its own search over c).
pub const RUNNER_UPS: usize = 3;

/// `method` on a photo, with an L∞ budget of `epsilon_levels` 8-bit levels (FGSM, PGD) and
/// `steps` PGD steps.
pub fn attack(method: MethodName, epsilon_levels: f32, steps: usize) -> Attack {
    Attack {
        method: method.with(epsilon_levels / 255.0, steps),
        lbfgs: lbfgs(),
        seed: 0,
    }
}

/// The paper's L-BFGS and c search as for digits, except: each solve judged once rounded to
/// 8-bit levels; c starts at 0.002, near where the two samples' searches ended (‖r‖² sums over
/// 150,528 values, not 784, so c is far smaller than a digit's 1); three bisections, not five
/// (each solve is ~95 gradients of the whole network); [`RUNNER_UPS`] runner-ups untargeted.
/// Measured in BENCHMARKS.md.
pub fn lbfgs() -> LbfgsConfig {
    LbfgsConfig {
        runner_ups: RUNNER_UPS,
        quantise: true,
        c_start: 0.002,
        bisections: 3,
        ..LbfgsConfig::default()
    }
}
