//! A CPU worker of the pool (a Web Worker; `www/worker.js?cpu_worker` loads it): answers the
//! page's jobs (attacks, the experiments' jobs, photos) on Burn's Flex backend, off the page's
//! thread. The page starts the pool with its first job, one worker per core (at most 4).

#[cfg(target_arch = "wasm32")]
fn main() {
    blindspot_web::compute::worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("cpu_worker runs in a browser's Web Worker: see index.html.");
}
