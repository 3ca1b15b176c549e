//! The compute wing: where the page's work runs. The lab (`lab`: the backend choice, the WebGPU
//! worker and its fallback, each run's Stop), the pool of CPU workers (`pool`), where training
//! steps run (`trainer`), the page's side of a worker (`client`) and the worker itself
//! (`worker`), the messages between them (`protocol`), the engine on one device (`engine`), Stop
//! for one run (`stop`) and the backends (`backend`). What a job is, and how each experiment splits into jobs, is core's
//! (`blindspot_core::work`).

pub mod backend;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod engine;
#[cfg(all(target_arch = "wasm32", feature = "cpu"))]
pub mod lab;
#[cfg(all(target_arch = "wasm32", feature = "cpu"))]
pub mod pool;
#[cfg(target_arch = "wasm32")]
pub mod stop;
#[cfg(all(target_arch = "wasm32", feature = "cpu"))]
pub mod trainer;
#[cfg(target_arch = "wasm32")]
pub mod worker;
