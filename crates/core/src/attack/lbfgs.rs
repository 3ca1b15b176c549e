//! The paper's attack: minimise c·‖r‖² + CE(x + r, target) (CE at softmax temperature T, see
//! [`LbfgsConfig::temperature`]) over x + r ∈ [0, 1]^inputs with
//! box-constrained (projected) L-BFGS, and search over c for the smallest perturbation that
//! still reaches the target. With c on the distortion term, the *largest* successful c gives
//! the smallest r.
//!
//! The c search per problem is [`CSearch`]'s: widen by `c_factor` until a success and a failure
//! bracket the boundary, then narrow the bracket guided by the target's logit margin; with
//! several lanes, each round tries several c at once. Each solve starts where the problem's
//! previous one ended (`warm_start`; with lanes, the previous round's solve nearest in c). The
//! smallest successful r over all solves (and, for photos, their waypoints) is kept. All
//! problems of a batch (images × targets, each with its lanes) advance together: one tensor
//! evaluation per L-BFGS step for the whole batch, each row with its own c, its own line search
//! and its own convergence. A round's solves run on a [`Solver`]: here, or dealt out (the page's
//! plan for a photo).

use super::c_search::{CSearch, estimated_start};
pub use super::lbfgs_config::LbfgsConfig;
use super::objective::{Batch, Evaluation, evaluate_at_least};
use super::solver::{Local, Rows, Solver};
use super::{Control, Distortion, Goal, Outcome, Progress};
use crate::Result;
use crate::model::Network;
use burn::prelude::Device;
use std::collections::VecDeque;

/// How far a solve's perturbation r is stretched (x + s·r) when its plain rounding to 8-bit
/// levels misses the target (see [`LbfgsConfig::quantise`]): a solve ends at the boundary, so a
/// little more of the same r usually survives rounding, at a fraction of a new solve's cost.
pub const STRETCHES: [f32; 4] = [1.0, 1.1, 1.25, 1.5];

/// A solve keeps its iterate every this many iterations where the target leads (a waypoint,
/// see [`LbfgsConfig::waypoints`]).
pub const WAYPOINT_EVERY: usize = 10;

/// The stretches a waypoint is judged at: an iterate on its way has the target only just
/// ahead, and on thirteen photos no waypoint that won was stretched less (the four stretches
/// kept the same results at twice the cost).
const WAYPOINT_STRETCHES: &[f32] = STRETCHES.split_at(2).1;

/// One solve of a problem's round: its c, its point as judged, the label the model gives it,
/// the target's margin there when known, and its nearest waypoint that reached the target.
type Solve = (f32, Vec<f32>, usize, Option<f32>, Option<Vec<f32>>);

/// One (image, target) pair and its search over c.
struct Problem {
    image: usize,
    target: usize,
    search: CSearch,
    best: Option<(Vec<f32>, Distortion, f32, usize)>,
    /// Where the previous round's solves ended, each with its c (the next round's warm starts).
    last: Vec<(f32, Vec<f32>)>,
    evaluations: usize,
}

impl Problem {
    /// What this problem found for its image `x` (true label `label`).
    fn outcome(&self, x: &[f32], label: usize) -> Outcome {
        match &self.best {
            Some((z, distortion, c, reached)) => Outcome {
                adversarial: z.clone(),
                label: *reached,
                target: self.target,
                success: true,
                distortion: *distortion,
                c: *c,
                iterations: self.evaluations,
            },
            None => Outcome {
                adversarial: x.to_vec(),
                label,
                target: self.target,
                success: false,
                distortion: Distortion::default(),
                c: 0.0,
                iterations: self.evaluations,
            },
        }
    }

    /// Where a solve at `c` starts: the image `x`, or (warm) where the previous round's solve
    /// nearest in log c ended.
    fn start<'a>(&'a self, x: &'a [f32], c: f32, config: &LbfgsConfig) -> &'a [f32] {
        let distance = |(other, _): &&(f32, Vec<f32>)| (other.ln() - c.ln()).abs();
        let nearest = self
            .last
            .iter()
            .min_by(|a, b| distance(a).total_cmp(&distance(b)));
        match nearest {
            Some((_, z)) if config.warm_start => z,
            _ => x,
        }
    }

    /// Records a round's solves (each c with its point, label and the target's margin when
    /// known) and picks the next round's c (or finishes).
    fn record(&mut self, solves: Vec<Solve>, original: &[f32], config: &LbfgsConfig) {
        let mut judged = Vec::with_capacity(solves.len());
        for (c, z, label, margin, waypoint) in solves {
            let success = label == self.target;
            // A waypoint may be kept, but the search goes on from the solve's end as judged.
            let reached = success.then_some(z).into_iter().chain(waypoint);
            for z in reached {
                let d = Distortion::between(original, &z);
                if self.best.as_ref().is_none_or(|b| d.rms < b.1.rms) {
                    self.best = Some((z, d, c, self.target));
                }
            }
            judged.push((c, success, margin));
        }
        self.search.record_round(&judged, config);
    }
}

/// Attacks every image (rows of `images`, true labels `labels`) with the same goal.
/// Untargeted: the [`LbfgsConfig::runner_ups`] most probable other labels are tried (all of a
/// digit's nine by default) and the nearest success kept.
pub async fn lbfgs(
    model: &dyn Network,
    device: &Device,
    images: &[f32],
    labels: &[usize],
    goal: Goal,
    config: &LbfgsConfig,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Vec<Outcome>> {
    let goals = vec![goal; labels.len()];
    lbfgs_each(model, device, images, labels, &goals, config, progress).await
}

/// As [`lbfgs`], with a goal per image (e.g. a random wrong label each), still one batch.
pub async fn lbfgs_each(
    model: &dyn Network,
    device: &Device,
    images: &[f32],
    labels: &[usize],
    goals: &[Goal],
    config: &LbfgsConfig,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Vec<Outcome>> {
    super::check_batch(model, images, labels, goals)?;
    let dim = model.inputs();
    let row = |i: usize| &images[i * dim..(i + 1) * dim];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (image, (&label, &goal)) in labels.iter().zip(goals).enumerate() {
        let targets: Vec<usize> = match goal {
            Goal::Target(t) => vec![t],
            Goal::Untargeted => {
                runner_ups(model, device, row(image), label, config.runner_ups).await?
            }
        };
        pairs.extend(targets.into_iter().map(|target| (image, target)));
    }
    let starts = c_starts(model, device, images, &pairs, config).await?;
    let solver = Local { model, device };
    search(&solver, images, labels, &pairs, &starts, config, progress).await
}

/// The search over c of each (image, target) pair from its first c (`None`: the model already
/// gives the image the target), its rounds of solves run by `solver`; each image's outcome.
pub async fn search(
    solver: &impl Solver,
    images: &[f32],
    labels: &[usize],
    pairs: &[(usize, usize)],
    starts: &[Option<f32>],
    config: &LbfgsConfig,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Vec<Outcome>> {
    let dim = images.len() / labels.len().max(1);
    let row = |i: usize| &images[i * dim..(i + 1) * dim];
    let problems = pairs.iter().zip(starts).map(|(&(image, target), &start)| {
        let x = row(image);
        // No start: the model already gives the target, and r = 0 is the smallest perturbation.
        let reached = || (x.to_vec(), Distortion::between(x, x), 0.0, target);
        Problem {
            image,
            target,
            search: start.map_or_else(CSearch::finished, CSearch::new),
            best: start.is_none().then(reached),
            last: Vec::new(),
            // The estimate's evaluation at the image.
            evaluations: config.c_start.is_none() as usize,
        }
    });
    let mut problems: Vec<Problem> = problems.collect();
    let mut round = 0;
    let mut stopped = false;
    while !stopped && problems.iter().any(|p| !p.search.done) {
        // Each active problem's lanes, a row each: (problem, c).
        let lanes: Vec<(usize, f32)> = (0..problems.len())
            .filter(|&p| !problems[p].search.done)
            .flat_map(|p| {
                let cs = problems[p].search.round(config.lanes, config);
                cs.into_iter().map(move |c| (p, c))
            })
            .collect();
        let problem = |&(p, _): &(usize, f32)| &problems[p];
        let rows = Rows {
            x0: lanes
                .iter()
                .flat_map(|l| row(problem(l).image).to_vec())
                .collect(),
            start: (lanes.iter())
                .flat_map(|l| {
                    problem(l)
                        .start(row(problem(l).image), l.1, config)
                        .to_vec()
                })
                .collect(),
            targets: lanes.iter().map(|l| problem(l).target).collect(),
            cs: lanes.iter().map(|&(_, c)| c).collect(),
            bounds: (lanes.iter())
                .map(|l| problem(l).best.as_ref().map(|b| b.1.rms))
                .collect(),
            round,
            finished: problems.iter().filter(|p| p.search.done).count(),
            problems: problems.len(),
        };
        let solved = solver.solve(rows, config, progress).await?;
        stopped = solved.stopped;
        let mut rounds: Vec<Vec<Solve>> = vec![Vec::new(); problems.len()];
        let mut waypoints = solved.waypoints.chunks(dim.max(1));
        for (k, &(p, c)) in lanes.iter().enumerate() {
            let z = solved.z[k * dim..(k + 1) * dim].to_vec();
            problems[p].evaluations += solved.evaluations[k];
            let waypoint = solved.waypoint_found[k].then(|| waypoints.next());
            let waypoint = waypoint.flatten().map(<[f32]>::to_vec);
            rounds[p].push((c, z, solved.reached[k], solved.margins[k], waypoint));
        }
        for (p, solves) in rounds.into_iter().enumerate() {
            if solves.is_empty() {
                continue;
            }
            if config.warm_start {
                let ended = lanes.iter().enumerate().filter(|(_, l)| l.0 == p);
                problems[p].last = ended
                    .map(|(k, &(_, c))| (c, solved.last[k * dim..(k + 1) * dim].to_vec()))
                    .collect();
            }
            let image = problems[p].image;
            problems[p].record(solves, row(image), config);
        }
        round += 1;
    }
    Ok((0..labels.len())
        .map(|image| {
            let mine = problems.iter().filter(|p| p.image == image);
            nearest(mine.map(|p| p.outcome(row(image), labels[image])).collect())
        })
        .collect())
}

/// One image's outcome from its problems' outcomes (one per target, in the order tried): the
/// smallest successful perturbation (the first of equals), else the first target's failure,
/// with every problem's evaluations. Splitting an image's targets over several batches (the
/// browser's workers) and merging their outcomes here gives the one batch's outcome.
pub fn nearest(outcomes: Vec<Outcome>) -> Outcome {
    let evaluations = outcomes.iter().map(|o| o.iterations).sum();
    let best = (outcomes.iter().enumerate())
        .filter(|(_, o)| o.success)
        .min_by(|a, b| a.1.distortion.rms.total_cmp(&b.1.distortion.rms))
        .map_or(0, |(k, _)| k);
    let mut kept = outcomes
        .into_iter()
        .nth(best)
        .expect("an image has a target");
    kept.iterations = evaluations;
    kept
}

/// The targets an untargeted attack on a `label` image tries when it tries every other class
/// (`count` ≥ classes − 1), in class order; `None` where it tries only the runner-ups (they
/// depend on the model's probabilities).
pub fn every_other(classes: usize, label: usize, count: usize) -> Option<Vec<usize>> {
    (count + 1 >= classes).then(|| (0..classes).filter(|&t| t != label).collect())
}

/// The first c of each (image, target) pair's search: `config.c_start`, or estimated from one
/// batched evaluation at the images (`None`: the model already gives the image the target).
async fn c_starts(
    model: &dyn Network,
    device: &Device,
    images: &[f32],
    pairs: &[(usize, usize)],
    config: &LbfgsConfig,
) -> Result<Vec<Option<f32>>> {
    if let Some(c) = config.c_start {
        return Ok(vec![Some(c); pairs.len()]);
    }
    let dim = model.inputs();
    let x: Vec<f32> = pairs
        .iter()
        .flat_map(|&(image, _)| images[image * dim..(image + 1) * dim].to_vec())
        .collect();
    let targets: Vec<usize> = pairs.iter().map(|&(_, target)| target).collect();
    let t = config.temperature;
    let zero = vec![0.0; pairs.len()];
    let at_x = evaluate_at_least(
        model,
        device,
        Batch::new(&x, &x, &targets, &zero, t),
        config.min_rows,
    )
    .await?;
    Ok(at_x
        .grad
        .chunks(dim)
        .zip(&at_x.margin)
        .map(|(grad, &margin)| {
            (margin <= 0.0).then(|| estimated_start(t, grad, margin).unwrap_or(1.0))
        })
        .collect())
}

/// One projected L-BFGS solve per row of `images` at a fixed c each (no search over c):
/// the inner solver of [`lbfgs`], exposed so that its c search can be checked against a grid.
/// Returns each minimiser and the label the model gives it.
pub async fn solve_at(
    model: &dyn Network,
    device: &Device,
    images: &[f32],
    targets: &[usize],
    cs: &[f32],
    config: &LbfgsConfig,
) -> Result<Vec<(Vec<f32>, usize)>> {
    let solved = minimise(
        model,
        device,
        images,
        images,
        targets,
        cs,
        config,
        &mut |_, _| Box::pin(std::future::ready(true)),
    )
    .await?;
    Ok(solved
        .z
        .chunks(model.inputs())
        .map(<[f32]>::to_vec)
        .zip(solved.label)
        .collect())
}

/// Each solve `z` (rows, from originals `x0`) rounded to 8-bit levels, stretched by the first
/// of [`STRETCHES`] whose rounding reaches its target (unstretched where none does), and the
/// label the model gives it. All candidates go through the model in one pass.
pub(super) async fn rounded(
    model: &dyn Network,
    device: &Device,
    x0: &[f32],
    z: &[f32],
    targets: &[usize],
) -> Result<(Vec<f32>, Vec<usize>)> {
    let dim = model.inputs();
    let candidates: Vec<f32> = x0
        .chunks(dim)
        .zip(z.chunks(dim))
        .flat_map(|(x, z)| {
            STRETCHES
                .iter()
                .flat_map(move |&s| stretched_rounded(x, z, s))
        })
        .collect();
    let labels =
        crate::eval::predict_in(model, device, &candidates, targets.len() * STRETCHES.len())
            .await?;
    let mut kept = Vec::with_capacity(z.len());
    let mut reached = Vec::with_capacity(targets.len());
    for (k, &target) in targets.iter().enumerate() {
        let tries = STRETCHES.len();
        let first = (0..tries)
            .find(|&i| labels[k * tries + i] == target)
            .unwrap_or(0);
        let row = k * tries + first;
        kept.extend_from_slice(&candidates[row * dim..(row + 1) * dim]);
        reached.push(labels[row]);
    }
    Ok((kept, reached))
}

/// `x + s·(z − x)`, rounded to 8-bit levels.
fn stretched_rounded(x: &[f32], z: &[f32], s: f32) -> Vec<f32> {
    let stretched: Vec<f32> = x.iter().zip(z).map(|(a, b)| a + s * (b - a)).collect();
    crate::levels::quantised(&stretched)
}

/// A round's solves as judged, and what a waypoint must beat: each row's rounded end, the label
/// it reached, and its problem's smallest RMS before the round.
pub(super) struct Ends<'a> {
    pub z: &'a [f32],
    pub reached: &'a [usize],
    pub bounds: &'a [Option<f32>],
}

/// Each row's nearest waypoint (iterates a rounded solve kept on its way, `waypoints[k]` one
/// after another) that reaches its target once rounded to 8-bit levels, where it is nearer to
/// `x0` than the row's end (when that reached the target) and its problem's best: whether each
/// row found one, and those found, one after another. Waypoints that could not win are not
/// judged.
pub(super) async fn nearest_waypoints(
    model: &dyn Network,
    device: &Device,
    x0: &[f32],
    ends: Ends<'_>,
    waypoints: &[Vec<f32>],
    targets: &[usize],
) -> Result<(Vec<bool>, Vec<f32>)> {
    let dim = model.inputs();
    // (row, RMS, rounded waypoint) of each waypoint that would beat its row's end and best.
    let mut candidates: Vec<(usize, f32, Vec<f32>)> = Vec::new();
    for (k, (x, ways)) in x0.chunks(dim).zip(waypoints).enumerate() {
        let end = &ends.z[k * dim..(k + 1) * dim];
        let best = ends.bounds[k].unwrap_or(f32::INFINITY);
        let bound = match ends.reached[k] == targets[k] {
            true => Distortion::between(x, end).rms.min(best),
            false => best,
        };
        for way in ways.chunks(dim) {
            for &s in WAYPOINT_STRETCHES {
                let rounded = stretched_rounded(x, way, s);
                let rms = Distortion::between(x, &rounded).rms;
                if rms < bound {
                    candidates.push((k, rms, rounded));
                }
            }
        }
    }
    let pixels: Vec<f32> = candidates
        .iter()
        .flat_map(|c| c.2.iter().copied())
        .collect();
    // Four at a time: natively, 24 in one pass cost 60 ms a candidate, against 26 in fours.
    let labels = crate::eval::predict_in(model, device, &pixels, STRETCHES.len()).await?;
    let mut nearest: Vec<Option<(f32, &[f32])>> = vec![None; targets.len()];
    for ((k, rms, rounded), label) in candidates.iter().zip(labels) {
        let beaten = nearest[*k].is_none_or(|(best, _)| *rms < best);
        if label == targets[*k] && beaten {
            nearest[*k] = Some((*rms, rounded));
        }
    }
    let found = nearest.iter().map(Option::is_some).collect();
    Ok((
        found,
        nearest
            .into_iter()
            .flatten()
            .flat_map(|n| n.1.to_vec())
            .collect(),
    ))
}

/// Untargeted targets for one image: the `count` classes the model ranks highest after
/// `label`, in class order (so that with every class tried the order is 0, 1, …).
async fn runner_ups(
    model: &dyn Network,
    device: &Device,
    image: &[f32],
    label: usize,
    count: usize,
) -> Result<Vec<usize>> {
    if let Some(all) = every_other(model.classes(), label, count) {
        return Ok(all);
    }
    let p = crate::eval::probabilities(model, image, device).await?;
    let mut ranked: Vec<usize> = (0..model.classes()).filter(|&t| t != label).collect();
    ranked.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    ranked.truncate(count.max(1));
    ranked.sort_unstable();
    Ok(ranked)
}

pub(super) struct Solved {
    pub z: Vec<f32>,
    /// Each row's waypoints (rounded solves only), one after another.
    pub waypoints: Vec<Vec<f32>>,
    pub label: Vec<usize>,
    /// The target's logit minus the largest other logit, at each `z`.
    pub margin: Vec<f32>,
    pub evaluations: Vec<usize>,
    pub stopped: bool,
}

/// L-BFGS memory of one problem: (s, y, 1 / s·y) pairs, oldest first.
type Memory = VecDeque<(Vec<f32>, Vec<f32>, f32)>;

/// With eight partial sums, so that the compiler can keep them in one SIMD register (a single
/// running f32 sum must be added in order and is not vectorised). The host-side L-BFGS work
/// is a third of a batched attack's time natively.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut sums = [0.0f32; 8];
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a8.zip(b8) {
        for k in 0..8 {
            sums[k] += x[k] * y[k];
        }
    }
    sums.iter().sum::<f32>() + tail
}

/// Coordinates held at a bound: at 0 with the gradient pushing down, or at 1 pushing up.
fn pinned(z: f32, g: f32) -> bool {
    (z <= 0.0 && g > 0.0) || (z >= 1.0 && g < 0.0)
}

/// `v` with its entries at pinned coordinates zeroed, scaled by `scale`.
fn on_free(z: &[f32], g: &[f32], v: &[f32], scale: f32) -> Vec<f32> {
    z.iter()
        .zip(g)
        .zip(v)
        .map(|((&zj, &gj), &vj)| if pinned(zj, gj) { 0.0 } else { scale * vj })
        .collect()
}

/// The L-BFGS direction for the free coordinates (two-loop recursion), steepest descent when
/// the memory is empty or its direction does not descend.
fn direction(z: &[f32], g: &[f32], history: &mut Memory) -> Vec<f32> {
    let mut q = on_free(z, g, g, 1.0);
    let mut alphas = Vec::with_capacity(history.len());
    for (s, y, rho) in history.iter().rev() {
        let a = rho * dot(s, &q);
        q.iter_mut().zip(y).for_each(|(qj, yj)| *qj -= a * yj);
        alphas.push(a);
    }
    if let Some((s, y, _)) = history.back() {
        let gamma = dot(s, y) / dot(y, y).max(1e-20);
        q.iter_mut().for_each(|qj| *qj *= gamma);
    }
    for ((s, y, rho), a) in history.iter().zip(alphas.iter().rev()) {
        let b = rho * dot(y, &q);
        q.iter_mut().zip(s).for_each(|(qj, sj)| *qj += sj * (a - b));
    }
    let d = on_free(z, g, &q, -1.0);
    if dot(&d, g) < 0.0 {
        return d;
    }
    history.clear();
    on_free(z, g, g, -1.0)
}

/// The largest entry of the projected gradient: how far a unit step along −g moves z once
/// clamped to the box.
fn projected_gradient(z: &[f32], g: &[f32]) -> f32 {
    z.iter()
        .zip(g)
        .map(|(&zj, &gj)| ((zj - gj).clamp(0.0, 1.0) - zj).abs())
        .fold(0.0, f32::max)
}

/// Projected L-BFGS on all problems at once, from z = `start` (x0 itself, or a warm start),
/// for each problem's c; distances are measured from `x0`.
#[allow(clippy::too_many_arguments)] // the batch's rows, each a slice; grouping them hides which is which
pub(super) async fn minimise(
    model: &dyn Network,
    device: &Device,
    x0: &[f32],
    start: &[f32],
    targets: &[usize],
    cs: &[f32],
    config: &LbfgsConfig,
    report: &mut dyn FnMut(usize, f32) -> Control,
) -> Result<Solved> {
    let (n, dim) = (targets.len(), model.inputs());
    let rows = |k: usize| k * dim..(k + 1) * dim;
    let mut z = start.to_vec();
    let t = config.temperature;
    let first = evaluate_at_least(
        model,
        device,
        Batch::new(&z, x0, targets, cs, t),
        config.min_rows,
    )
    .await?;
    let mut f = first.value;
    let mut g = first.grad;
    let mut label = first.label;
    let mut margin = first.margin;
    let mut evaluations = vec![1; n];
    let mut history: Vec<Memory> = vec![Memory::new(); n];
    let mut waypoints = vec![Vec::new(); n];
    let mut done = vec![false; n];
    let mut stopped = false;
    for iteration in 0..config.max_iterations {
        let active: Vec<usize> = (0..n).filter(|&k| !done[k]).collect();
        if active.is_empty() {
            break;
        }
        let dirs: Vec<Vec<f32>> = active
            .iter()
            .map(|&k| direction(&z[rows(k)], &g[rows(k)], &mut history[k]))
            .collect();
        let mut step: Vec<f32> = active
            .iter()
            .zip(&dirs)
            .map(|(&k, d)| {
                let largest = d.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                if history[k].is_empty() {
                    (0.1 / largest.max(1e-12)).min(1.0)
                } else {
                    1.0
                }
            })
            .collect();
        // Backtracking (Armijo) line search on the projected path, batched over problems.
        let mut pending: Vec<usize> = (0..active.len()).collect();
        for _ in 0..12 {
            if pending.is_empty() {
                break;
            }
            let mut trial = Vec::with_capacity(pending.len() * dim);
            let mut origins = Vec::with_capacity(pending.len() * dim);
            for &a in &pending {
                let zk = &z[rows(active[a])];
                trial.extend(
                    zk.iter()
                        .zip(&dirs[a])
                        .map(|(zj, dj)| (zj + step[a] * dj).clamp(0.0, 1.0)),
                );
                origins.extend_from_slice(&x0[rows(active[a])]);
            }
            let ks: Vec<usize> = pending.iter().map(|&a| active[a]).collect();
            let aims: Vec<usize> = ks.iter().map(|&k| targets[k]).collect();
            let weights: Vec<f32> = ks.iter().map(|&k| cs[k]).collect();
            let e: Evaluation = evaluate_at_least(
                model,
                device,
                Batch::new(&trial, &origins, &aims, &weights, t),
                config.min_rows,
            )
            .await?;
            let mut still = Vec::new();
            for (i, &a) in pending.iter().enumerate() {
                let k = active[a];
                evaluations[k] += 1;
                let zt = &trial[rows(i)];
                let moved: Vec<f32> = zt.iter().zip(&z[rows(k)]).map(|(a, b)| a - b).collect();
                let decrease = dot(&moved, &g[rows(k)]);
                if e.value[i] <= f[k] + 1e-4 * decrease {
                    let gt = &e.grad[rows(i)];
                    let y: Vec<f32> = gt.iter().zip(&g[rows(k)]).map(|(a, b)| a - b).collect();
                    let sy = dot(&moved, &y);
                    if sy > 1e-10 {
                        history[k].push_back((moved, y, 1.0 / sy));
                        if history[k].len() > config.memory {
                            history[k].pop_front();
                        }
                    }
                    let converged = f[k] - e.value[i] <= 1e-7 * f[k].abs().max(1.0);
                    f[k] = e.value[i];
                    label[k] = e.label[i];
                    margin[k] = e.margin[i];
                    z[rows(k)].copy_from_slice(zt);
                    g[rows(k)].copy_from_slice(gt);
                    let due = (iteration + 1) % WAYPOINT_EVERY == 0;
                    if config.quantise && config.waypoints && due && margin[k] > 0.0 {
                        waypoints[k].extend_from_slice(zt);
                    }
                    let pg = projected_gradient(&z[rows(k)], &g[rows(k)]);
                    done[k] = converged || pg < config.tolerance;
                } else {
                    step[a] *= 0.5;
                    still.push(a);
                }
            }
            pending = still;
            // Reported after every evaluation, not only every iteration, so that a caller
            // that yields to a browser there does so at least once per batched evaluation.
            if !report(iteration, f[active[0]]).await {
                stopped = true;
                break;
            }
        }
        if stopped {
            break;
        }
        for &a in &pending {
            done[active[a]] = true; // no decrease along the direction: a (local) minimum
        }
    }
    Ok(Solved {
        z,
        waypoints,
        label,
        margin,
        evaluations,
        stopped,
    })
}
