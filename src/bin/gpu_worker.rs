//! The WebGPU worker (a Web Worker; `www/gpu-worker.js` loads it): answers the page's jobs on
//! the browser's WebGPU adapter.

#[cfg(target_arch = "wasm32")]
fn main() {
    blindspot_web::gpu_worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("gpu_worker runs in a browser's Web Worker: see index.html.");
}
