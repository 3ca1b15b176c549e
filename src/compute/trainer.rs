//! The Train panel's steps where they run fastest: on the WebGPU worker where WebGPU is the
//! chosen backend (the start-up probe found it faster than the CPU, or the student chose it),
//! a step's jobs one after another there; otherwise on the CPU pool, a job a worker. A lost
//! WebGPU device hands the step, and the rest of the run, to the pool (the lab falls back).

use super::lab::Lab;
use super::pool::Pool;
use blindspot_core::work::plan::{OnProgress, Runner};
use blindspot_core::work::{Answer, Failure, Job};

pub struct Trainer<'a> {
    lab: &'a Lab,
    /// The run's pool: its Stop is the run's, on either backend.
    pool: &'a Pool<'a>,
}

/// A job's answer as it came (the lab converts answers to what its callers expect).
struct Whole(Answer);

impl TryFrom<Answer> for Whole {
    type Error = Failure;
    fn try_from(answer: Answer) -> Result<Self, Failure> {
        Ok(Whole(answer))
    }
}

impl<'a> Trainer<'a> {
    pub fn new(lab: &'a Lab, pool: &'a Pool<'a>) -> Self {
        Trainer { lab, pool }
    }

    /// Whether steps now go to the WebGPU worker.
    pub fn on_webgpu(&self) -> bool {
        self.lab.on_webgpu()
    }

    /// Where it trains, for the panel's status line.
    pub fn place(&self) -> &'static str {
        match self.on_webgpu() {
            true => "the WebGPU worker",
            false => "the CPU workers",
        }
    }
}

impl Runner for Trainer<'_> {
    fn parts(&self) -> usize {
        match self.on_webgpu() {
            true => 1,
            false => self.pool.parts(),
        }
    }

    async fn run_all(
        &self,
        jobs: Vec<Job>,
        progress: OnProgress,
    ) -> Result<Vec<Option<Answer>>, Failure> {
        if !self.on_webgpu() {
            return self.pool.run_all(jobs, progress).await;
        }
        let mut answers = Vec::with_capacity(jobs.len());
        for job in &jobs {
            if self.pool.stop().stopped() {
                answers.push(None);
                continue;
            }
            match self
                .lab
                .on_gpu::<Whole>(job, &progress, self.pool.stop())
                .await
            {
                Some(done) => answers.push(Some(done?.0)),
                // The device was lost: the pool runs the whole step (jobs are deterministic).
                None => return self.pool.run_all(jobs, progress).await,
            }
        }
        Ok(answers)
    }
}
