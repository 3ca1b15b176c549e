//! A compute worker (the WebGPU one, `src/bin/gpu_worker.rs`, or one of the pool's CPU
//! workers, `src/bin/cpu_worker.rs`): owns an engine on the device the page starts it on and
//! runs the page's jobs (`Job::run`, one arm for every kind of work). It runs in its own
//! thread, so its jobs never block the page; WebGPU device loss is watched by its loader
//! (`www/worker.js`), which tells the page directly.

use crate::clock::now;
use crate::compute::backend::Backend;
use crate::compute::engine::Engine;
use crate::compute::protocol::{FromWorker, Message, ToWorker, WorkerInfo};
use blindspot_core::attack::{Control, Progress};
use blindspot_core::work::Failure;
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Progress goes to the page at most this often.
const PROGRESS_MS: f64 = 100.0;
/// How long a job computes before it looks at its messages (a Stop) again.
const YIELD_MS: f64 = 20.0;

#[derive(Default)]
struct Worker {
    engine: RefCell<Option<Rc<Engine>>>,
    /// The running jobs a Stop message named; their progress callbacks read it.
    stopping: Rc<RefCell<HashSet<u32>>>,
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(id: u32, message: Message) {
    let text = serde_json::to_string(&FromWorker { id, message }).expect("messages serialise");
    let _ = scope().post_message(&text.into());
}

/// Listens for requests until the page terminates the worker.
pub fn run() {
    let worker = Rc::new(Worker::default());
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        match serde_json::from_str::<ToWorker>(&text) {
            Ok(ToWorker::Stop { id }) => {
                worker.stopping.borrow_mut().insert(id);
            }
            Ok(ToWorker::Start { id, backend }) => {
                let worker = worker.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let started = worker.start(backend).await;
                    post(id, Message::Started(started));
                });
            }
            Ok(ToWorker::Run { id, job }) => {
                let worker = worker.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let result = match worker.engine() {
                        Ok(engine) => job.run(engine.as_ref(), &mut worker.reporter(id)).await,
                        Err(why) => Err(Failure::Job(why)),
                    };
                    post(id, Message::Result(result));
                    worker.stopping.borrow_mut().remove(&id);
                });
            }
            Err(e) => web_sys::console::error_1(&format!("bad request: {e}").into()),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
}

impl Worker {
    fn engine(&self) -> Result<Rc<Engine>, String> {
        self.engine
            .borrow()
            .clone()
            .ok_or_else(|| "the worker's engine is not started".to_string())
    }

    async fn start(&self, backend: Backend) -> Result<WorkerInfo, String> {
        let (engine, adapter) = match backend {
            #[cfg(feature = "webgpu")]
            Backend::WebGpu => Engine::webgpu().await?,
            #[cfg(feature = "cpu")]
            Backend::Cpu => (Engine::cpu(), "Burn Flex (CPU)".to_string()),
            #[allow(unreachable_patterns)] // a worker built without that backend's feature
            other => return Err(format!("this worker has no {} engine", other.label())),
        };
        engine.probe().await; // the first run compiles the kernels
        let probe_ms = engine.probe().await;
        *self.engine.borrow_mut() = Some(Rc::new(engine));
        Ok(WorkerInfo { adapter, probe_ms })
    }

    /// Sends attack progress to the page (throttled) and answers Stop. Every WebGPU read
    /// awaits, so the Stop message is handled between evaluations; on the CPU nothing awaits,
    /// so every [`YIELD_MS`] the worker yields once to its message queue (where Stop waits).
    fn reporter(&self, id: u32) -> impl FnMut(&Progress) -> Control + '_ {
        let mut last = f64::NEG_INFINITY;
        let mut yielded = now();
        move |p: &Progress| -> Control {
            if now() - last >= PROGRESS_MS {
                post(id, Message::Progress(*p));
                last = now();
            }
            let stopping = self.stopping.clone();
            let go_on = move || !stopping.borrow().contains(&id);
            if now() - yielded < YIELD_MS {
                return Box::pin(std::future::ready(go_on()));
            }
            yielded = now();
            Box::pin(async move {
                crate::pacing::next_frame().await;
                go_on()
            })
        }
    }
}
