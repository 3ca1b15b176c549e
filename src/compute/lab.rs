//! The page's compute: the CPU workers' pool (`pool`), the WebGPU worker where the browser has
//! an adapter, and Burn's Flex CPU engine on the page's thread for what takes a millisecond
//! (classifying the drawn digit). A job goes to the chosen backend; when the WebGPU device is
//! lost mid-job the job is rerun on the CPU (jobs are deterministic, so it gives the CPU's
//! answer) and the page is told why. Experiments run their plans (`blindspot_core::work::plan`)
//! on the pool; photos go to the WebGPU worker where WebGPU is chosen, otherwise to the pool's
//! first worker. Each stoppable run (an attack, a Reproduce run, a photo attack) has its own
//! [`Stop`].

use super::backend::{Backend, Devices};
use super::client::WorkerClient;
use super::engine::Engine;
use super::pool::{Pool, Workers, sink};
use super::stop::Stop;
use blindspot_core::attack::{Progress, keep_going};
use blindspot_core::work::plan::Runner;
use blindspot_core::work::plan::{self, OnProgress};
use blindspot_core::work::{Answer, AttackJob, Attacked, Failure, Job, PhotoAttacked, PhotoJob};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The runs a Stop button stops. Runs share the workers; each Stop reaches only its own run's
/// jobs.
#[derive(Clone, Copy, Debug)]
pub enum Run {
    /// The attack panel's attack.
    Attack,
    /// The Reproduce panel's run: its attacks, then its cross-check.
    Reproduce,
    /// The Photos panel's attack.
    Photo,
    /// The Compare view's attacks.
    Compare,
    /// The by-hand view's L-BFGS, the smallest change beside the student's.
    Hand,
    /// The quiz's attacks, one a round.
    Quiz,
    /// The Train panel's run: its steps and checkups.
    Train,
}

pub struct Lab {
    /// Classifies the drawn digit on the page (a millisecond; everything else runs in workers).
    cpu: Engine,
    gpu: RefCell<Option<Rc<WorkerClient>>>,
    /// The CPU workers: the first computes photos, all of them the experiments' plans.
    workers: Workers,
    /// Each [`Run`]'s Stop, renewed when the run starts.
    stops: [RefCell<Rc<Stop>>; 7],
    backend: Cell<Backend>,
    /// Why the WebGPU worker was dropped, until the page has shown it.
    lost: RefCell<Option<String>>,
}

/// The lab as a component property: equal when it is the same lab.
#[derive(Clone)]
pub struct LabRef(pub Rc<Lab>);

impl PartialEq for LabRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Default for Lab {
    fn default() -> Self {
        Lab {
            cpu: Engine::cpu(),
            gpu: RefCell::new(None),
            workers: Workers::default(),
            stops: Default::default(),
            backend: Cell::new(Backend::Cpu),
            lost: RefCell::new(None),
        }
    }
}

impl Lab {
    /// Switches backend (WebGPU only while its worker lives).
    pub fn set_backend(&self, backend: Backend) -> Backend {
        if backend == Backend::Cpu || self.gpu.borrow().is_some() {
            self.backend.set(backend);
        }
        self.backend.get()
    }

    /// Why WebGPU was dropped since the last call, if it was.
    pub fn take_lost(&self) -> Option<String> {
        self.lost.borrow_mut().take()
    }

    /// Times the CPU, starts the WebGPU worker where there is an adapter, and picks the faster
    /// (a software adapter such as SwiftShader loses to the CPU).
    pub async fn start(&self) -> Devices {
        let cpu_ms = self.cpu.probe().await; // a gradient step, as attacks take
        let (adapter, gpu_ms) = match WorkerClient::spawn(Backend::WebGpu).await {
            Ok((worker, info)) => {
                *self.gpu.borrow_mut() = Some(worker);
                (Ok(info.adapter), Some(info.probe_ms))
            }
            Err(why) => (Err(why), None),
        };
        let chosen = match gpu_ms {
            Some(g) if g < cpu_ms => Backend::WebGpu,
            _ => Backend::Cpu,
        };
        self.backend.set(chosen);
        Devices {
            chosen,
            adapter,
            cpu_ms,
            gpu_ms,
        }
    }

    /// Whether jobs go to the WebGPU worker now.
    pub fn on_webgpu(&self) -> bool {
        self.active_gpu().is_some()
    }

    fn active_gpu(&self) -> Option<Rc<WorkerClient>> {
        match self.backend.get() {
            Backend::WebGpu => self.gpu.borrow().clone(),
            Backend::Cpu => None,
        }
    }

    /// Runs `job` on the WebGPU worker where WebGPU is chosen: its answer, or `None` where the
    /// job is the CPU's to run (no WebGPU, or its device was lost and the page falls back).
    pub(super) async fn on_gpu<T: TryFrom<Answer, Error = Failure>>(
        &self,
        job: &Job,
        progress: &OnProgress,
        stop: &Stop,
    ) -> Option<Result<T, Failure>> {
        let gpu = self.active_gpu()?;
        let sink = sink(progress.clone(), 0);
        match gpu.run(job.clone(), Some((sink, stop))).await {
            Err(Failure::Lost(why)) => {
                self.backend.set(Backend::Cpu);
                *self.gpu.borrow_mut() = None;
                *self.lost.borrow_mut() = Some(why);
                None
            }
            done => Some(done),
        }
    }

    /// The model's ten probabilities on the chosen backend (on the CPU, on the page's thread).
    pub async fn classify(&self, model: &str, pixels: &[f32]) -> Result<Vec<f32>, Failure> {
        let job = Job::Classify {
            model: model.to_string(),
            pixels: pixels.to_vec(),
        };
        let never = Stop::default();
        if let Some(done) = self.on_gpu(&job, &plan::quiet(), &never).await {
            return done;
        }
        job.run(&self.cpu, &mut keep_going).await?.try_into()
    }

    /// Attacks one image on the chosen backend and classifies the result, reporting progress
    /// to `status` (about every 100 ms); [`Lab::stop`] with `run` stops it with the best result
    /// so far. On the CPU it runs on the pool, never on the page's thread, as its
    /// plan splits it (`plan::attack`).
    pub async fn attack(
        &self,
        job: AttackJob,
        run: Run,
        status: impl FnMut(&Progress) + 'static,
    ) -> Result<Attacked, Failure> {
        let progress = heard(status);
        let pool = self.pool(Some(run));
        let whole = Job::Attack(job.clone());
        if let Some(done) = self.on_gpu(&whole, &progress, pool.stop()).await {
            return done;
        }
        plan::attack::run(&pool, job, progress).await
    }

    /// Attacks a photo on the WebGPU worker where WebGPU is chosen, otherwise on the pool:
    /// targeted L-BFGS with its lanes dealt over the workers (both cores for one photo,
    /// `plan::photo`), anything else on the first. Reports progress to `status`; Stop is
    /// [`Run::Photo`]'s.
    pub async fn attack_photo(
        &self,
        job: PhotoJob,
        status: impl FnMut(&Progress) + 'static,
    ) -> Result<PhotoAttacked, Failure> {
        let progress = heard(status);
        let pool = self.pool(Some(Run::Photo));
        let whole = Job::PhotoAttack(job.clone());
        if let Some(done) = self.on_gpu(&whole, &progress, pool.stop()).await {
            return done;
        }
        // The read and the judgement run even after Stop, on a pool nothing stops.
        plan::photo::run(&pool, &self.pool(None), job, progress).await
    }

    /// Runs a photo job (reading or bounding EfficientNet-Lite0) on the WebGPU worker where
    /// WebGPU is chosen (a lost device moves it to the CPU, as for digits), otherwise on the
    /// pool's first CPU worker; `run` names its Stop. A lost CPU worker is dropped (the next
    /// job starts a new one) and the job fails with why.
    pub async fn photo<T: TryFrom<Answer, Error = Failure>>(
        &self,
        job: Job,
        run: Option<Run>,
        status: impl FnMut(&Progress) + 'static,
    ) -> Result<T, Failure> {
        let progress = heard(status);
        let stop = self.renewed(run);
        if let Some(done) = self.on_gpu(&job, &progress, &stop).await {
            return done;
        }
        let worker = self.workers.first(1).await?.remove(0);
        match worker.run(job, Some((sink(progress, 0), &stop))).await {
            Err(Failure::Lost(why)) => {
                self.workers.drop(&worker);
                Err(Failure::Job(format!(
                    "{why}; the next photo job starts a new worker"
                )))
            }
            done => done,
        }
    }

    /// Starts the pool's first `workers` CPU workers (at most the pool's), if the CPU is the
    /// chosen backend, and runs `job` on each, one after another, its answer unused: a model
    /// loaded before its first use, so that the first attack or photo after the page loads
    /// does not wait for a worker's start and a model's load.
    pub async fn warm(&self, job: Job, workers: usize) {
        if self.backend.get() != Backend::Cpu {
            return;
        }
        for k in 0..workers.clamp(1, self.pool(None).parts()) {
            let Ok(mut started) = self.workers.first(k + 1).await else {
                return;
            };
            let _ = started.remove(k).call(job.clone(), None).await;
        }
    }

    /// The pool as a plan runner for `run` (its Stop renewed), or for a run nothing stops.
    pub fn pool(&self, run: Option<Run>) -> Pool<'_> {
        Pool::new(&self.workers, self.renewed(run))
    }

    /// Stops `run`'s jobs (each answers with what it has) and starts no more of them.
    pub fn stop(&self, run: Run) {
        self.stops[run as usize].borrow().stop();
    }

    /// A new Stop for `run`, starting now, kept for its Stop button.
    fn renewed(&self, run: Option<Run>) -> Rc<Stop> {
        let stop = Rc::new(Stop::default());
        if let Some(run) = run {
            *self.stops[run as usize].borrow_mut() = stop.clone();
        }
        stop
    }
}

/// A status callback as a plan's progress (it hears every job's).
fn heard(status: impl FnMut(&Progress) + 'static) -> OnProgress {
    let status = RefCell::new(status);
    Rc::new(move |_, p: &Progress| (status.borrow_mut())(p))
}
