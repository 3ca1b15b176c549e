//! Whether an element has been on screen: an embed starts its app there, and the Stability
//! panel computes there (so that a page's first load starts no worker for a panel below the
//! fold).

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

/// True once `node` has been on screen since the component mounted (it stays true); true at
/// once where `already`.
#[hook]
pub fn use_seen(node: NodeRef, already: bool) -> bool {
    let seen = use_state(|| already);
    {
        let seen = seen.clone();
        use_effect_with(*seen, move |&is_seen| {
            let observer = (!is_seen).then(|| {
                let shown = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    let on_screen = entries.iter().any(|e| {
                        e.dyn_into::<web_sys::IntersectionObserverEntry>()
                            .is_ok_and(|e| e.is_intersecting())
                    });
                    if on_screen {
                        seen.set(true);
                    }
                });
                let observer =
                    web_sys::IntersectionObserver::new(shown.as_ref().unchecked_ref()).ok();
                if let (Some(o), Some(el)) = (&observer, node.cast::<web_sys::Element>()) {
                    o.observe(&el);
                }
                (observer, shown)
            });
            move || {
                if let Some((Some(o), _)) = observer {
                    o.disconnect();
                }
            }
        });
    }
    *seen
}
