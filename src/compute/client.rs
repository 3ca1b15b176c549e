//! The page's side of a compute worker: spawns it (the WebGPU one only where the browser
//! offers a WebGPU adapter, so its 4-5 MB download is never part of the first load; the CPU
//! ones with the pool's first job), sends jobs and awaits their answers (one `run` for every
//! kind of job). The worker is
//! declared lost, and every waiting job told so, when its loader reports a lost device, when
//! it throws (a panic), or when a job hears nothing for [`SILENCE_MS`].

use crate::clock::now;
use crate::compute::backend::Backend;
use crate::compute::protocol::{FromWorker, Message, ToWorker, WorkerInfo};
use crate::compute::stop::Stop;
use blindspot_core::attack::Progress;
use blindspot_core::work::{Answer, Failure, Job};
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

/// Where a job in the worker reports its progress.
pub type ProgressSink = Box<dyn FnMut(&Progress)>;

/// A job waiting for its answer: its promise resolves once the message is in `answer`, or with
/// nothing there when the worker is lost.
struct Pending {
    resolve: js_sys::Function,
    answer: Rc<RefCell<Option<Message>>>,
    on_progress: Option<ProgressSink>,
}

impl Pending {
    fn answer(self, message: Message) {
        *self.answer.borrow_mut() = Some(message);
        let _ = self.resolve.call0(&JsValue::NULL);
    }
}

/// What the worker's message handler and the client share.
struct Link {
    /// "the WebGPU worker" or "the CPU worker", for messages.
    name: &'static str,
    pending: RefCell<HashMap<u32, Pending>>,
    lost: RefCell<Option<String>>,
    heard: Cell<f64>,
}

pub struct WorkerClient {
    worker: Worker,
    link: Rc<Link>,
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

impl Link {
    fn lose(&self, why: String) {
        if self.lost.borrow().is_none() {
            *self.lost.borrow_mut() = Some(why);
        }
        let lost: Vec<Pending> = self.pending.borrow_mut().drain().map(|(_, p)| p).collect();
        for p in lost {
            let _ = p.resolve.call0(&JsValue::NULL);
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
        let received = match serde_json::from_str::<FromWorker>(&text) {
            Ok(received) => received,
            // Without a readable id no job can be answered: the worker is out of step with
            // the page (another build?), so every waiting job moves to the CPU now.
            Err(e) => {
                return self.lose(format!(
                    "{} sent an answer the page cannot read ({e})",
                    self.name
                ));
            }
        };
        let FromWorker { id, message } = received;
        let mut pending = self.pending.borrow_mut();
        if let Message::Progress(progress) = message {
            if let Some(f) = pending.get_mut(&id).and_then(|p| p.on_progress.as_mut()) {
                f(&progress);
            }
            return;
        }
        if let Some(p) = pending.remove(&id) {
            drop(pending);
            p.answer(message);
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
        let link = Rc::new(Link {
            name,
            pending: RefCell::default(),
            lost: RefCell::default(),
            heard: Cell::default(),
        });
        let on_message = {
            let link = link.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| link.receive(e.data()))
        };
        let on_error = {
            let link = link.clone();
            Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                link.lose(format!("{} failed ({})", link.name, e.message()))
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let watchdog = {
            let link = link.clone();
            Closure::<dyn FnMut()>::new(move || {
                let waiting = !link.pending.borrow().is_empty();
                if waiting && now() - link.heard.get() > SILENCE_MS {
                    link.lose(format!(
                        "{} went silent for {} s",
                        link.name,
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
            link,
            next_id: Cell::new(0),
            _on_message: on_message,
            _on_error: on_error,
            watchdog: (handle, watchdog),
        });
        let started = client
            .send(|id| ToWorker::Start { id, backend }, None)
            .await;
        let info = match started {
            Ok(Message::Started(info)) => info?,
            Ok(_) => return Err(format!("{name} answered its start with something else")),
            Err(Failure::Lost(why) | Failure::Job(why)) => return Err(why),
        };
        Ok((client, info))
    }

    /// Why the worker is lost, if it is.
    fn lost(&self) -> Option<String> {
        self.link.lost.borrow().clone()
    }

    /// Runs `job` in the worker and awaits its answer as type `T`; with `watched`, the job
    /// reports progress and its run's [`Stop`] reaches it.
    pub async fn run<T: TryFrom<Answer, Error = Failure>>(
        &self,
        job: Job,
        watched: Option<(ProgressSink, &Stop)>,
    ) -> Result<T, Failure> {
        self.call(job, watched).await?.try_into()
    }

    /// Runs `job` in the worker and awaits its answer (see [`WorkerClient::run`]).
    pub async fn call(
        &self,
        job: Job,
        watched: Option<(ProgressSink, &Stop)>,
    ) -> Result<Answer, Failure> {
        match self.send(|id| ToWorker::Run { id, job }, watched).await? {
            Message::Result(answer) => answer,
            _ => Err(Failure::Job(format!(
                "{} answered out of turn",
                self.link.name
            ))),
        }
    }

    /// Sends the message `request` makes of its id and awaits the worker's last message about
    /// it (progress before it goes to `watched`'s sink, whose run's [`Stop`] reaches the job).
    async fn send(
        &self,
        request: impl FnOnce(u32) -> ToWorker,
        watched: Option<(ProgressSink, &Stop)>,
    ) -> Result<Message, Failure> {
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
        let answer = Rc::new(RefCell::new(None));
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            self.link.pending.borrow_mut().insert(
                id,
                Pending {
                    resolve,
                    answer: answer.clone(),
                    on_progress: on_progress.take(),
                },
            );
        });
        self.link.heard.set(now());
        if let Err(e) = self.worker.post_message(&text.into()) {
            let name = self.link.name;
            self.link.lose(format!("cannot reach {name}: {e:?}"));
        }
        if let Some(stop) = stop {
            stop.started(&self.worker, id);
        }
        let _ = JsFuture::from(promise).await;
        if let Some(stop) = stop {
            stop.ended(&self.worker, id);
        }
        let message = answer.borrow_mut().take();
        message.ok_or_else(|| Failure::Lost(self.lost().unwrap_or_default()))
    }
}
