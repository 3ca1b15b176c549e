//! The page: the Yew app on the page's thread (see the library for the pieces).

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<blindspot_web::ui::app::Root>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("blindspot-web runs in a browser: build and serve it with `scripts/serve`.");
}
