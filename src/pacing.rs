//! Long jobs on the page's thread: yield to the browser every few milliseconds so that input,
//! rendering and Stop keep working while an attack or an experiment runs.

use crate::clock::now;
use wasm_bindgen::{JsCast, JsValue};

/// Longest stretch of computation between two yields to the browser.
pub const SLICE_MS: f64 = 15.0;

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

/// Splits `total` items of even cost into pieces of about [`SLICE_MS`] each, yielding to the
/// browser between pieces. It learns the cost per item from the pieces done, starting with one
/// item (what an item costs differs by model and machine by orders of magnitude).
pub struct Pieces {
    total: usize,
    next: usize,
    size: usize,
    began: f64,
}

impl Pieces {
    pub fn new(total: usize) -> Self {
        Pieces {
            total,
            next: 0,
            size: 1,
            began: 0.0,
        }
    }

    /// The next range of items to compute, or `None` when all are given out.
    pub async fn next(&mut self) -> Option<std::ops::Range<usize>> {
        if self.next > 0 {
            let per_item = ((now() - self.began) / self.size as f64).max(1e-3);
            // At most 4× bigger at a time: the first items may have run faster than the rest.
            self.size = ((SLICE_MS / per_item) as usize).clamp(1, self.size * 4);
            next_frame().await;
        }
        if self.next >= self.total {
            return None;
        }
        let range = self.next..(self.next + self.size).min(self.total);
        self.next = range.end;
        self.began = now();
        Some(range)
    }
}
