//! Adversarial attacks on any [`Network`](crate::model::Network) (the MNIST zoo, the ImageNet
//! network): the paper's box-constrained L-BFGS and, for comparison, FGSM and iterative FGSM
//! (PGD), and on digits the attacks that came after the paper: DeepFool, Carlini–Wagner L2 and
//! JSMA.
//!
//! Every attack works on a batch: images are rows of a flat `n × inputs` slice in [0, 1]
//! (784 pixels of a digit, `3 × 224 × 224` of a photo), each with its own target, and one tensor program evaluates them all at once. The functions are
//! `async` because a WebGPU device can only be read asynchronously; on the CPU they complete
//! at once (natively, [`block_on`] drives them). Callers name an attack with [`Method`] and run
//! it with [`Attack::run`].

pub mod c_search;
pub mod cw;
pub mod deepfool;
pub mod fgsm;
pub mod jsma;
pub mod lbfgs;
pub mod lbfgs_config;
pub mod logits;
pub mod method;
pub mod objective;
pub mod solver;
pub mod split;

pub use cw::CwConfig;
pub use fgsm::{FgsmConfig, fgsm, pgd, pgd_each};
pub use lbfgs::{LbfgsConfig, every_other, lbfgs, lbfgs_each, nearest, search, solve_at};
pub use method::{Attack, Method, MethodName, Settings};

use crate::PIXELS;
use crate::model::Network;
use std::future::Future;
use std::pin::Pin;

/// A progress callback's answer: `true` to go on, `false` to stop. It is a future so that a
/// browser page can await a frame there, keeping the page responsive between iterations.
pub type Control = Pin<Box<dyn Future<Output = bool>>>;

/// A callback that never stops the attack and never waits.
pub fn keep_going<T>(_: &T) -> Control {
    Box::pin(std::future::ready(true))
}

/// Reported after every evaluation of an attack; the callback's answer `false` stops it early
/// (the best result found so far is returned). FGSM and PGD report round 0, their step as the
/// iteration and c = 0.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    /// Solve round (one value of c per problem) and iteration within it.
    pub round: usize,
    pub iteration: usize,
    /// For the first problem still searching: its c and objective value.
    pub c: f32,
    pub loss: f32,
    /// Problems finished / all problems.
    pub finished: usize,
    pub problems: usize,
}

/// What an attack aims for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Goal {
    /// Make the model output this label.
    Target(usize),
    /// Make the model output anything but the image's true label.
    Untargeted,
}

impl Goal {
    /// A target as the page's menus hold it (`None`: untargeted).
    pub fn from_target(target: Option<usize>) -> Goal {
        target.map_or(Goal::Untargeted, Goal::Target)
    }

    /// Whether a model that reads `now` on an image of true label `label` meets the goal.
    pub fn reached(self, label: usize, now: usize) -> bool {
        match self {
            Goal::Target(t) => now == t,
            Goal::Untargeted => now != label,
        }
    }
}

/// One image's outcome.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// The adversarial image, as many values in [0, 1] as the original (the original itself
    /// when nothing was found).
    pub adversarial: Vec<f32>,
    /// What the model says on it.
    pub label: usize,
    /// The label aimed for (for untargeted attacks: the one reached, or the nearest tried).
    pub target: usize,
    pub success: bool,
    pub distortion: Distortion,
    /// L-BFGS: the weight c of ‖r‖² at the kept solution (0 for FGSM/PGD, and where the
    /// model already gave the image its target: r = 0).
    pub c: f32,
    /// Gradient evaluations spent on this image.
    pub iterations: usize,
}

impl Outcome {
    /// The outcome of `adversarial` (from `original`, true label `label`) that the model reads
    /// as `reached`, judged against `goal`; `c` and `iterations` as the attack kept them.
    pub fn judged(
        original: &[f32],
        adversarial: Vec<f32>,
        (label, goal): (usize, Goal),
        reached: usize,
        c: f32,
        iterations: usize,
    ) -> Outcome {
        let success = goal.reached(label, reached);
        let target = match goal {
            Goal::Target(t) => t,
            Goal::Untargeted => reached,
        };
        Outcome {
            distortion: Distortion::between(original, &adversarial),
            adversarial,
            label: reached,
            target,
            success,
            c,
            iterations,
        }
    }
}

/// Size of a perturbation r = x' − x.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Distortion {
    /// The paper's measure: sqrt(Σ r² / values), the per-pixel (per-value) RMS.
    pub rms: f32,
    pub l2: f32,
    pub linf: f32,
    /// Pixels changed by more than 1/255.
    pub changed: usize,
}

impl Distortion {
    pub fn between(original: &[f32], adversarial: &[f32]) -> Self {
        let r = original.iter().zip(adversarial).map(|(a, b)| b - a);
        let (mut sq, mut linf, mut changed) = (0.0f32, 0.0f32, 0);
        for d in r {
            sq += d * d;
            linf = linf.max(d.abs());
            changed += (d.abs() > 1.0 / 255.0) as usize;
        }
        Distortion {
            rms: (sq / original.len().max(1) as f32).sqrt(),
            l2: sq.sqrt(),
            linf,
            changed,
        }
    }

    /// The per-pixel RMS over a whole set of MNIST images (`n × 784`, all pixels of all
    /// images): the realised size of noise or of rescaled perturbations after clipping.
    pub fn pooled_rms(originals: &[f32], adversarials: &[f32]) -> f64 {
        let pairs = originals.chunks(PIXELS).zip(adversarials.chunks(PIXELS));
        let squares: f64 = pairs
            .map(|(x, a)| (Distortion::between(x, a).rms as f64).powi(2))
            .sum();
        (squares / (originals.len() / PIXELS).max(1) as f64).sqrt()
    }
}

/// Checks that a batch has the model's input length per image, one goal per label, and only
/// labels and targets the model has.
fn check_batch(
    model: &dyn Network,
    images: &[f32],
    labels: &[usize],
    goals: &[Goal],
) -> crate::Result<()> {
    let classes = model.classes();
    let known = |l: usize| l < classes;
    let targets_known = goals.iter().all(|g| match *g {
        Goal::Target(t) => known(t),
        Goal::Untargeted => true,
    });
    if goals.len() == labels.len()
        && images.len() == labels.len() * model.inputs()
        && labels.iter().all(|&l| known(l))
        && targets_known
    {
        return Ok(());
    }
    Err(crate::Error::Other(format!(
        "an attack needs {} values and one goal per image, and labels below {classes} \
         ({} labels, {} goals, {} values)",
        model.inputs(),
        labels.len(),
        goals.len(),
        images.len()
    )))
}

/// Refuses a target equal to its image's own label (the attacks after the paper would have
/// nothing to do: the paper's L-BFGS reports r = 0 there).
pub fn refuse_own_label(labels: &[usize], goals: &[Goal]) -> crate::Result<()> {
    match labels
        .iter()
        .zip(goals)
        .find(|(l, g)| **g == Goal::Target(**l))
    {
        Some((label, _)) => Err(crate::Error::Other(format!(
            "the target {label} is the digit's own label: choose another target"
        ))),
        None => Ok(()),
    }
}

/// Runs an attack's future to completion on this thread. CPU devices only: their futures are
/// ready at once (in a browser a WebGPU readback would never complete this way).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pooled_rms_is_the_rms_over_every_pixel_of_every_image() {
        let originals = vec![0.5f32; 2 * PIXELS];
        let mut changed = originals.clone();
        changed[..PIXELS].iter_mut().for_each(|p| *p += 0.1);
        changed[PIXELS..].iter_mut().for_each(|p| *p -= 0.3);
        let pooled = Distortion::pooled_rms(&originals, &changed);
        assert!((pooled - 0.05f64.sqrt()).abs() < 1e-6, "{pooled}");
        let first = Distortion::between(&originals[..PIXELS], &changed[..PIXELS]);
        assert!((first.rms - 0.1).abs() < 1e-6 && (first.linf - 0.1).abs() < 1e-6);
    }
}
