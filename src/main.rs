//! Blindspot in the browser: draw, upload or pick a digit, watch a zoo model classify it, and
//! find its adversarial twin. Everything runs client-side with the shared core.

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(target_arch = "wasm32")]
mod lab;
#[cfg(target_arch = "wasm32")]
mod pacing;
#[cfg(target_arch = "wasm32")]
mod pixels;
#[cfg(target_arch = "wasm32")]
mod state;

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("blindspot-web runs in a browser: build and serve it with `scripts/serve`.");
}
