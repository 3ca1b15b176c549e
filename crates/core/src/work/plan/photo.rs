//! A photo's attack: L-BFGS towards a class with its search over c run here and each round's
//! solves, one a lane, dealt over the runner's parts (both cores for one photo: see
//! [`LbfgsConfig::lanes`](crate::attack::LbfgsConfig::lanes)); its outcome then judged in a
//! job as a whole attack's is. One lane (a runner of one part) is dealt too, a round a job: run
//! as one whole job, each gradient of its first attack after the page loaded took a quarter
//! longer (V8 still compiling its code, BENCHMARKS.md). Anything else is one job. The photo's
//! read and the judgement run on a second runner that Stop does not reach: a stopped search
//! still shows its best result.

use super::{OnProgress, Runner, one, quiet};
use crate::attack::solver::{Rows, Solver, Solves};
use crate::attack::{Control, Goal, LbfgsConfig, MethodName, Progress, keep_going, search};
use crate::imagenet::{INPUT, Ranked, attacks};
use crate::levels::from_bytes;
use crate::work::{Failure, Job, JudgeJob, PhotoAttacked, PhotoJob};

/// Lanes for an L-BFGS `job` on `runner`: its parts, at most [`attacks::MAX_LANES`]; `None`
/// for another method.
fn lanes(job: &PhotoJob, runner: &impl Runner) -> Option<usize> {
    (job.method == MethodName::Lbfgs).then(|| runner.parts().min(attacks::MAX_LANES))
}

/// Runs `job` on `runner`, a targeted L-BFGS's solves dealt over the runner's parts, a lane
/// each (untargeted, its runner-ups are one worker's batch); `finish` runs the photo's read and
/// the judgement.
pub async fn run(
    runner: &impl Runner,
    finish: &impl Runner,
    job: PhotoJob,
    progress: OnProgress,
) -> Result<PhotoAttacked, Failure> {
    let (Goal::Target(target), Some(lanes)) = (job.goal, lanes(&job, runner)) else {
        return one(runner, Job::PhotoAttack(job), progress).await;
    };
    if job.pixels.len() != INPUT || target >= crate::imagenet::CLASSES {
        // The worker says why, as it does for a whole attack.
        return one(runner, Job::PhotoAttack(job), progress).await;
    }
    let attack = attacks::attack(job.method, job.epsilon_levels, job.steps, lanes)?;
    let photo = Job::Photo {
        pixels: job.pixels.clone(),
    };
    let before: Vec<Ranked> = one(finish, photo, quiet()).await?;
    let pixels = from_bytes(&job.pixels);
    let config = attack.lbfgs;
    let dealt = Dealt { runner, progress };
    let (labels, pairs, starts) = ([before[0].label], [(0, target)], [config.c_start]);
    // The workers hear Stop; the search itself never stops.
    let mut heard = keep_going;
    let found = search(
        &dealt, &pixels, &labels, &pairs, &starts, &config, &mut heard,
    );
    let outcome = (found.await?.pop()).ok_or_else(|| Failure::Job("no outcome".into()))?;
    let judge = Job::PhotoJudge(JudgeJob {
        pixels: job.pixels,
        goal: job.goal,
        outcome,
    });
    one(finish, judge, quiet()).await
}

/// A round's rows dealt one a job over the runner (a lane a worker).
struct Dealt<'a, R> {
    runner: &'a R,
    progress: OnProgress,
}

impl<R: Runner> Solver for Dealt<'_, R> {
    async fn solve(
        &self,
        rows: Rows,
        _config: &LbfgsConfig,
        _progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> crate::Result<Solves> {
        let row = |k: usize| k * INPUT..(k + 1) * INPUT;
        let jobs = (0..rows.targets.len())
            .map(|k| {
                Job::PhotoSolve(Rows {
                    x0: rows.x0[row(k)].to_vec(),
                    start: rows.start[row(k)].to_vec(),
                    targets: vec![rows.targets[k]],
                    cs: vec![rows.cs[k]],
                    bounds: vec![rows.bounds[k]],
                    round: rows.round,
                    finished: rows.finished,
                    problems: rows.problems,
                })
            })
            .collect();
        let answers = self.runner.run_all(jobs, self.progress.clone()).await?;
        let mut parts = Vec::with_capacity(answers.len());
        for (k, answer) in answers.into_iter().enumerate() {
            parts.push(match answer {
                Some(answer) => Solves::try_from(answer)?,
                // Stop came before this lane started: it found nothing, and the search ends.
                None => Solves {
                    z: rows.start[row(k)].to_vec(),
                    last: rows.start[row(k)].to_vec(),
                    reached: vec![usize::MAX],
                    margins: vec![None],
                    waypoint_found: vec![false],
                    waypoints: Vec::new(),
                    evaluations: vec![0],
                    stopped: true,
                },
            });
        }
        Ok(Solves::joined(parts))
    }
}
