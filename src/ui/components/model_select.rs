//! The model menu (the page's header and an embed's bar): the zoo, then the student's own
//! models kept in this browser.

use crate::ui::state::YourModel;
use blindspot_core::zoo::ZOO;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub model: AttrValue,
    /// The student's own models.
    pub yours: Vec<YourModel>,
    pub on_model: Callback<String>,
}

#[function_component]
pub fn ModelSelect(props: &Props) -> Html {
    let on_model = props
        .on_model
        .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    html! {
        <select data-testid="model-select" onchange={on_model}>
            <optgroup label="the zoo">
                { for ZOO.iter().map(|s| html! { <option value={s.name} selected={s.name == props.model}>{s.name}</option> }) }
            </optgroup>
            if !props.yours.is_empty() {
                <optgroup label="yours (trained in the Train panel)">
                    { for props.yours.iter().map(|y| html! {
                        <option value={y.name.clone()} selected={y.name == props.model}>{y.title.clone()}</option>
                    }) }
                </optgroup>
            }
        </select>
    }
}
