//! Yielding to the browser: on the page before a job starts (so that its busy state is drawn
//! first), and in a worker between slices of work (so that a Stop message is read); and waiting
//! with a deadline.

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

/// Resolves after `ms` milliseconds (a timer of the page's or the worker's global scope).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let _ = match global.dyn_ref::<web_sys::Window>() {
            Some(window) => {
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            }
            None => global
                .unchecked_ref::<web_sys::WorkerGlobalScope>()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms),
        };
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// `work`'s answer, or `Err(late())` when it has none after `ms` milliseconds: a step that
/// depends on the browser (a fetch, a decode) never leaves a person waiting without a word.
pub async fn within<T>(
    ms: i32,
    work: impl std::future::Future<Output = Result<T, String>>,
    late: impl FnOnce() -> String,
) -> Result<T, String> {
    let work = std::pin::pin!(work);
    let timer = std::pin::pin!(sleep(ms));
    match futures::future::select(work, timer).await {
        futures::future::Either::Left((answer, _)) => answer,
        futures::future::Either::Right(_) => Err(late()),
    }
}
