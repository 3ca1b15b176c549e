//! An embed's only chrome: what the view is, the model (unless hidden) and a link to the whole
//! page with the same state.

use crate::ui::view::View;
use blindspot_core::zoo::ZOO;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: View,
    pub model: AttrValue,
    pub on_model: Callback<String>,
    /// The full page's address with this state.
    pub full_page: AttrValue,
}

#[function_component]
pub fn EmbedBar(props: &Props) -> Html {
    let on_model = props
        .on_model
        .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    html! {
        <header class="embed-bar">
            <span class="embed-title">{"Blindspot: "}{props.view.title()}</span>
            <label data-control="model">{"Model "}
                <select data-testid="model-select" onchange={on_model}>
                    { for ZOO.iter().map(|s| html! { <option value={s.name} selected={s.name == props.model}>{s.name}</option> }) }
                </select>
            </label>
            <a data-testid="open-full" href={props.full_page.clone()} target="_blank" rel="noopener">{"Open in Blindspot ↗"}</a>
        </header>
    }
}
