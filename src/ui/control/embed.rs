//! An embed inside another page's iframe: its content height, posted to the host page whenever
//! it changes, in Blindspot's own format and the two that course platforms listen for (Canvas's
//! `lti.frameResize`, and the stringified `iframe.resize`). README, "Embeds", has the listener.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

/// Whether the page runs inside another page's frame.
fn in_frame() -> bool {
    web_sys::window().is_some_and(|w| w.parent().ok().flatten().is_some_and(|p| p != w))
}

/// Posts the height of `<html>` to the parent in all three formats.
fn post_height() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (Some(parent), Some(root)) = (
        window.parent().ok().flatten(),
        window.document().and_then(|d| d.document_element()),
    ) else {
        return;
    };
    let height = root.scroll_height();
    let messages = [
        format!(r#"{{"type":"blindspot:resize","height":{height}}}"#),
        format!(r#"{{"subject":"lti.frameResize","height":{height}}}"#),
    ];
    for text in messages {
        if let Ok(message) = js_sys::JSON::parse(&text) {
            let _ = parent.post_message(&message, "*");
        }
    }
    let stringified = format!(r#"{{"context":"iframe.resize","height":{height}}}"#);
    let _ = parent.post_message(&stringified.into(), "*");
}

/// While `embedded` inside a frame, reports the content's height each time it changes.
#[hook]
pub fn use_resize_reports(embedded: bool) {
    use_effect_with(embedded, |&embedded| {
        let observer = (embedded && in_frame()).then(|| {
            let on_resize = Closure::<dyn Fn()>::new(post_height);
            let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            let body = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.body());
            if let (Some(o), Some(body)) = (&observer, body) {
                o.observe(&body);
            }
            (observer, on_resize)
        });
        move || {
            if let Some((Some(o), _)) = observer {
                o.disconnect();
            }
        }
    });
}
