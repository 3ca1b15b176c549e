//! The Jacobian-based saliency map attack (Papernot et al. 2016), on logits ("JSMA-Z" in
//! Carlini–Wagner's terms), increasing pixels (θ = +1): while the model does not read the target,
//! find the pair of pixels p, q whose joint derivative raises the target's logit
//! (α = ∂Z_t/∂x_p + ∂Z_t/∂x_q > 0) while lowering the others' sum (β < 0), the pair with the
//! largest α·|β|, and set both to 1; at most a share γ of the pixels. Untargeted (not in the
//! paper): every other class as a target, the fewest pixels changed kept.

use super::logits::{argmax, weighted};
use super::{Control, Goal, Outcome, Progress};
use crate::model::Network;
use crate::{Error, Result};
use burn::prelude::Device;

/// The paper's largest share of pixels changed (γ = 14.5%).
pub const GAMMA: f32 = 0.145;
/// The pair search is quadratic in the pixels: digits, not photos.
const MAX_INPUTS: usize = 4096;

/// γ, or what is wrong with it.
pub fn check_gamma(gamma: f32) -> Result<()> {
    if gamma > 0.0 && gamma <= 1.0 {
        return Ok(());
    }
    Err(Error::Other(format!(
        "γ (gamma), the largest share of pixels changed, must be in (0, 1], not {gamma}"
    )))
}

/// One (image, target) problem: its point and the pixels it may still raise.
struct Problem {
    image: usize,
    target: usize,
    x: Vec<f32>,
    domain: Vec<usize>,
    pairs: usize,
    done: bool,
}

/// JSMA on every image (rows of `images`, true labels `labels`), each towards its goal, as one
/// batch, changing at most a share `gamma` of each image's values.
pub async fn jsma_each(
    model: &dyn Network,
    device: &Device,
    images: &[f32],
    labels: &[usize],
    goals: &[Goal],
    gamma: f32,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Vec<Outcome>> {
    super::check_batch(model, images, labels, goals)?;
    super::refuse_own_label(labels, goals)?;
    check_gamma(gamma)?;
    let (inputs, classes) = (model.inputs(), model.classes());
    if inputs > MAX_INPUTS {
        return Err(Error::Other(format!(
            "JSMA searches pixel pairs, for inputs of at most {MAX_INPUTS} values (not {inputs})"
        )));
    }
    let row = |i: usize| &images[i * inputs..(i + 1) * inputs];
    let mut problems = Vec::new();
    for (image, goal) in goals.iter().enumerate() {
        let targets: Vec<usize> = match *goal {
            Goal::Target(t) => vec![t],
            Goal::Untargeted => (0..classes).filter(|&k| k != labels[image]).collect(),
        };
        problems.extend(targets.into_iter().map(|target| Problem {
            image,
            target,
            x: row(image).to_vec(),
            domain: (0..inputs).filter(|&j| row(image)[j] < 1.0).collect(),
            pairs: 0,
            done: false,
        }));
    }
    let most_pairs = (inputs as f32 * gamma / 2.0).floor() as usize;
    for iteration in 0..most_pairs {
        let active: Vec<usize> = (0..problems.len()).filter(|&k| !problems[k].done).collect();
        if active.is_empty() {
            break;
        }
        let (mut x, mut weights) = (Vec::new(), Vec::new());
        for &k in &active {
            let t = problems[k].target;
            x.extend_from_slice(&problems[k].x);
            x.extend_from_slice(&problems[k].x);
            weights.extend((0..classes).map(|j| (j == t) as u8 as f32));
            weights.extend((0..classes).map(|j| (j != t) as u8 as f32));
        }
        let at = weighted(model, device, &x, &weights).await?;
        for (r, &k) in active.iter().enumerate() {
            let problem = &mut problems[k];
            if argmax(at.logits(2 * r)) == problem.target {
                problem.done = true;
                continue;
            }
            match salient_pair(at.grad(2 * r), at.grad(2 * r + 1), &problem.domain) {
                Some((p, q)) => {
                    problem.x[p] = 1.0;
                    problem.x[q] = 1.0;
                    problem.domain.retain(|&j| j != p && j != q);
                    problem.pairs += 1;
                }
                None => problem.done = true,
            }
        }
        let report = Progress {
            round: 0,
            iteration,
            c: 0.0,
            loss: 0.0,
            finished: problems.len() - active.len(),
            problems: problems.len(),
        };
        if !progress(&report).await {
            break;
        }
    }
    let ends: Vec<f32> = problems.iter().flat_map(|p| p.x.iter().copied()).collect();
    let reached = crate::eval::predict_in(model, device, &ends, problems.len()).await?;
    let mut tries: Vec<Vec<Outcome>> = vec![Vec::new(); labels.len()];
    for (p, reached) in problems.into_iter().zip(reached) {
        let (i, pairs) = (p.image, p.pairs);
        let goal = match goals[i] {
            Goal::Untargeted => (labels[i], Goal::Target(p.target)),
            targeted => (labels[i], targeted),
        };
        let mut o = Outcome::judged(row(i), p.x, goal, reached, 0.0, pairs);
        if !o.success {
            // A failed try keeps the original, as the other attacks' failures do.
            o = Outcome::judged(row(i), row(i).to_vec(), goal, labels[i], 0.0, pairs);
        }
        tries[i].push(o);
    }
    Ok(tries.into_iter().map(fewest_pixels).collect())
}

/// One image's outcome from its tries (one per target, in class order): the success with the
/// fewest pixels changed (the first of equals), else the first try, with every try's pairs.
fn fewest_pixels(tries: Vec<Outcome>) -> Outcome {
    let spent = tries.iter().map(|o| o.iterations).sum();
    let best = (tries.iter().enumerate())
        .filter(|(_, o)| o.success)
        .min_by_key(|(_, o)| o.distortion.changed)
        .map_or(0, |(k, _)| k);
    let mut kept = tries.into_iter().nth(best).expect("an image has a try");
    kept.iterations = spent;
    kept
}

/// The pixel pair p < q (both still in `domain`, sorted) that JSMA changes next: α_pq > 0,
/// β_pq < 0 and the largest α_pq·|β_pq| (the first of equals), where α and β are the
/// derivatives of the target's logit and of the other logits' sum.
pub fn salient_pair(alpha: &[f32], beta: &[f32], domain: &[usize]) -> Option<(usize, usize)> {
    let mut best = None;
    let mut most = 0.0f32;
    for (a, &p) in domain.iter().enumerate() {
        let (ap, bp) = (alpha[p], beta[p]);
        for &q in &domain[a + 1..] {
            let (sa, sb) = (ap + alpha[q], bp + beta[q]);
            if sa > 0.0 && sb < 0.0 && sa * -sb > most {
                most = sa * -sb;
                best = Some((p, q));
            }
        }
    }
    best
}
