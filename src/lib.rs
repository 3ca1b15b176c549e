//! Blindspot in the browser: draw, upload or pick a digit, watch a zoo model classify it, and
//! find its adversarial twin; or do the same to a photo with an ImageNet network. Everything
//! runs client-side with the shared core, whose vocabulary of work (`blindspot_core::work`) the
//! page and its workers share. Two wings: `compute` (the workers, their client and protocol,
//! the engine, the pool, Stop, the backend choice) and `ui` (the state, the link, the
//! orchestration in `ui::control`, the components). Three entry points share this library: the
//! page (`src/main.rs`); built with the `webgpu` feature, the WebGPU worker
//! (`src/bin/gpu_worker.rs`), which the page loads only where the browser has a WebGPU
//! adapter, built without the `cpu` feature, so without the page's CPU engine and the modules
//! that drive it; and the CPU workers of the pool (`src/bin/cpu_worker.rs`). Both workers run
//! `compute::worker`. The page's state and its messages to the workers are plain Rust,
//! unit-tested natively; the modules that touch the browser are wasm32-only.

pub mod compute;
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub mod clock;
#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(target_arch = "wasm32")]
pub mod pacing;
#[cfg(target_arch = "wasm32")]
pub mod training_digits;
#[cfg(target_arch = "wasm32")]
pub mod yours_store;
