//! Blindspot in the browser. This first page proves the shared core runs client-side: it
//! fetches the zoo's cards, verifies and loads a model's weights, and classifies gallery
//! digits with Burn on the CPU (Flex). The interactive lab (drawing, attacks) builds on it.

#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
fn main() {
    wasm_bindgen_futures::spawn_local(web::start());
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("blindspot-web runs in a browser: build and serve it with `scripts/serve`.");
}
