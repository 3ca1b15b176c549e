//! The page's compute: a pool of CPU workers (one per core, started on first use), the WebGPU
//! worker where the browser has an adapter, and Burn's Flex CPU engine on the page's thread
//! for what takes a millisecond (classifying the drawn digit). Attacks go to the chosen
//! backend; when the WebGPU device is lost mid-job the job is restarted on the CPU (attacks
//! are deterministic, so it gives the CPU's answer) and the page is told why. Photos go to
//! the WebGPU worker where WebGPU is chosen, otherwise to the pool's first worker.

use crate::backend::{Backend, Devices};
use crate::engine::Engine;
use crate::job::{
    AttackJob, Attacked, Counted, Failure, PhotoAttacked, PhotoJob, RowExamples, RowJob, SetJob,
    ShareJob, SliceFound, UnitsJob,
};
use crate::stop::Stop;
use crate::worker_client::WorkerClient;
use blindspot_core::attack::{Goal, LbfgsConfig, Method, Progress, every_other, split};
use blindspot_core::experiment::{
    AdversarialSet, Examples, NoiseRows, TransferBlock, TransferRow, gaussian_name,
};
use blindspot_core::imagenet::Ranked;
use blindspot_core::levels::to_bytes;
use blindspot_core::stability::LayerBound;
use blindspot_core::units::Direction;
use blindspot_core::units::deal::{Dealt, Liveness, directions, merged_tops};
use blindspot_core::{CLASSES, PIXELS};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Digits a worker attacks at a time (as the CLI's `reproduce` batches them).
pub const BATCH: usize = 100;
/// The most CPU workers the pool starts, however many cores the browser reports.
pub const MOST_WORKERS: usize = 4;
/// A Units deal's rows of each kind, and digits shown per row.
const UNITS_PER_KIND: usize = 3;
const UNITS_SHOWN: usize = 10;

/// One CPU worker per core the browser reports (`navigator.hardwareConcurrency`), at least one
/// and at most [`MOST_WORKERS`].
fn pool_size() -> usize {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    (cores as usize).clamp(1, MOST_WORKERS)
}

pub struct Lab {
    /// Classifies the drawn digit on the page (a millisecond; everything else runs in workers).
    cpu: Engine,
    gpu: RefCell<Option<Rc<WorkerClient>>>,
    /// The CPU workers, started on first use: the first computes photos, all of them the
    /// Reproduce panel's attacks (a lost one is replaced).
    pool: RefCell<Vec<Rc<WorkerClient>>>,
    /// Each stoppable run's [`Stop`], renewed when the run starts: the attack panel's attack,
    /// the Reproduce panel's run (its attacks, then its cross-check) and the Photos panel's
    /// attack. Runs share the workers; each Stop reaches only its own run's jobs.
    attack_stop: RefCell<Rc<Stop>>,
    reproduce_stop: RefCell<Rc<Stop>>,
    photo_stop: RefCell<Rc<Stop>>,
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

/// One line on where a running attack is.
pub fn progress_line(method: Method, p: &Progress) -> String {
    match method {
        Method::Lbfgs => format!(
            "L-BFGS: round {} (c = {:.3}), iteration {}, loss {:.4}",
            p.round + 1,
            p.c,
            p.iteration + 1,
            p.loss
        ),
        Method::Fgsm { .. } | Method::Pgd { .. } => format!(
            "{}: step {}, loss {:.4}",
            method.name().as_str().to_uppercase(),
            p.iteration + 1,
            p.loss
        ),
    }
}

impl Default for Lab {
    fn default() -> Self {
        Lab {
            cpu: Engine::cpu(),
            gpu: RefCell::new(None),
            pool: RefCell::new(Vec::new()),
            attack_stop: RefCell::default(),
            reproduce_stop: RefCell::default(),
            photo_stop: RefCell::default(),
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

    fn active_gpu(&self) -> Option<Rc<WorkerClient>> {
        match self.backend.get() {
            Backend::WebGpu => self.gpu.borrow().clone(),
            Backend::Cpu => None,
        }
    }

    fn fall_back(&self, why: String) {
        self.backend.set(Backend::Cpu);
        *self.gpu.borrow_mut() = None;
        *self.lost.borrow_mut() = Some(why);
    }

    /// The model's ten probabilities on the chosen backend.
    pub async fn classify(&self, model: &str, pixels: &[f32]) -> Result<Vec<f32>, String> {
        if let Some(gpu) = self.active_gpu() {
            match gpu.probabilities(model, pixels).await {
                Ok(p) => return Ok(p),
                Err(Failure::Job(e)) => return Err(e),
                Err(Failure::Lost(why)) => self.fall_back(why),
            }
        }
        let m = self.cpu.model(model).await?;
        Ok(self.cpu.probabilities(&m, pixels).await?)
    }

    /// Attacks one image on the chosen backend and classifies the result, reporting progress
    /// to `status` (about every 100 ms); [`Lab::stop`] stops it with the best result so far.
    /// On the CPU it runs on the pool, never on the page's thread: an untargeted L-BFGS
    /// attack's nine targets are dealt over the workers ([`split::shares`]) and their outcomes
    /// merged into the one batch's ([`split::merged`]); any other attack goes to one worker.
    pub async fn attack(
        &self,
        job: AttackJob<'_>,
        status: impl FnMut(&Progress) + 'static,
    ) -> Result<Attacked, String> {
        let status = shared(status);
        let stop = renewed(&self.attack_stop);
        if let Some(gpu) = self.active_gpu() {
            match gpu.attack(&job, on_progress(status.clone()), &stop).await {
                Ok(attacked) => return Ok(attacked),
                Err(Failure::Job(e)) => return Err(e),
                Err(Failure::Lost(why)) => self.fall_back(why),
            }
        }
        let label = usize::from(job.label);
        let every = LbfgsConfig::default().runner_ups;
        let targets = match (job.method, job.goal) {
            (Method::Lbfgs, Goal::Untargeted) => every_other(CLASSES, label, every),
            _ => None,
        };
        let Some(targets) = targets else {
            let done = self.on_a_worker(&stop, |worker| {
                let (status, stop) = (status.clone(), stop.clone());
                async move { worker.attack(&job, on_progress(status), &stop).await }
            });
            return done.await;
        };
        let shares = split::shares(&targets, pool_size());
        let done = self.on_pool(shares.len(), &stop, |worker, k| {
            let share = ShareJob {
                model: job.model.to_string(),
                pixels: job.pixels.to_vec(),
                label: job.label,
                targets: shares[k].clone(),
            };
            let (status, stop) = (status.clone(), stop.clone());
            async move {
                worker
                    .attack_share(&share, on_progress(status), &stop)
                    .await
            }
        });
        let answers: Vec<Attacked> = (done.await?.into_iter().flatten().flatten()).collect();
        let outcomes = answers.iter().map(|a| a.outcome.clone()).collect();
        let outcome = split::merged(outcomes);
        let kept = answers
            .into_iter()
            .find(|a| a.outcome.target == outcome.target);
        let probabilities = kept.ok_or_else(stopped_early)?.probabilities;
        Ok(Attacked {
            outcome,
            probabilities,
        })
    }

    /// Stops the running attack, wherever it runs.
    pub fn stop(&self) {
        self.attack_stop.borrow().stop();
    }

    /// The first `n` CPU workers, started where they are not yet.
    async fn cpu_workers(&self, n: usize) -> Result<Vec<Rc<WorkerClient>>, String> {
        while self.pool.borrow().len() < n {
            let (worker, _) = WorkerClient::spawn(Backend::Cpu).await?;
            self.pool.borrow_mut().push(worker);
        }
        Ok(self.pool.borrow()[..n].to_vec())
    }

    /// A new CPU worker in place of `lost`.
    async fn replace(&self, lost: &Rc<WorkerClient>) -> Result<Rc<WorkerClient>, String> {
        let (worker, _) = WorkerClient::spawn(Backend::Cpu).await?;
        let mut pool = self.pool.borrow_mut();
        match pool.iter().position(|w| Rc::ptr_eq(w, lost)) {
            Some(at) => pool[at] = worker.clone(),
            None => pool.push(worker.clone()),
        }
        Ok(worker)
    }

    /// Runs a photo job on the WebGPU worker where WebGPU is the chosen backend (a lost
    /// device moves it to the CPU, as for digits), otherwise on the CPU worker. A lost CPU
    /// worker is dropped (the next job starts a new one) and the job fails with why.
    async fn on_photo_worker<T, F>(&self, job: impl Fn(Rc<WorkerClient>) -> F) -> Result<T, String>
    where
        F: std::future::Future<Output = Result<T, Failure>>,
    {
        if let Some(gpu) = self.active_gpu() {
            match job(gpu).await {
                Ok(done) => return Ok(done),
                Err(Failure::Job(e)) => return Err(e),
                Err(Failure::Lost(why)) => self.fall_back(why),
            }
        }
        let worker = self.cpu_workers(1).await?.remove(0);
        match job(worker.clone()).await {
            Ok(done) => Ok(done),
            Err(Failure::Job(e)) => Err(e),
            Err(Failure::Lost(why)) => {
                self.pool.borrow_mut().retain(|w| !Rc::ptr_eq(w, &worker));
                Err(format!("{why}; the next photo job starts a new worker"))
            }
        }
    }

    /// The most probable ImageNet classes of a photo (`[3, 224, 224]` in 8-bit levels).
    pub async fn photo(&self, pixels: &[u8]) -> Result<Vec<Ranked>, String> {
        self.on_photo_worker(|w| async move { w.photo(pixels).await })
            .await
    }

    /// Attacks a photo, reporting progress to `status`; [`Lab::stop_photo`] stops it with the
    /// best result so far.
    pub async fn attack_photo(
        &self,
        job: &PhotoJob,
        status: impl FnMut(&Progress) + 'static,
    ) -> Result<PhotoAttacked, String> {
        let status = shared(status);
        let stop = renewed(&self.photo_stop);
        self.on_photo_worker(|w| {
            let (status, stop) = (status.clone(), stop.clone());
            async move { w.attack_photo(job, on_progress(status), &stop).await }
        })
        .await
    }

    /// Table 5 on EfficientNet-Lite0, computed where photos are; `status` hears after each
    /// layer.
    pub async fn photo_lipschitz(
        &self,
        status: impl FnMut(&Progress) + 'static,
    ) -> Result<Vec<LayerBound>, String> {
        let status = shared(status);
        self.on_photo_worker(|w| {
            let status = status.clone();
            async move {
                w.lipschitz(None, on_progress(status), &Stop::default())
                    .await
            }
        })
        .await
    }

    /// Table 5 for the digit model `model`, on a CPU worker.
    pub async fn lipschitz(&self, model: &str) -> Result<Vec<LayerBound>, String> {
        let never = Stop::default();
        let done = self.on_a_worker(&never, |worker| async move {
            let quiet = Box::new(|_: &Progress| {});
            worker.lipschitz(Some(model), quiet, &Stop::default()).await
        });
        done.await
    }

    /// Runs jobs `0..count` on the CPU workers: one per core (at most [`MOST_WORKERS`], and no
    /// more than there are jobs), each taking the next job until none is left. A worker that is
    /// lost is replaced and its job rerun; once `stop` is stopped no more jobs are handed out
    /// (theirs stay `None`). A job that fails fails them all.
    async fn on_pool<T, F>(
        &self,
        count: usize,
        stop: &Stop,
        job: impl Fn(Rc<WorkerClient>, usize) -> F,
    ) -> Result<Vec<Option<T>>, String>
    where
        F: std::future::Future<Output = Result<T, Failure>>,
    {
        let queue = RefCell::new((0..count).collect::<std::collections::VecDeque<_>>());
        let done = RefCell::new((0..count).map(|_| None).collect::<Vec<Option<T>>>());
        let workers = self.cpu_workers(pool_size().min(count).max(1)).await?;
        let run = |mut worker: Rc<WorkerClient>| {
            let (queue, done, job) = (&queue, &done, &job);
            async move {
                loop {
                    if stop.stopped() {
                        return Ok(());
                    }
                    let Some(k) = queue.borrow_mut().pop_front() else {
                        return Ok(());
                    };
                    match job(worker.clone(), k).await {
                        Ok(answer) => done.borrow_mut()[k] = Some(answer),
                        Err(Failure::Job(e)) => return Err(e),
                        Err(Failure::Lost(_)) => {
                            queue.borrow_mut().push_front(k);
                            worker = self.replace(&worker).await?;
                        }
                    }
                }
            }
        };
        let ends = futures::future::join_all(workers.into_iter().map(run)).await;
        ends.into_iter().collect::<Result<Vec<()>, String>>()?;
        Ok(done.into_inner())
    }

    /// One job on a CPU worker of the pool ([`Lab::on_pool`] with one job).
    async fn on_a_worker<T, F>(
        &self,
        stop: &Stop,
        job: impl Fn(Rc<WorkerClient>) -> F,
    ) -> Result<T, String>
    where
        F: std::future::Future<Output = Result<T, Failure>>,
    {
        let done = self.on_pool(1, stop, |worker, _| job(worker)).await?;
        Ok(all_done(done)?.pop().expect("one job, one answer"))
    }

    /// Attacks `n` digits (`pixels`, `n × 784`, with their `labels`; data-set indices 0…n−1
    /// and `seed` pick the targets) as `experiment::adversarial_set` does, in batches of
    /// [`BATCH`] on the pool ([`Lab::on_pool`]). Every batch is the one a single engine would
    /// attack, so the merged set is that engine's. [`Lab::stop_reproduce`] stops every batch
    /// (the set then holds what was done). `status` hears the digits finished of `n`.
    pub async fn adversarial_set(
        &self,
        model: &str,
        pixels: &[f32],
        labels: &[u8],
        seed: u64,
        status: impl FnMut(&Progress) + 'static,
    ) -> Result<(AdversarialSet, bool), String> {
        let n = labels.len();
        let batches: Vec<std::ops::Range<usize>> = (0..n)
            .step_by(BATCH)
            .map(|s| s..(s + BATCH).min(n))
            .collect();
        let finished = Rc::new(RefCell::new(vec![0usize; batches.len()]));
        let status = shared(status);
        let stop = renewed(&self.reproduce_stop);
        let done = self.on_pool(batches.len(), &stop, |worker, b| {
            let range = batches[b].clone();
            let job = SetJob {
                model: model.to_string(),
                pixels: to_bytes(&pixels[range.start * PIXELS..range.end * PIXELS]),
                labels: labels[range.clone()].to_vec(),
                indices: range.collect(),
                seed,
            };
            let (finished, status) = (finished.clone(), status.clone());
            let on_progress = Box::new(move |p: &Progress| {
                finished.borrow_mut()[b] = p.finished;
                let sum = finished.borrow().iter().sum();
                (status.borrow_mut())(&Progress {
                    finished: sum,
                    problems: n,
                    ..*p
                });
            });
            let stop = stop.clone();
            async move { worker.adversarial_set(&job, on_progress, &stop).await }
        });
        let mut set = AdversarialSet::default();
        let mut stopped = false;
        for batch in done.await? {
            match batch {
                Some(d) => {
                    set.append(d.set);
                    stopped |= d.stopped;
                }
                None => stopped = true,
            }
        }
        Ok((set, stopped))
    }

    /// Table 2's cross-check (`experiment::transfer_block`): every one of `columns` tested on
    /// every set of `examples`, then on the `noise` rows, on the pool: each set in slices of
    /// [`BATCH`] digits (their wrong counts add up), each noise row whole. After Stop the block
    /// ends before the first row not finished, where `transfer_block` would have stopped.
    pub async fn transfer_block(
        &self,
        columns: &[String],
        examples: &[Examples<'_>],
        noise: &NoiseRows<'_>,
    ) -> Result<TransferBlock, String> {
        let job = |labels: &[u8], examples| RowJob {
            columns: columns.to_vec(),
            labels: labels.to_vec(),
            examples,
        };
        // Every job with the row it counts for, in row order.
        let mut jobs: Vec<(usize, RowJob)> = Vec::new();
        for (row, e) in examples.iter().enumerate() {
            for start in (0..e.labels.len()).step_by(BATCH) {
                let end = (start + BATCH).min(e.labels.len());
                let pixels = e.pixels[start * PIXELS..end * PIXELS].to_vec();
                jobs.push((row, job(&e.labels[start..end], RowExamples::Made(pixels))));
            }
        }
        for (k, &stddev) in noise.stddevs.iter().enumerate() {
            let (seed, pixels) = (noise.seed, to_bytes(noise.pixels));
            let made = RowExamples::Noise {
                stddev,
                seed,
                pixels,
            };
            jobs.push((examples.len() + k, job(noise.labels, made)));
        }
        let stop = renewed(&self.reproduce_stop);
        let done = self.on_pool(jobs.len(), &stop, |worker, k| {
            let job = &jobs[k].1;
            async move { worker.wrong_counts(job).await }
        });
        let answers = done.await?;
        let rows = examples.len() + noise.stddevs.len();
        // Per row: the summed counts (and noise RMS), or None once a slice is missing.
        let mut counted: Vec<Option<Counted>> = (0..rows)
            .map(|_| {
                Some(Counted {
                    wrong: vec![0; columns.len()],
                    noise_rms: None,
                })
            })
            .collect();
        for ((row, _), answer) in jobs.iter().zip(answers) {
            let Some(sum) = counted[*row].as_mut() else {
                continue;
            };
            let Some(answer) = answer else {
                counted[*row] = None;
                continue;
            };
            for (total, w) in sum.wrong.iter_mut().zip(&answer.wrong) {
                *total += w;
            }
            sum.noise_rms = answer.noise_rms;
        }
        let mut block = TransferBlock::default();
        for (row, c) in counted.into_iter().map_while(|c| c).enumerate() {
            match examples.get(row) {
                Some(e) => block.examples.push(TransferRow::from_counts(
                    &e.made_for,
                    e.distortion,
                    e.labels.len(),
                    &c.wrong,
                )),
                None => {
                    let stddev = noise.stddevs[row - examples.len()];
                    let (name, rms) = (gaussian_name(stddev), c.noise_rms.unwrap_or_default());
                    let row = TransferRow::from_counts(&name, rms, noise.labels.len(), &c.wrong);
                    block.noise.push(row);
                }
            }
        }
        Ok(block)
    }

    /// A deal of the Units game (`units::deal::deal`, seeded by `round`) on the gallery's `n`
    /// digits at `layer` of `model`, the digits in one slice per worker: first which units
    /// vary on each slice, then, for the deal's directions, each slice's best images. The merge
    /// is the whole deal (`crates/core/tests/units.rs`).
    pub async fn units_deal(
        &self,
        model: &str,
        layer: &str,
        round: u64,
        n: usize,
    ) -> Result<Vec<Dealt>, String> {
        let parts = pool_size().min(n).max(1);
        let per = n.div_ceil(parts);
        let job = |k: usize, directions: &[Direction]| UnitsJob {
            model: model.to_string(),
            layer: layer.to_string(),
            start: k * per,
            end: ((k + 1) * per).min(n),
            directions: directions.to_vec(),
            k: UNITS_SHOWN,
        };
        let never = Stop::default();
        let ask = |directions: Vec<Direction>| {
            self.on_pool(parts, &never, move |worker, k| {
                let job = job(k, &directions);
                async move { worker.units_slice(&job).await }
            })
        };
        let first: Vec<SliceFound> = all_done(ask(Vec::new()).await?)?;
        let live = (first.into_iter().map(|f| f.liveness))
            .reduce(Liveness::then)
            .map_or_else(Vec::new, |l| l.live());
        let chosen = directions(live, round, UNITS_PER_KIND);
        let second = all_done(ask(chosen.clone()).await?)?;
        let top = merged_tops(second.into_iter().map(|f| f.tops).collect(), UNITS_SHOWN);
        Ok((chosen.into_iter().zip(top))
            .map(|(direction, top)| Dealt { direction, top })
            .collect())
    }

    /// Each of `models`' probabilities on each of `images`, a model a job on the pool.
    pub async fn probabilities_everywhere(
        &self,
        models: &[&str],
        images: &[Vec<f32>],
    ) -> Result<Vec<Vec<Vec<f32>>>, String> {
        let never = Stop::default();
        let done = self.on_pool(models.len(), &never, |worker, k| async move {
            let mut each = Vec::with_capacity(images.len());
            for image in images {
                each.push(worker.probabilities(models[k], image).await?);
            }
            Ok(each)
        });
        all_done(done.await?)
    }

    /// Stops the Reproduce run's batches (each answers with what it has) and starts no more.
    pub fn stop_reproduce(&self) {
        self.reproduce_stop.borrow().stop();
    }

    /// Stops the running photo attack, wherever it runs.
    pub fn stop_photo(&self) {
        self.photo_stop.borrow().stop();
    }
}

/// A new Stop for a run starting now, kept in `slot` for the run's Stop button.
fn renewed(slot: &RefCell<Rc<Stop>>) -> Rc<Stop> {
    let stop = Rc::new(Stop::default());
    *slot.borrow_mut() = stop.clone();
    stop
}

/// Why a pool job gave nothing: Stop came before it started.
fn stopped_early() -> String {
    "stopped before the job started".to_string()
}

/// Every pool job's answer, or why not.
fn all_done<T>(answers: Vec<Option<T>>) -> Result<Vec<T>, String> {
    answers
        .into_iter()
        .map(|a| a.ok_or_else(stopped_early))
        .collect()
}

/// A progress callback that more than one try of a job can report to.
type Shared = Rc<RefCell<dyn FnMut(&Progress)>>;

fn shared(status: impl FnMut(&Progress) + 'static) -> Shared {
    Rc::new(RefCell::new(status))
}

fn on_progress(status: Shared) -> crate::worker_client::OnProgress {
    Box::new(move |p: &Progress| (status.borrow_mut())(p))
}
