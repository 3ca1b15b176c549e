//! The CPU worker (a Web Worker; `www/worker.js?cpu_worker` loads it): answers the page's
//! photo jobs on Burn's Flex backend, off the page's thread. The page starts it when the
//! Photos panel opens.

#[cfg(target_arch = "wasm32")]
fn main() {
    blindspot_web::worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("cpu_worker runs in a browser's Web Worker: see index.html.");
}
