//! A photo's most probable ImageNet classes as a list with bars.
use blindspot_core::imagenet::Ranked;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ranked: Vec<Ranked>,
    pub testid: AttrValue,
    /// What a screen reader calls the list.
    pub label: AttrValue,
}

/// The model's most probable ImageNet classes, most probable first, with bars.
#[function_component]
pub fn PhotoRanked(props: &Props) -> Html {
    html! {
        <ol class="ranked" data-testid={props.testid.clone()} aria-label={props.label.clone()}>
        { for props.ranked.iter().map(|r| html! {
            <li data-label={r.label.to_string()} data-value={format!("{:.6}", r.probability)}>
                <span class="name">{format!("{} ({})", r.name, r.label)}</span>
                <span class="fill" aria-hidden="true" style={format!("width: {:.2}rem", 8.0 * r.probability)}></span>
                <span class="pct">{format!("{:.1}%", 100.0 * r.probability)}</span>
            </li>
        }) }
        </ol>
    }
}
