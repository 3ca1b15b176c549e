//! Blindspot in the browser: draw, upload or pick a digit, watch a zoo model classify it, and
//! find its adversarial twin; or do the same to a photo with an ImageNet network. Everything
//! runs client-side with the shared core. Three entry points share this library: the page
//! (`src/main.rs`); built with the `webgpu` feature, the WebGPU worker
//! (`src/bin/gpu_worker.rs`), which the page loads only where the browser has a WebGPU
//! adapter, built without the `cpu` feature, so without the page's CPU engine and the modules
//! that drive it; and the CPU worker (`src/bin/cpu_worker.rs`), which computes photos and is
//! loaded when the Photos panel opens. Both workers run `worker`. The page's state, its
//! messages to the workers and its colour maps are plain Rust, unit-tested natively; the
//! modules that touch the browser are wasm32-only.

pub mod backend;
pub mod colour;
pub mod job;
pub mod link;
pub mod photo_state;
pub mod protocol;
pub mod state;

#[cfg(all(target_arch = "wasm32", feature = "cpu"))]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod clock;
#[cfg(all(target_arch = "wasm32", feature = "cpu"))]
pub mod components;
#[cfg(all(target_arch = "wasm32", feature = "cpu"))]
pub mod control;
#[cfg(target_arch = "wasm32")]
pub mod engine;
#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(target_arch = "wasm32")]
pub mod ink;
#[cfg(all(target_arch = "wasm32", feature = "cpu"))]
pub mod lab;
#[cfg(target_arch = "wasm32")]
pub mod pacing;
#[cfg(target_arch = "wasm32")]
pub mod picture;
#[cfg(target_arch = "wasm32")]
pub mod pixels;
#[cfg(target_arch = "wasm32")]
pub mod stop;
#[cfg(target_arch = "wasm32")]
pub mod worker;
#[cfg(target_arch = "wasm32")]
pub mod worker_client;
