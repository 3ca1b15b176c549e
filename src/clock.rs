//! Milliseconds from the global scope's clock, on the page and in a worker alike.

use wasm_bindgen::JsCast;

/// Milliseconds (sub-millisecond where the browser allows).
pub fn now() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or_else(js_sys::Date::now, |p| p.now())
}
