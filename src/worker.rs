//! A compute worker (the WebGPU one, `src/bin/gpu_worker.rs`, or one of the pool's CPU
//! workers, `src/bin/cpu_worker.rs`): owns an engine on the device the page starts it on and
//! answers the page's requests. It runs in its own thread, so its jobs never block the page;
//! WebGPU device loss is watched by its loader (`www/worker.js`), which tells the page directly.

use crate::backend::Backend;
use crate::clock::now;
use crate::engine::Engine;
use crate::job::{AttackJob, Failure};
use crate::protocol::{Request, Response, WorkerInfo};
use blindspot_core::attack::{Control, Progress};
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

fn post(response: &Response) {
    let text = serde_json::to_string(response).expect("responses serialise");
    let _ = scope().post_message(&text.into());
}

/// Listens for requests until the page terminates the worker.
pub fn run() {
    let worker = Rc::new(Worker::default());
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        match serde_json::from_str::<Request>(&text) {
            Ok(Request::Stop { id }) => {
                worker.stopping.borrow_mut().insert(id);
            }
            Ok(request) => {
                let worker = worker.clone();
                wasm_bindgen_futures::spawn_local(async move { worker.handle(request).await });
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

    async fn handle(&self, request: Request) {
        let response = match request {
            Request::Start { id, backend } => Response::Started {
                id,
                result: self.start(backend).await,
            },
            Request::Probabilities { id, model, pixels } => Response::Probabilities {
                id,
                result: self.probabilities(&model, &pixels).await,
            },
            Request::Attack {
                id,
                model,
                pixels,
                label,
                goal,
                method,
            } => {
                let job = AttackJob {
                    model: &model,
                    pixels: &pixels,
                    label,
                    goal,
                    method,
                };
                let result =
                    async { self.engine()?.attack(job, &mut self.reporter(id)).await }.await;
                Response::Attacked { id, result }
            }
            Request::AttackShare { id, job } => {
                let result = async {
                    self.engine()?
                        .attack_share(&job, &mut self.reporter(id))
                        .await
                }
                .await;
                Response::AttackShare { id, result }
            }
            Request::Photo { id, pixels } => Response::Photo {
                id,
                result: async { self.engine()?.photo(&pixels).await }.await,
            },
            Request::PhotoAttack { id, job } => {
                let result = async {
                    self.engine()?
                        .attack_photo(&job, &mut self.reporter(id))
                        .await
                }
                .await;
                Response::PhotoAttacked { id, result }
            }
            Request::AdversarialSet { id, job } => {
                let result = async {
                    self.engine()?
                        .adversarial_set(&job, &mut self.reporter(id))
                        .await
                }
                .await;
                Response::AdversarialSet { id, result }
            }
            Request::Lipschitz { id, model } => {
                let result = async {
                    let mut progress = self.reporter(id);
                    self.engine()?
                        .lipschitz(model.as_deref(), &mut progress)
                        .await
                };
                Response::Lipschitz {
                    id,
                    result: result.await,
                }
            }
            Request::WrongCounts { id, job } => Response::WrongCounts {
                id,
                result: async { self.engine()?.wrong_counts(&job).await }.await,
            },
            Request::UnitsSlice { id, job } => Response::UnitsSlice {
                id,
                result: async { self.engine()?.units_slice(&job).await }.await,
            },
            Request::Stop { .. } => return,
        };
        let id = response.id();
        post(&response);
        self.stopping.borrow_mut().remove(&id);
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

    async fn probabilities(&self, model: &str, pixels: &[f32]) -> Result<Vec<f32>, Failure> {
        let engine = self.engine()?;
        let m = engine.model(model).await?;
        engine.probabilities(&m, pixels).await
    }

    /// Sends attack progress to the page (throttled) and answers Stop. Every WebGPU read
    /// awaits, so the Stop message is handled between evaluations; on the CPU nothing awaits,
    /// so every [`YIELD_MS`] the worker yields once to its message queue (where Stop waits).
    fn reporter(&self, id: u32) -> impl FnMut(&Progress) -> Control + '_ {
        let mut last = f64::NEG_INFINITY;
        let mut yielded = now();
        move |p: &Progress| -> Control {
            if now() - last >= PROGRESS_MS {
                post(&Response::Progress { id, progress: *p });
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
