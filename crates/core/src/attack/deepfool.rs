//! DeepFool (Moosavi-Dezfooli et al. 2016), L2: linearise the model at the current point, step
//! to the nearest linearised boundary between the true label and another class (untargeted:
//! the nearest of all others; targeted: the target's), and repeat until the label changes.
//! As in the paper and Foolbox's `L2DeepFoolAttack`: the steps add up to r, every iterate is
//! x0 + (1 + overshoot)·r clipped to the box, and an image stops once it is adversarial.

use super::logits::{argmax, weighted};
use super::{Control, Goal, Outcome, Progress};
use crate::Result;
use crate::model::Network;
use burn::prelude::Device;

/// How far past the linearised boundary each iterate goes (the paper's 0.02).
pub const OVERSHOOT: f32 = 0.02;
/// The most linearisation steps per image (the paper's and Foolbox's 50).
pub const MAX_STEPS: usize = 50;

/// One image's walk towards the boundary.
struct Walk {
    /// The classes whose boundary with the label may be stepped to.
    candidates: Vec<usize>,
    /// The steps' sum r, and the iterate x0 + (1 + overshoot)·r in the box.
    total: Vec<f32>,
    x: Vec<f32>,
    steps: usize,
    done: bool,
}

/// DeepFool on every image (rows of `images`, true labels `labels`), each towards its goal, as
/// one batch: each step evaluates every active image once per candidate class.
pub async fn deepfool_each(
    model: &dyn Network,
    device: &Device,
    images: &[f32],
    labels: &[usize],
    goals: &[Goal],
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Vec<Outcome>> {
    super::check_batch(model, images, labels, goals)?;
    super::refuse_own_label(labels, goals)?;
    let (inputs, classes) = (model.inputs(), model.classes());
    let row = |i: usize| &images[i * inputs..(i + 1) * inputs];
    let mut walks: Vec<Walk> = (0..labels.len())
        .map(|i| Walk {
            candidates: match goals[i] {
                Goal::Target(t) => vec![t],
                Goal::Untargeted => (0..classes).filter(|&k| k != labels[i]).collect(),
            },
            total: vec![0.0; inputs],
            x: row(i).to_vec(),
            steps: 0,
            done: false,
        })
        .collect();
    for step in 0..MAX_STEPS {
        let active: Vec<usize> = (0..walks.len()).filter(|&i| !walks[i].done).collect();
        if active.is_empty() {
            break;
        }
        let (mut x, mut weights) = (Vec::new(), Vec::new());
        for &i in &active {
            for &k in &walks[i].candidates {
                // ∇(Z_k − Z_label)
                let mut w = vec![0.0; classes];
                w[k] += 1.0;
                w[labels[i]] -= 1.0;
                x.extend_from_slice(&walks[i].x);
                weights.extend(w);
            }
        }
        let at = weighted(model, device, &x, &weights).await?;
        let mut first = 0; // the active image's first row
        for &i in &active {
            let walk = &mut walks[i];
            let (start, end) = (first, first + walk.candidates.len());
            first = end;
            let reached = argmax(at.logits(start));
            walk.done = match goals[i] {
                Goal::Target(t) => reached == t,
                Goal::Untargeted => reached != labels[i],
            };
            if walk.done {
                continue;
            }
            // The nearest linearised boundary: |Z_k − Z_label| / ‖∇(Z_k − Z_label)‖.
            let norm = |r: usize| at.grad(r).iter().map(|g| g * g).sum::<f32>().sqrt() + 1e-8;
            let distance = |r: usize| at.value[r].abs() / norm(r);
            let nearest = (start..end).fold(start, |best, r| {
                if distance(r) < distance(best) {
                    r
                } else {
                    best
                }
            });
            let scale = (distance(nearest) + 1e-4) / norm(nearest);
            let x0 = row(i);
            for (j, &g) in at.grad(nearest).iter().enumerate() {
                walk.total[j] += scale * g;
                walk.x[j] = (x0[j] + (1.0 + OVERSHOOT) * walk.total[j]).clamp(0.0, 1.0);
            }
            walk.steps += 1;
        }
        let report = Progress {
            round: 0,
            iteration: step,
            c: 0.0,
            loss: 0.0,
            finished: walks.iter().filter(|w| w.done).count(),
            problems: walks.len(),
        };
        if !progress(&report).await {
            break;
        }
    }
    let ends: Vec<f32> = walks.iter().flat_map(|w| w.x.iter().copied()).collect();
    let reached = crate::eval::predict_in(model, device, &ends, walks.len()).await?;
    Ok(walks
        .into_iter()
        .enumerate()
        .map(|(i, w)| Outcome::judged(row(i), w.x, (labels[i], goals[i]), reached[i], 0.0, w.steps))
        .collect())
}
