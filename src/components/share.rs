//! Share: copies the page's link (its whole state, see `link.rs`) to the clipboard, and shows it
//! in a field to copy by hand where the browser refuses the clipboard.

use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the last press found: the link, and whether the clipboard took it.
#[derive(Clone, PartialEq)]
struct Shared {
    link: String,
    copied: bool,
}

#[function_component]
pub fn Share() -> Html {
    let shared = use_state(|| None::<Shared>);
    let field = use_node_ref();
    let on_share = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let link = window.location().href().unwrap_or_default();
            let shared = shared.clone();
            let clipboard = window.navigator().clipboard();
            wasm_bindgen_futures::spawn_local(async move {
                let copied = JsFuture::from(clipboard.write_text(&link)).await.is_ok();
                shared.set(Some(Shared { link, copied }));
            });
        })
    };
    {
        // Select the link so that Ctrl+C copies it.
        let field = field.clone();
        use_effect_with((*shared).clone(), move |_| {
            if let Some(input) = field.cast::<HtmlInputElement>() {
                input.select();
            }
        });
    }
    html! {
        <div class="share">
            <button data-testid="share" onclick={on_share}>{"Share link"}</button>
            if let Some(s) = &*shared {
                <input data-testid="share-link" ref={field} readonly=true aria-label="Link to this page's state"
                    value={s.link.clone()} />
                <span data-testid="share-status" role="status">
                    { if s.copied { "Copied to the clipboard." } else { "Copy the link above (the browser keeps the clipboard to itself here)." } }
                </span>
            }
        </div>
    }
}
