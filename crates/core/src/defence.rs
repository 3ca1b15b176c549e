//! Training on adversarial examples of every batch: FGSM training (Goodfellow et al. 2015), its
//! random start (Wong, Rice and Kolter 2020) and PGD training (Madry et al. 2018). Each batch is
//! attacked against the model as it is at that step, and the loss is taken on the result.

use crate::model::Classifier;
use crate::rng::Rng;
use crate::train::cross_entropy;
use burn::prelude::*;

/// How each training batch is perturbed: `steps` signed-gradient ascents of the cross-entropy
/// of the true label, of size `step`, each projected onto the L∞ ball of radius `epsilon` and
/// the box [0, 1].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Perturbation {
    pub epsilon: f32,
    pub steps: usize,
    pub step: f32,
    /// Start from a uniformly random point of the ball rather than from the digit itself.
    pub random_start: bool,
    /// Share of the loss taken on the clean batch (Goodfellow's 0.5; 0: adversarial only).
    pub clean_weight: f32,
}

impl Perturbation {
    /// FGSM training with a random start and a step of 1.25 ε, all of the loss on the
    /// perturbed batch: Wong et al.'s "fast is better than free" recipe.
    pub const fn fgsm_random_start(epsilon: f32) -> Self {
        Perturbation {
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
            epsilon,
            steps,
            step: 2.5 * epsilon / if steps == 0 { 1 } else { steps } as f32,
            random_start: true,
            clean_weight: 0.0,
        }
    }

    /// The recipe in words, for model cards.
    pub fn describe(&self) -> String {
        let start = if self.random_start {
            "a uniformly random point of the ε-ball"
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
             at that step: {} signed-gradient step(s) of {} on the true label's cross-entropy \
             from {start}, projected onto the L∞ ball of ε {} and [0, 1]; {loss}",
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
    let lo = x0.clone().sub_scalar(p.epsilon).clamp_min(0.0);
    let hi = x0.clone().add_scalar(p.epsilon).clamp_max(1.0);
    let project = |v: Tensor<2>| v.max_pair(lo.clone()).min_pair(hi.clone());
    let mut xa = x0.clone();
    if p.random_start {
        let dims = x0.dims();
        let noise: Vec<f32> = (0..dims[0] * dims[1])
            .map(|_| p.epsilon * (2.0 * rng.uniform() as f32 - 1.0))
            .collect();
        xa = project(xa + Tensor::from_data(TensorData::new(noise, dims), &device));
    }
    for _ in 0..p.steps {
        let leaf = xa.clone().autodiff().require_grad();
        let loss = cross_entropy(model.forward(leaf.clone()), y.clone());
        let grad = leaf
            .grad(&loss.backward())
            .expect("a leaf that requires its gradient has one");
        xa = project(xa + grad.sign().mul_scalar(p.step));
    }
    xa.autodiff()
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
