//! Each experiment's parallel plan beside its serial run: how its work splits into [`Job`]s and
//! how their answers merge. A [`Runner`] runs a plan's jobs: [`Serial`] one after another on any
//! [`Workshop`] (the CLI, the tests), the page's pool over its workers. The merge makes the
//! answer the one engine's, so a plan gives the same result however it runs.

pub mod attack;
pub mod classify;
pub mod compare;
pub mod photo;
pub mod set;
pub mod tables;
pub mod train;
pub mod transfer;
pub mod units;

use super::{Answer, Failure, Job, Workshop};
use crate::attack::{Progress, keep_going};
use std::rc::Rc;

/// Digits a job attacks or counts at a time, unless its runner says otherwise (the page's
/// workers, and the CLI on the CPU).
pub const BATCH: usize = 100;

/// Hears each job's progress by its index in the plan.
pub type OnProgress = Rc<dyn Fn(usize, &Progress)>;

/// Runs a plan's jobs.
#[allow(async_fn_in_trait)]
pub trait Runner {
    /// How many jobs it runs at once (plans that deal work out make this many parts).
    fn parts(&self) -> usize;
    /// Digits per job for plans that slice digits (a GPU wants wider ones).
    fn batch(&self) -> usize {
        BATCH
    }
    /// Every job's answer, in order: `None` for a job that Stop kept from starting. A job that
    /// fails fails them all.
    async fn run_all(
        &self,
        jobs: Vec<Job>,
        progress: OnProgress,
    ) -> Result<Vec<Option<Answer>>, Failure>;
}

/// Runs jobs one after another on a workshop, never stopping; plans deal their work into
/// `parts` (1 unless a test asks for the pool's split) and slice digits by `batch`.
pub struct Serial<'a, W> {
    pub workshop: &'a W,
    pub parts: usize,
    pub batch: usize,
    /// Each job and answer crosses JSON, as between the page and a worker (for tests: the wire
    /// carries no infinite float, for one).
    pub wire: bool,
}

impl<'a, W> Serial<'a, W> {
    pub fn new(workshop: &'a W) -> Self {
        Serial {
            workshop,
            parts: 1,
            batch: BATCH,
            wire: false,
        }
    }
}

impl<W: Workshop> Runner for Serial<'_, W> {
    fn parts(&self) -> usize {
        self.parts
    }

    fn batch(&self) -> usize {
        self.batch
    }

    async fn run_all(
        &self,
        jobs: Vec<Job>,
        progress: OnProgress,
    ) -> Result<Vec<Option<Answer>>, Failure> {
        let mut answers = Vec::with_capacity(jobs.len());
        for (k, job) in jobs.into_iter().enumerate() {
            let mut heard = |p: &Progress| {
                progress(k, p);
                keep_going(p)
            };
            let job = if self.wire { across(&job)? } else { job };
            let answer = job.run(self.workshop, &mut heard).await?;
            answers.push(Some(if self.wire { across(&answer)? } else { answer }));
        }
        Ok(answers)
    }
}

/// `value` sent as JSON and read back.
fn across<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> Result<T, Failure> {
    let text = serde_json::to_string(value).map_err(|e| Failure::Job(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| Failure::Job(format!("across the wire: {e}")))
}

/// A plan's progress callback that ignores everything.
pub fn quiet() -> OnProgress {
    Rc::new(|_, _| {})
}

/// Why a plan's answer is missing: Stop came before its job started.
pub fn stopped_early() -> Failure {
    Failure::Job("stopped before the job started".into())
}

/// Every answer of a plan whose jobs must all run, as type `T`.
pub fn all<T: TryFrom<Answer, Error = Failure>>(
    answers: Vec<Option<Answer>>,
) -> Result<Vec<T>, Failure> {
    answers
        .into_iter()
        .map(|a| a.ok_or_else(stopped_early)?.try_into())
        .collect()
}

/// The first answer of a one-job plan, as type `T`.
pub async fn one<T: TryFrom<Answer, Error = Failure>>(
    runner: &impl Runner,
    job: Job,
    progress: OnProgress,
) -> Result<T, Failure> {
    let answers = runner.run_all(vec![job], progress).await?;
    all(answers)?.pop().ok_or_else(stopped_early)
}
