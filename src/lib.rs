//! Blindspot in the browser: draw, upload or pick a digit, watch a zoo model classify it, and
//! find its adversarial twin. Everything runs client-side with the shared core. Two entry
//! points share this library: the page (`src/main.rs`) and, built with the `webgpu` feature,
//! the WebGPU worker (`src/bin/gpu_worker.rs`), which the page loads only where the browser
//! has a WebGPU adapter. Browser-only: natively the library is empty.
#![cfg(target_arch = "wasm32")]

pub mod app;
pub mod clock;
pub mod components;
pub mod engine;
pub mod fetch;
pub mod gpu_client;
#[cfg(feature = "webgpu")]
pub mod gpu_worker;
pub mod ink;
pub mod lab;
pub mod pacing;
pub mod pixels;
pub mod protocol;
pub mod state;
