//! A training run's plan (the page's Train panel): each step's batch dealt as one job per part
//! (contiguous runs of its shards, with the model's weights), the shards'
//! gradients merged in shard order, so that any number of parts gives the same weights; a pool
//! refresh dealt in its attack batches, answers joined in their order; and a checkup dealt one
//! measure a job.

use super::{OnProgress, Runner, all, quiet};
use crate::adversarial::Example;
use crate::train::checkup::{Checkup, Measure, Watch};
use crate::train::course::{Base, Course};
use crate::train::session::Session;
use crate::train::shards::{Shard, ShardGradient};
use crate::work::{CheckupJob, ErrorSet, ErrorsJob, Failure, Job, PoolJob, ShardsJob};
use crate::yours::Errors;

/// Runs the session's next step on `runner` (whose workshops hold the training digits): the
/// batch's loss, or `None` where Stop kept a part from starting (the step is then not
/// applied: the model stays as it was).
pub async fn step(session: &mut Session, runner: &impl Runner) -> Result<Option<f32>, Failure> {
    if let Some(refresh) = session.refresh_due() {
        let weights = session.weights();
        let jobs = (refresh.chunks().into_iter())
            .map(|refresh| {
                Job::PoolAttack(PoolJob {
                    course: session.course,
                    weights: weights.clone(),
                    refresh,
                })
            })
            .collect();
        let answers = runner.run_all(jobs, quiet()).await?;
        if answers.iter().any(Option::is_none) {
            return Ok(None);
        }
        let found: Vec<Vec<Example>> = all(answers)?;
        session.refill(found.into_iter().flatten().collect());
    }
    let shards = session.shards();
    let jobs = deal(session, &shards, runner.parts());
    let answers = runner.run_all(jobs, quiet()).await?;
    if answers.iter().any(Option::is_none) {
        return Ok(None);
    }
    let parts: Vec<ShardGradient> = all::<Vec<ShardGradient>>(answers)?
        .into_iter()
        .flatten()
        .collect();
    if parts.len() != shards.len() {
        return Err(Failure::Job(format!(
            "{} gradients for {} shards",
            parts.len(),
            shards.len()
        )));
    }
    Ok(Some(session.apply(&parts)?))
}

/// The shards in `parts` contiguous runs, a job each (with the pool examples it names).
fn deal(session: &Session, shards: &[Shard], parts: usize) -> Vec<Job> {
    let size = shards.len().div_ceil(parts.max(1)).max(1);
    let weights = session.weights();
    (shards.chunks(size))
        .map(|run| {
            Job::TrainShards(ShardsJob {
                course: session.course,
                weights: weights.clone(),
                shards: run.to_vec(),
                pooled: session.pooled(run),
            })
        })
        .collect()
}

/// The model with `weights` (none: `base`'s plain zoo twin) measured under `watch`, one
/// measure a job (the slowest first); `None` where Stop kept a measure from starting.
pub async fn checkup(
    runner: &impl Runner,
    base: Base,
    weights: Vec<f32>,
    watch: Watch,
    progress: OnProgress,
) -> Result<Option<Checkup>, Failure> {
    let order = [Measure::Rms, Measure::Robust, Measure::Clean];
    let jobs = order
        .iter()
        .map(|&measure| {
            Job::Checkup(CheckupJob {
                base,
                weights: weights.clone(),
                watch,
                measure,
            })
        })
        .collect();
    let answers = runner.run_all(jobs, progress).await?;
    if answers.iter().any(Option::is_none) {
        return Ok(None);
    }
    let values: Vec<f64> = all(answers)?;
    let of = |m: Measure| values[order.iter().position(|&o| o == m).unwrap_or(0)];
    Ok(Some(Checkup::from_measures(Measure::ALL.map(of))))
}

/// The course's model with `weights` measured for its card: its error on the digits it
/// trained on (dealt in one slice per part), on MNIST's test digits and on the test slice.
pub async fn errors(
    runner: &impl Runner,
    course: Course,
    weights: Vec<f32>,
) -> Result<Errors, Failure> {
    let parts = runner.parts().max(1);
    let size = course.digits.div_ceil(parts);
    let slices: Vec<(usize, usize)> = (0..course.digits)
        .step_by(size)
        .map(|start| (start, (start + size).min(course.digits)))
        .collect();
    let sets = (slices.iter())
        .map(|&(start, end)| ErrorSet::Train { start, end })
        .chain([ErrorSet::Test, ErrorSet::Slice]);
    let jobs = sets
        .map(|set| {
            Job::Errors(ErrorsJob {
                course,
                weights: weights.clone(),
                set,
            })
        })
        .collect();
    let rates: Vec<f64> = all(runner.run_all(jobs, quiet()).await?)?;
    let (train, rest) = rates.split_at(slices.len());
    let wrong: f64 = (train.iter().zip(&slices))
        .map(|(rate, (start, end))| rate * (end - start) as f64)
        .sum();
    Ok(Errors {
        train: wrong / course.digits as f64,
        test: rest[0],
        slice: rest[1],
    })
}
