//! Training on adversarial examples of every batch: FGSM training (Goodfellow et al. 2015), its
//! random start (Wong, Rice and Kolter 2020) and PGD training (Madry et al. 2018), in an L∞ ball
//! or an L2 one. Each batch is attacked against the model as it is at that step, and the loss is
//! taken on the result.

use crate::model::Classifier;
use crate::rng::Rng;
use crate::train::cross_entropy;
use burn::prelude::*;

/// An RMS change over a digit's pixels as an L2 norm: √784.
pub const RMS_TO_L2: f32 = 28.0;

/// The ball a perturbation stays in, and the steepest step of unit size in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ball {
    /// |r_i| ≤ ε for every pixel; a step moves every pixel by its size along the gradient's sign.
    Linf,
    /// ‖r‖₂ ≤ ε; a step moves along the gradient scaled to its size.
    L2,
}

/// How each training batch is perturbed: `steps` steepest ascents of the cross-entropy of the
/// true label in the ball's norm, of size `step`, each projected onto the ball of radius
/// `epsilon` and the box [0, 1].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Perturbation {
    pub ball: Ball,
    pub epsilon: f32,
    pub steps: usize,
    pub step: f32,
    /// Start from a random point of the ball rather than from the digit itself: uniform in
    /// each pixel for L∞; for L2 a uniformly random direction at a radius uniform in [0, ε]
    /// (torchattacks' `PGDL2`).
    pub random_start: bool,
    /// Share of the loss taken on the clean batch (Goodfellow's 0.5; 0: adversarial only).
    pub clean_weight: f32,
}

impl Perturbation {
    /// FGSM training with a random start and a step of 1.25 ε, all of the loss on the
    /// perturbed batch: Wong et al.'s "fast is better than free" recipe.
    pub const fn fgsm_random_start(epsilon: f32) -> Self {
        Perturbation {
            ball: Ball::Linf,
            epsilon,
            steps: 1,
            step: 1.25 * epsilon,
            random_start: true,
            clean_weight: 0.0,
        }
    }

    /// Goodfellow et al.'s FGSM training: one step of ε from the digit, half of the loss on
    /// the clean batch.
    pub const fn fgsm(epsilon: f32) -> Self {
        Perturbation {
            ball: Ball::Linf,
            epsilon,
            steps: 1,
            step: epsilon,
            random_start: false,
            clean_weight: 0.5,
        }
    }

    /// Madry et al.'s PGD training: `steps` steps of 2.5 ε / `steps` from a random start, all
    /// of the loss on the perturbed batch (the step rule of the attack in `attack/fgsm.rs`).
    pub const fn pgd(epsilon: f32, steps: usize) -> Self {
        Perturbation {
            ball: Ball::Linf,
            epsilon,
            steps,
            step: 2.5 * epsilon / if steps == 0 { 1 } else { steps } as f32,
            random_start: true,
            clean_weight: 0.0,
        }
    }

    /// Madry et al.'s PGD training in the L2 ball of radius `epsilon`, with the L∞ form's step
    /// rule and random start.
    pub const fn pgd_l2(epsilon: f32, steps: usize) -> Self {
        Perturbation {
            ball: Ball::L2,
            ..Self::pgd(epsilon, steps)
        }
    }

    /// The L2 defence of the zoo's `convnet-pgd-l2` and the Train panel: [`Self::pgd_l2`] in
    /// the ball of RMS change `rms` over a digit's 784 pixels (L2 radius 28·rms), with three
    /// quarters of the loss on the clean batch. The clean share keeps the small convnet above
    /// 98% clean where PGD alone fell to 92–96%, and moved the smallest L-BFGS change little
    /// (BENCHMARKS.md, "Training").
    pub const fn pgd_rms(rms: f32, steps: usize) -> Self {
        Perturbation {
            clean_weight: 0.75,
            ..Self::pgd_l2(rms * RMS_TO_L2, steps)
        }
    }

    /// The recipe in words, for model cards.
    pub fn describe(&self) -> String {
        let (steps, ball, random) = match self.ball {
            Ball::Linf => (
                "signed-gradient",
                "L∞",
                "a uniformly random point of the ε-ball",
            ),
            Ball::L2 => (
                "L2-normalised gradient",
                "L2",
                "a random point of the ε-ball (a uniform direction, a radius uniform in [0, ε])",
            ),
        };
        let start = if self.random_start {
            random
        } else {
            "the digit"
        };
        let loss = if self.clean_weight > 0.0 {
            format!(
                "loss {} on the clean batch, {} on the perturbed one",
                self.clean_weight,
                1.0 - self.clean_weight
            )
        } else {
            "loss on the perturbed batch only".into()
        };
        format!(
            "every batch replaced by adversarial examples of itself against the model as it is \
             at that step: {} {steps} step(s) of {} on the true label's cross-entropy \
             from {start}, projected onto the {ball} ball of ε {} and [0, 1]; {loss}",
            self.steps, self.step, self.epsilon
        )
    }
}

/// Adversarial examples of the batch `x` (true labels `y`) against `model` (on an autodiff
/// device), returned without a graph: the training loss differentiates the model only.
/// `rng` draws the random start.
pub fn perturb(
    model: &Classifier,
    x: Tensor<2>,
    y: Tensor<1, Int>,
    p: &Perturbation,
    rng: &mut Rng,
) -> Tensor<2> {
    let x0 = x.without_autodiff();
    let device = x0.device();
    let [rows, pixels] = x0.dims();
    // Onto the ball around x0 (L∞: each pixel within ε; L2: each row's change scaled down to ε
    // where it is longer), and the box [0, 1].
    let lo = x0.clone().sub_scalar(p.epsilon).clamp_min(0.0);
    let hi = x0.clone().add_scalar(p.epsilon).clamp_max(1.0);
    let project = |v: Tensor<2>| match p.ball {
        Ball::Linf => v.max_pair(lo.clone()).min_pair(hi.clone()),
        Ball::L2 => {
            let r = v - x0.clone();
            let shrink = norms(r.clone())
                .recip()
                .mul_scalar(p.epsilon)
                .clamp_max(1.0);
            (x0.clone() + r * shrink).clamp(0.0, 1.0)
        }
    };
    let mut xa = x0.clone();
    if p.random_start {
        let noise: Vec<f32> = match p.ball {
            Ball::Linf => (0..rows * pixels)
                .map(|_| p.epsilon * (2.0 * rng.uniform() as f32 - 1.0))
                .collect(),
            Ball::L2 => (0..rows)
                .flat_map(|_| {
                    let direction: Vec<f64> = (0..pixels).map(|_| rng.gaussian()).collect();
                    let length = direction.iter().map(|d| d * d).sum::<f64>().sqrt();
                    let scale = p.epsilon as f64 * rng.uniform() / length;
                    direction.into_iter().map(move |d| (d * scale) as f32)
                })
                .collect(),
        };
        let noise = Tensor::from_data(TensorData::new(noise, [rows, pixels]), &device);
        xa = project(xa + noise);
    }
    for _ in 0..p.steps {
        let leaf = xa.clone().autodiff().require_grad();
        let loss = cross_entropy(model.forward(leaf.clone()), y.clone());
        let grad = leaf
            .grad(&loss.backward())
            .expect("a leaf that requires its gradient has one");
        let ascent = match p.ball {
            Ball::Linf => grad.sign(),
            // torchattacks adds 1e-10 to the norm, so a zero gradient stays zero.
            Ball::L2 => grad.clone() / norms(grad).add_scalar(1e-10),
        };
        xa = project(xa + ascent.mul_scalar(p.step));
    }
    xa.autodiff()
}

/// Each row's L2 norm, as a column.
fn norms(rows: Tensor<2>) -> Tensor<2> {
    rows.powi_scalar(2).sum_dim(1).sqrt()
}

/// The training loss on a batch under `p`: the cross-entropy of the perturbed batch, plus that
/// of the clean one where the recipe keeps a share of it.
pub fn loss(
    model: &Classifier,
    x: Tensor<2>,
    y: Tensor<1, Int>,
    p: &Perturbation,
    rng: &mut Rng,
) -> Tensor<1> {
    let perturbed = perturb(model, x.clone(), y.clone(), p, rng);
    let adversarial = cross_entropy(model.forward(perturbed), y.clone());
    if p.clean_weight > 0.0 {
        let clean = cross_entropy(model.forward(x), y);
        clean.mul_scalar(p.clean_weight) + adversarial.mul_scalar(1.0 - p.clean_weight)
    } else {
        adversarial
    }
}
