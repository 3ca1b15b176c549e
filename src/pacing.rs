//! Yielding to the browser: on the page before a job starts (so that its busy state is drawn
//! first), and in a worker between slices of work (so that a Stop message is read).

use wasm_bindgen::{JsCast, JsValue};

/// Lets the browser take input (and render, when a frame is due) before going on. A message to
/// ourselves rather than `setTimeout(0)`: nested timeouts are clamped to 4 ms, which at one
/// yield every 20 ms would cost a fifth of the compute time.
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| match web_sys::MessageChannel::new() {
        Ok(channel) => {
            channel.port1().set_onmessage(Some(resolve.unchecked_ref()));
            if channel.port2().post_message(&JsValue::NULL).is_err() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
        Err(_) => {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
