//! The WebGPU worker (a Web Worker; `www/worker.js?gpu_worker` loads it): answers the page's
//! jobs on the browser's WebGPU adapter.

#[cfg(target_arch = "wasm32")]
fn main() {
    blindspot_web::compute::worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("gpu_worker runs in a browser's Web Worker: see index.html.");
}
