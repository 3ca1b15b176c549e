//! Share and Embed: the page's link (its whole state, see `link.rs`) copied to the clipboard,
//! or an `<iframe>` snippet that shows one view of it in a page of course notes; both also in a
//! field to copy by hand where the browser keeps the clipboard to itself.

use crate::ui::view::View;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// What the last press made, and whether the clipboard took it.
#[derive(Clone, PartialEq)]
struct Made {
    text: String,
    copied: bool,
}

/// The page's address, with its state.
fn here() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// An iframe showing `view` of the page as it is now.
fn snippet(view: View) -> String {
    let link = here();
    let joiner = if link.contains('#') { "&" } else { "#" };
    let height = match view {
        View::Attack => 760,
        View::Transfer | View::Photos | View::Compare | View::Hand | View::Quiz | View::Train => {
            1000
        }
        View::Reproduce | View::Units | View::Stability => 640,
    };
    let src = format!("{link}{joiner}embed={}", view.as_str()).replace('&', "&amp;");
    format!(
        r#"<iframe src="{src}" title="Blindspot: {}" width="100%" height="{height}" loading="lazy" style="border:0"></iframe>"#,
        view.title()
    )
}

#[function_component]
pub fn Share() -> Html {
    let made = use_state(|| None::<Made>);
    let view = use_state(|| View::Attack);
    let field = use_node_ref();
    let copy = {
        let made = made.clone();
        Callback::from(move |text: String| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let (made, clipboard) = (made.clone(), window.navigator().clipboard());
            wasm_bindgen_futures::spawn_local(async move {
                let copied = JsFuture::from(clipboard.write_text(&text)).await.is_ok();
                made.set(Some(Made { text, copied }));
            });
        })
    };
    let on_share = copy.reform(|_: MouseEvent| here());
    let on_embed = {
        let view = view.clone();
        copy.reform(move |_: MouseEvent| snippet(*view))
    };
    let on_view = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let name = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(v) = View::parse(&name) {
                view.set(v);
            }
        })
    };
    {
        // Select what was made, so that Ctrl+C copies it.
        let field = field.clone();
        use_effect_with((*made).clone(), move |_| {
            if let Some(text) = field.cast::<HtmlTextAreaElement>() {
                text.select();
            }
        });
    }
    html! {
        <div class="share">
            <button data-testid="share" onclick={on_share}>{"Share link"}</button>
            <label>{"Embed "}
                <select data-testid="embed-view" onchange={on_view}>
                    { for View::ALL.map(|v| html! { <option value={v.as_str()} selected={*view == v}>{v.as_str()}</option> }) }
                </select>
            </label>
            <button data-testid="embed" onclick={on_embed}>{"Embed code"}</button>
            if let Some(m) = &*made {
                <textarea data-testid="share-text" ref={field} readonly=true rows="2"
                    aria-label="Link or embed code to copy" value={m.text.clone()} />
                <span data-testid="share-status" role="status">
                    { if m.copied { "Copied to the clipboard." } else { "Copy it from the field (the browser keeps the clipboard to itself here)." } }
                </span>
            }
        </div>
    }
}
