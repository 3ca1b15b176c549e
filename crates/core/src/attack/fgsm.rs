//! FGSM (Goodfellow et al. 2014) and its iterated, projected form (PGD, Madry et al. 2017):
//! steps along the sign of the gradient, inside an L∞ ball of radius ε and the box [0, 1].

use super::objective::{Batch, evaluate};
use super::{Control, Goal, Outcome, Progress, keep_going};
use crate::Result;
use crate::model::Network;
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

/// One FGSM step of size ε, every image with the same goal.
pub async fn fgsm(
    model: &dyn Network,
    device: &Device,
    images: &[f32],
    labels: &[usize],
    goal: Goal,
    epsilon: f32,
) -> Result<Vec<Outcome>> {
    let config = FgsmConfig {
        epsilon,
        steps: 1,
        random_start: None,
    };
    pgd(model, device, images, labels, goal, config).await
}

/// [`pgd_each`] with the same goal for every image.
pub async fn pgd(
    model: &dyn Network,
    device: &Device,
    images: &[f32],
    labels: &[usize],
    goal: Goal,
    config: FgsmConfig,
) -> Result<Vec<Outcome>> {
    let goals = vec![goal; labels.len()];
    pgd_each(
        model,
        device,
        images,
        labels,
        &goals,
        config,
        &mut keep_going,
    )
    .await
}

/// Iterative FGSM with step 2.5·ε/steps (one step: ε), projected after every step, each image
/// with its own goal. Targeted: descends the cross-entropy of the target; untargeted: ascends
/// that of the label. `progress` hears after every step and may stop the attack there.
pub async fn pgd_each(
    model: &dyn Network,
    device: &Device,
    images: &[f32],
    labels: &[usize],
    goals: &[Goal],
    config: FgsmConfig,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Vec<Outcome>> {
    super::check_batch(model, images, labels, goals)?;
    let (n, inputs) = (labels.len(), model.inputs());
    let eps = config.epsilon;
    let step = if config.steps == 1 {
        eps
    } else {
        2.5 * eps / config.steps as f32
    };
    // Per image: the label whose cross-entropy is followed, and which way.
    let (aim, direction): (Vec<usize>, Vec<f32>) = goals
        .iter()
        .zip(labels)
        .map(|(goal, &label)| match *goal {
            Goal::Target(t) => (t, -1.0),
            Goal::Untargeted => (label, 1.0),
        })
        .unzip();
    let project = |v: f32, x0: f32| v.clamp(x0 - eps, x0 + eps).clamp(0.0, 1.0);
    let mut x = images.to_vec();
    if let Some(seed) = config.random_start {
        let mut rng = Rng::new(seed);
        for (v, &x0) in x.iter_mut().zip(images) {
            *v = project(x0 + eps * (2.0 * rng.uniform() as f32 - 1.0), x0);
        }
    }
    let zeros = vec![0.0; n]; // c = 0, T = 1: the gradient of the plain cross-entropy
    let mut steps = 0;
    while steps < config.steps {
        let e = evaluate(model, device, Batch::new(&x, images, &aim, &zeros, 1.0)).await?;
        for (row, (xs, x0s)) in x.chunks_mut(inputs).zip(images.chunks(inputs)).enumerate() {
            let grad = &e.grad[row * inputs..(row + 1) * inputs];
            for ((v, &x0), &g) in xs.iter_mut().zip(x0s).zip(grad) {
                *v = project(
                    *v + direction[row] * step * g.signum() * (g != 0.0) as u8 as f32,
                    x0,
                );
            }
        }
        steps += 1;
        let report = Progress {
            round: 0,
            iteration: steps - 1,
            c: 0.0,
            loss: e.cross_entropy.iter().sum::<f32>() / n.max(1) as f32,
            finished: 0,
            problems: n,
        };
        if !progress(&report).await {
            break;
        }
    }
    let last = evaluate(model, device, Batch::new(&x, images, &aim, &zeros, 1.0)).await?;
    Ok((0..n)
        .map(|i| {
            let (orig, adv) = (
                &images[i * inputs..(i + 1) * inputs],
                &x[i * inputs..(i + 1) * inputs],
            );
            let goal = (labels[i], goals[i]);
            Outcome::judged(orig, adv.to_vec(), goal, last.label[i], 0.0, steps)
        })
        .collect())
}
