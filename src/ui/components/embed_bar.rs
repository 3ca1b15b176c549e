//! An embed's only chrome: what the view is, the model (unless hidden) and a link to the whole
//! page with the same state.

use super::ModelSelect;
use crate::ui::state::YourModel;
use crate::ui::view::View;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: View,
    pub model: AttrValue,
    /// The student's own models.
    pub yours: Vec<YourModel>,
    pub on_model: Callback<String>,
    /// The full page's address with this state.
    pub full_page: AttrValue,
}

#[function_component]
pub fn EmbedBar(props: &Props) -> Html {
    html! {
        <header class="embed-bar">
            <span class="embed-title">{"Blindspot: "}{props.view.title()}</span>
            <label data-control="model">{"Model "}
                <ModelSelect model={props.model.clone()} yours={props.yours.clone()} on_model={props.on_model.clone()} />
            </label>
            <a data-testid="open-full" href={props.full_page.clone()} target="_blank" rel="noopener">{"Open in Blindspot ↗"}</a>
        </header>
    }
}
