//! The pool of CPU workers (one per core the browser reports, at most [`MOST_WORKERS`], started
//! on first use, a lost one replaced) and its plan [`Runner`]: each worker takes the next job
//! until none is left.

use super::backend::Backend;
use super::client::{ProgressSink, WorkerClient};
use super::stop::Stop;
use blindspot_core::attack::Progress;
use blindspot_core::work::plan::{OnProgress, Runner};
use blindspot_core::work::{Answer, Failure, Job};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

/// The most CPU workers the pool starts, however many cores the browser reports.
pub const MOST_WORKERS: usize = 4;

/// One CPU worker per core the browser reports (`navigator.hardwareConcurrency`), at least one
/// and at most [`MOST_WORKERS`].
fn pool_size() -> usize {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    (cores as usize).clamp(1, MOST_WORKERS)
}

/// The CPU workers started so far, and whether one is being started.
#[derive(Default)]
pub struct Workers(RefCell<Vec<Rc<WorkerClient>>>, Cell<bool>);

impl Workers {
    /// The first `n` CPU workers, started where they are not yet. One is started at a time:
    /// a caller that finds one starting (the page warming the first, say) waits for it rather
    /// than starting another.
    pub async fn first(&self, n: usize) -> Result<Vec<Rc<WorkerClient>>, Failure> {
        while self.0.borrow().len() < n {
            if self.1.get() {
                crate::pacing::sleep(10).await;
                continue;
            }
            self.1.set(true);
            let spawned = WorkerClient::spawn(Backend::Cpu).await;
            self.1.set(false);
            self.0.borrow_mut().push(spawned?.0);
        }
        Ok(self.0.borrow()[..n].to_vec())
    }

    /// A new CPU worker in place of `lost`.
    async fn replace(&self, lost: &Rc<WorkerClient>) -> Result<Rc<WorkerClient>, Failure> {
        let (worker, _) = WorkerClient::spawn(Backend::Cpu).await?;
        let mut workers = self.0.borrow_mut();
        match workers.iter().position(|w| Rc::ptr_eq(w, lost)) {
            Some(at) => workers[at] = worker.clone(),
            None => workers.push(worker.clone()),
        }
        Ok(worker)
    }

    /// Forgets `lost` (the next job starts a new worker).
    pub fn drop(&self, lost: &Rc<WorkerClient>) {
        self.0.borrow_mut().retain(|w| !Rc::ptr_eq(w, lost));
    }
}

/// The plan runner over the pool's CPU workers, for one run (its Stop).
pub struct Pool<'a> {
    workers: &'a Workers,
    stop: Rc<Stop>,
}

impl<'a> Pool<'a> {
    pub fn new(workers: &'a Workers, stop: Rc<Stop>) -> Self {
        Pool { workers, stop }
    }

    /// The run's Stop.
    pub fn stop(&self) -> &Stop {
        &self.stop
    }
}

/// Runs jobs on the CPU workers: one per core (at most [`MOST_WORKERS`], and no more than there
/// are jobs), each taking the next job until none is left. A worker that is lost is replaced
/// and its job rerun; once the run is stopped no more jobs are handed out (theirs stay
/// `None`).
impl Runner for Pool<'_> {
    fn parts(&self) -> usize {
        pool_size()
    }

    async fn run_all(
        &self,
        jobs: Vec<Job>,
        progress: OnProgress,
    ) -> Result<Vec<Option<Answer>>, Failure> {
        let count = jobs.len();
        let queue = RefCell::new((0..count).collect::<VecDeque<_>>());
        let done = RefCell::new((0..count).map(|_| None).collect::<Vec<Option<Answer>>>());
        let workers = self.workers.first(pool_size().min(count).max(1)).await?;
        let work = |mut worker: Rc<WorkerClient>| {
            let (queue, done, jobs, progress) = (&queue, &done, &jobs, &progress);
            async move {
                loop {
                    if self.stop.stopped() {
                        return Ok(());
                    }
                    let Some(k) = queue.borrow_mut().pop_front() else {
                        return Ok(());
                    };
                    let watched = Some((sink(progress.clone(), k), &*self.stop));
                    match worker.call(jobs[k].clone(), watched).await {
                        Ok(answer) => done.borrow_mut()[k] = Some(answer),
                        Err(Failure::Lost(_)) => {
                            queue.borrow_mut().push_front(k);
                            worker = self.workers.replace(&worker).await?;
                        }
                        Err(failed) => return Err(failed),
                    }
                }
            }
        };
        let ends = futures::future::join_all(workers.into_iter().map(work)).await;
        ends.into_iter().collect::<Result<Vec<()>, Failure>>()?;
        Ok(done.into_inner())
    }
}

/// Job `k`'s progress, for the worker that runs it.
pub fn sink(progress: OnProgress, k: usize) -> ProgressSink {
    Box::new(move |p: &Progress| progress(k, p))
}
