//! The page's side of a compute worker: spawns it (the WebGPU one only where the browser
//! offers a WebGPU adapter, so its 4-5 MB download is never part of the first load; the CPU
//! ones with the pool's first job), sends jobs and awaits their answers. The worker is
//! declared lost, and every waiting job told so, when its loader reports a lost device, when
//! it throws (a panic), or when a job hears nothing for [`SILENCE_MS`].

use crate::backend::Backend;
use crate::clock::now;
use crate::job::{
    AttackJob, Attacked, Counted, Failure, PhotoAttacked, PhotoJob, RowJob, SetDone, SetJob,
    ShareJob, SliceFound, UnitsJob,
};
use crate::protocol::{Request, Response, WorkerInfo};
use crate::stop::Stop;
use blindspot_core::attack::Progress;
use blindspot_core::imagenet::Ranked;
use blindspot_core::stability::LayerBound;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

/// The workers' loader, next to index.html (see index.html and `www/worker.js`); the query
/// names the worker's wasm (`?gpu_worker`, `?cpu_worker`).
const LOADER: &str = "./worker.js";
/// A job that hears nothing from the worker for this long counts the device as lost (the
/// slowest WebGPU evaluation seen here, on SwiftShader, takes well under a second; start-up
/// compiles kernels for a few seconds; one EfficientNet gradient on the CPU, a few seconds).
const SILENCE_MS: f64 = 60_000.0;

/// Where an attack in the worker reports its progress.
pub type OnProgress = Box<dyn FnMut(&Progress)>;

/// A job waiting for its answer: resolves its promise with the response's JSON, or with
/// `null` when the worker is lost.
struct Pending {
    resolve: js_sys::Function,
    on_progress: Option<OnProgress>,
}

struct Shared {
    /// "the WebGPU worker" or "the CPU worker", for messages.
    name: &'static str,
    pending: RefCell<HashMap<u32, Pending>>,
    lost: RefCell<Option<String>>,
    heard: Cell<f64>,
}

pub struct WorkerClient {
    worker: Worker,
    shared: Rc<Shared>,
    next_id: Cell<u32>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
    /// The interval's handle (cleared on drop) and its callback.
    watchdog: (i32, Closure<dyn FnMut()>),
}

impl Drop for WorkerClient {
    fn drop(&mut self) {
        self.worker.terminate();
        if let Some(w) = web_sys::window() {
            w.clear_interval_with_handle(self.watchdog.0);
        }
    }
}

impl Shared {
    fn lose(&self, why: String) {
        if self.lost.borrow().is_none() {
            *self.lost.borrow_mut() = Some(why);
        }
        for (_, p) in self.pending.borrow_mut().drain() {
            let _ = p.resolve.call1(&JsValue::NULL, &JsValue::NULL);
        }
    }

    fn receive(&self, data: JsValue) {
        self.heard.set(now());
        let Some(text) = data.as_string() else {
            // The loader's own message: `{ lost: "<reason>: <message>" }`.
            let why = js_sys::Reflect::get(&data, &"lost".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_else(|| "unknown reason".into());
            return self.lose(format!("{} lost its device ({why})", self.name));
        };
        let response = match serde_json::from_str::<Response>(&text) {
            Ok(response) => response,
            // Without a readable id no job can be answered: the worker is out of step with
            // the page (another build?), so every waiting job moves to the CPU now.
            Err(e) => {
                return self.lose(format!(
                    "{} sent an answer the page cannot read ({e})",
                    self.name
                ));
            }
        };
        let id = response.id();
        if let Response::Progress { progress, .. } = response {
            if let Some(f) = self
                .pending
                .borrow_mut()
                .get_mut(&id)
                .and_then(|p| p.on_progress.as_mut())
            {
                f(&progress);
            }
            return;
        }
        let done = self.pending.borrow_mut().remove(&id);
        if let Some(p) = done {
            let _ = p.resolve.call1(&JsValue::NULL, &text.into());
        }
    }
}

/// Whether the browser offers a WebGPU adapter at all (asked on the page, before anything
/// is downloaded for it).
async fn adapter_offered() -> Result<(), String> {
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    let gpu = js_sys::Reflect::get(&navigator, &"gpu".into()).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() {
        return Err("this browser has no WebGPU".into());
    }
    let request: js_sys::Function = js_sys::Reflect::get(&gpu, &"requestAdapter".into())
        .map_err(|_| "no navigator.gpu.requestAdapter")?
        .unchecked_into();
    let promise: js_sys::Promise = request
        .call0(&gpu)
        .map_err(|e| format!("requestAdapter: {e:?}"))?
        .unchecked_into();
    let adapter = JsFuture::from(promise)
        .await
        .map_err(|e| format!("requestAdapter: {e:?}"))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("the browser offers no WebGPU adapter".into());
    }
    Ok(())
}

impl WorkerClient {
    /// Starts the worker for `backend` and its engine; the engine's adapter and probe time.
    pub async fn spawn(backend: Backend) -> Result<(Rc<Self>, WorkerInfo), String> {
        let (bin, name) = match backend {
            Backend::WebGpu => ("gpu_worker", "the WebGPU worker"),
            Backend::Cpu => ("cpu_worker", "the CPU worker"),
        };
        if backend == Backend::WebGpu {
            adapter_offered().await?;
        }
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Classic);
        options.set_name(bin); // what www/worker.js loads, offline too

        let worker = Worker::new_with_options(&format!("{LOADER}?{bin}"), &options)
            .map_err(|e| format!("cannot start {name}: {e:?}"))?;
        let shared = Rc::new(Shared {
            name,
            pending: RefCell::default(),
            lost: RefCell::default(),
            heard: Cell::default(),
        });
        let on_message = {
            let shared = shared.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| shared.receive(e.data()))
        };
        let on_error = {
            let shared = shared.clone();
            Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                shared.lose(format!("{} failed ({})", shared.name, e.message()))
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let watchdog = {
            let shared = shared.clone();
            Closure::<dyn FnMut()>::new(move || {
                let waiting = !shared.pending.borrow().is_empty();
                if waiting && now() - shared.heard.get() > SILENCE_MS {
                    shared.lose(format!(
                        "{} went silent for {} s",
                        shared.name,
                        SILENCE_MS / 1000.0
                    ));
                }
            })
        };
        let handle = web_sys::window()
            .ok_or("no window")?
            .set_interval_with_callback_and_timeout_and_arguments_0(
                watchdog.as_ref().unchecked_ref(),
                1000,
            )
            .map_err(|e| format!("{e:?}"))?;
        let client = Rc::new(WorkerClient {
            worker,
            shared,
            next_id: Cell::new(0),
            _on_message: on_message,
            _on_error: on_error,
            watchdog: (handle, watchdog),
        });
        let info = match client.call(|id| Request::Start { id, backend }, None).await {
            Ok(Response::Started { result, .. }) => result?,
            Ok(_) => return Err(client.out_of_turn().to_string()),
            Err(Failure::Lost(why) | Failure::Job(why)) => return Err(why),
        };
        Ok((client, info))
    }

    /// Why the worker is lost, if it is.
    fn lost(&self) -> Option<String> {
        self.shared.lost.borrow().clone()
    }

    fn out_of_turn(&self) -> Failure {
        Failure::Job(format!("{} answered out of turn", self.shared.name))
    }

    /// Sends the job `request` makes of its id and awaits its answer; with `watched`, the job
    /// reports progress and its run's [`Stop`] reaches it.
    async fn call(
        &self,
        request: impl FnOnce(u32) -> Request,
        watched: Option<(OnProgress, &Stop)>,
    ) -> Result<Response, Failure> {
        if let Some(why) = self.lost() {
            return Err(Failure::Lost(why));
        }
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let text = serde_json::to_string(&request(id)).expect("requests serialise");
        let (mut on_progress, stop) = match watched {
            Some((on_progress, stop)) => (Some(on_progress), Some(stop)),
            None => (None, None),
        };
        let answer = js_sys::Promise::new(&mut |resolve, _| {
            self.shared.pending.borrow_mut().insert(
                id,
                Pending {
                    resolve,
                    on_progress: on_progress.take(),
                },
            );
        });
        self.shared.heard.set(now());
        if let Err(e) = self.worker.post_message(&text.into()) {
            let name = self.shared.name;
            self.shared.lose(format!("cannot reach {name}: {e:?}"));
        }
        if let Some(stop) = stop {
            stop.started(&self.worker, id);
        }
        let answer = JsFuture::from(answer).await.unwrap_or(JsValue::NULL);
        if let Some(stop) = stop {
            stop.ended(&self.worker, id);
        }
        match answer.as_string() {
            Some(text) => serde_json::from_str(&text).map_err(|e| Failure::Job(e.to_string())),
            None => Err(Failure::Lost(self.lost().unwrap_or_default())),
        }
    }

    pub async fn probabilities(&self, model: &str, pixels: &[f32]) -> Result<Vec<f32>, Failure> {
        let request = |id| Request::Probabilities {
            id,
            model: model.to_string(),
            pixels: pixels.to_vec(),
        };
        match self.call(request, None).await? {
            Response::Probabilities { result, .. } => result,
            _ => Err(self.out_of_turn()),
        }
    }

    pub async fn attack(
        &self,
        job: &AttackJob<'_>,
        on_progress: OnProgress,
        stop: &Stop,
    ) -> Result<Attacked, Failure> {
        let request = |id| Request::Attack {
            id,
            model: job.model.to_string(),
            pixels: job.pixels.to_vec(),
            label: job.label,
            goal: job.goal,
            method: job.method,
        };
        match self.call(request, Some((on_progress, stop))).await? {
            Response::Attacked { result, .. } => result,
            _ => Err(self.out_of_turn()),
        }
    }

    /// A share of an untargeted attack's targets (see `Engine::attack_share`).
    pub async fn attack_share(
        &self,
        job: &ShareJob,
        on_progress: OnProgress,
        stop: &Stop,
    ) -> Result<Vec<Attacked>, Failure> {
        let request = |id| Request::AttackShare {
            id,
            job: job.clone(),
        };
        match self.call(request, Some((on_progress, stop))).await? {
            Response::AttackShare { result, .. } => result,
            _ => Err(self.out_of_turn()),
        }
    }

    /// The most probable classes of a photo (`[3, 224, 224]` in 8-bit levels).
    pub async fn photo(&self, pixels: &[u8]) -> Result<Vec<Ranked>, Failure> {
        let request = |id| Request::Photo {
            id,
            pixels: pixels.to_vec(),
        };
        match self.call(request, None).await? {
            Response::Photo { result, .. } => result,
            _ => Err(self.out_of_turn()),
        }
    }

    pub async fn attack_photo(
        &self,
        job: &PhotoJob,
        on_progress: OnProgress,
        stop: &Stop,
    ) -> Result<PhotoAttacked, Failure> {
        let request = |id| Request::PhotoAttack {
            id,
            job: job.clone(),
        };
        match self.call(request, Some((on_progress, stop))).await? {
            Response::PhotoAttacked { result, .. } => result,
            _ => Err(self.out_of_turn()),
        }
    }

    /// A slice of digits attacked (see `Engine::adversarial_set`).
    pub async fn adversarial_set(
        &self,
        job: &SetJob,
        on_progress: OnProgress,
        stop: &Stop,
    ) -> Result<SetDone, Failure> {
        let request = |id| Request::AdversarialSet {
            id,
            job: job.clone(),
        };
        match self.call(request, Some((on_progress, stop))).await? {
            Response::AdversarialSet { result, .. } => result,
            _ => Err(self.out_of_turn()),
        }
    }

    /// Table 5 for a digit model or EfficientNet-Lite0 (see `Engine::lipschitz`).
    pub async fn lipschitz(
        &self,
        model: Option<&str>,
        on_progress: OnProgress,
        stop: &Stop,
    ) -> Result<Vec<LayerBound>, Failure> {
        let request = |id| Request::Lipschitz {
            id,
            model: model.map(str::to_string),
        };
        match self.call(request, Some((on_progress, stop))).await? {
            Response::Lipschitz { result, .. } => result,
            _ => Err(self.out_of_turn()),
        }
    }

    /// Part of a row of Table 2's cross-check (see `Engine::wrong_counts`).
    pub async fn wrong_counts(&self, job: &RowJob) -> Result<Counted, Failure> {
        let request = |id| Request::WrongCounts {
            id,
            job: job.clone(),
        };
        match self.call(request, None).await? {
            Response::WrongCounts { result, .. } => result,
            _ => Err(self.out_of_turn()),
        }
    }

    /// A slice of a Units deal (see `Engine::units_slice`).
    pub async fn units_slice(&self, job: &UnitsJob) -> Result<SliceFound, Failure> {
        let request = |id| Request::UnitsSlice {
            id,
            job: job.clone(),
        };
        match self.call(request, None).await? {
            Response::UnitsSlice { result, .. } => result,
            _ => Err(self.out_of_turn()),
        }
    }
}
