//! FGSM (Goodfellow et al. 2014) and its iterated, projected form (PGD, Madry et al. 2017):
//! steps along the sign of the gradient, inside an L∞ ball of radius ε and the box [0, 1].

use super::objective::{Batch, evaluate};
use super::{Distortion, Goal, Outcome};
use crate::PIXELS;
use crate::model::Classifier;
use crate::rng::Rng;
use burn::prelude::Device;

#[derive(Clone, Copy, Debug)]
pub struct FgsmConfig {
    /// L∞ radius of the perturbation.
    pub epsilon: f32,
    /// Iterations (1 with no random start is plain FGSM).
    pub steps: usize,
    /// Start from a uniformly random point of the ε-ball (seeded), as PGD does.
    pub random_start: Option<u64>,
}

/// One FGSM step of size ε.
pub async fn fgsm(
    model: &Classifier,
    device: &Device,
    images: &[f32],
    labels: &[u8],
    goal: Goal,
    epsilon: f32,
) -> Vec<Outcome> {
    pgd(
        model,
        device,
        images,
        labels,
        goal,
        FgsmConfig {
            epsilon,
            steps: 1,
            random_start: None,
        },
    )
    .await
}

/// Iterative FGSM with step 2.5·ε/steps (one step: ε), projected after every step.
/// Targeted: descends the cross-entropy of the target; untargeted: ascends that of the label.
pub async fn pgd(
    model: &Classifier,
    device: &Device,
    images: &[f32],
    labels: &[u8],
    goal: Goal,
    config: FgsmConfig,
) -> Vec<Outcome> {
    let n = labels.len();
    let eps = config.epsilon;
    let step = if config.steps == 1 {
        eps
    } else {
        2.5 * eps / config.steps as f32
    };
    let (aim, direction): (Vec<u8>, f32) = match goal {
        Goal::Target(t) => (vec![t; n], -1.0),
        Goal::Untargeted => (labels.to_vec(), 1.0),
    };
    let project = |v: f32, x0: f32| v.clamp(x0 - eps, x0 + eps).clamp(0.0, 1.0);
    let mut x = images.to_vec();
    if let Some(seed) = config.random_start {
        let mut rng = Rng::new(seed);
        for (v, &x0) in x.iter_mut().zip(images) {
            *v = project(x0 + eps * (2.0 * rng.uniform() as f32 - 1.0), x0);
        }
    }
    let zeros = vec![0.0; n]; // c = 0, T = 1: the gradient of the plain cross-entropy
    for _ in 0..config.steps {
        let e = evaluate(model, device, Batch::new(&x, images, &aim, &zeros, 1.0)).await;
        for ((v, &x0), &g) in x.iter_mut().zip(images).zip(&e.grad) {
            *v = project(
                *v + direction * step * g.signum() * (g != 0.0) as u8 as f32,
                x0,
            );
        }
    }
    let last = evaluate(model, device, Batch::new(&x, images, &aim, &zeros, 1.0)).await;
    (0..n)
        .map(|i| {
            let (orig, adv) = (
                &images[i * PIXELS..(i + 1) * PIXELS],
                &x[i * PIXELS..(i + 1) * PIXELS],
            );
            let label = last.label[i];
            let success = match goal {
                Goal::Target(t) => label == t,
                Goal::Untargeted => label != labels[i],
            };
            Outcome {
                adversarial: adv.to_vec(),
                label,
                target: match goal {
                    Goal::Target(t) => t,
                    Goal::Untargeted => label,
                },
                success,
                distortion: Distortion::between(orig, adv),
                c: 0.0,
                iterations: config.steps,
            }
        })
        .collect()
}
