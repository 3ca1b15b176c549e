//! Long jobs on the page's thread: yield to the browser every few milliseconds so that input,
//! rendering and Stop keep working while an attack or an experiment runs.

use crate::clock::now;
use blindspot_core::attack::{Control, Progress};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// Longest stretch of computation between two yields to the browser. One evaluation slice may
/// overrun it: attacks on the CPU evaluate `engine::SLICE_MACS` of work at a time (about 40 ms,
/// two convnet problems), so the page waits at most about 55 ms (the e2e heartbeat checks 100).
pub const SLICE_MS: f64 = 15.0;
/// Progress text is refreshed at most this often (each refresh re-renders the page).
const STATUS_MS: f64 = 100.0;

/// Lets the browser take input (and render, when a frame is due) before going on. A message to
/// ourselves rather than `setTimeout(0)`: nested timeouts are clamped to 4 ms, which at one
/// yield every 15 ms would cost a fifth of the compute time.
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

/// A progress callback for the core's attacks: after [`SLICE_MS`] of work it yields a frame
/// (calling `status` at most every [`STATUS_MS`]) and answers whether to go on (`false` once
/// `stop` is set).
pub fn paced(
    stop: Rc<RefCell<bool>>,
    mut status: impl FnMut(&Progress) + 'static,
) -> impl FnMut(&Progress) -> Control {
    let mut last_yield = now();
    let mut last_status = f64::NEG_INFINITY;
    move |p: &Progress| -> Control {
        let stopped = *stop.borrow();
        if stopped || now() - last_yield < SLICE_MS {
            return Box::pin(std::future::ready(!stopped));
        }
        if now() - last_status >= STATUS_MS {
            status(p);
            last_status = now();
        }
        last_yield = now();
        let stop = stop.clone();
        Box::pin(async move {
            next_frame().await;
            !*stop.borrow()
        })
    }
}
