//! One attack: an untargeted L-BFGS attack's targets dealt over the runner's parts, each share
//! solved as targeted problems in one batch, and the shares merged into the one batch's
//! outcome bit for bit (`tests/attacks.rs`); any other attack is one job.

use super::{OnProgress, Runner, all, one, stopped_early};
use crate::CLASSES;
use crate::attack::{Goal, LbfgsConfig, Method, every_other, split};
use crate::work::{AttackJob, Attacked, Failure, Job, ShareJob};

/// The shares of `job` over `parts`, or `None` where it is not split (targeted, or not L-BFGS).
pub fn shares(job: &AttackJob, parts: usize) -> Option<Vec<ShareJob>> {
    if (job.method, job.goal) != (Method::Lbfgs, Goal::Untargeted) {
        return None;
    }
    let every = LbfgsConfig::default().runner_ups;
    let targets = every_other(CLASSES, usize::from(job.label), every)?;
    let dealt = split::shares(&targets, parts);
    Some(
        (dealt.into_iter())
            .map(|targets| ShareJob {
                model: job.model.clone(),
                pixels: job.pixels.clone(),
                label: job.label,
                targets,
            })
            .collect(),
    )
}

/// The shares' answers as the untargeted attack's, with the model's probabilities on the kept
/// adversarial image and the slowest share's time (the shares run side by side).
pub fn merged(shares: Vec<Vec<Attacked>>) -> Result<Attacked, Failure> {
    let answers: Vec<Attacked> = shares.into_iter().flatten().collect();
    let milliseconds = answers.iter().map(|a| a.milliseconds).fold(0.0, f64::max);
    let outcome = split::merged(answers.iter().map(|a| a.outcome.clone()).collect());
    let kept = answers
        .into_iter()
        .find(|a| a.outcome.target == outcome.target);
    let probabilities = kept.ok_or_else(stopped_early)?.probabilities;
    Ok(Attacked {
        outcome,
        probabilities,
        milliseconds,
    })
}

/// Runs `job` on `runner`, split where it splits.
pub async fn run(
    runner: &impl Runner,
    job: AttackJob,
    progress: OnProgress,
) -> Result<Attacked, Failure> {
    let Some(shares) = shares(&job, runner.parts()) else {
        return one(runner, Job::Attack(job), progress).await;
    };
    let jobs = shares.into_iter().map(Job::AttackShare).collect();
    let answers = runner.run_all(jobs, progress).await?;
    // A share that Stop kept from starting adds nothing; the others' best stands.
    let done: Vec<Vec<Attacked>> = all(answers.into_iter().flatten().map(Some).collect())?;
    merged(done)
}
