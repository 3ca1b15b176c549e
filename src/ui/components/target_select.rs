//! The target menu the attack panel and Compare share: a digit 0–9, or untargeted.
use crate::ui::link::target_text;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// `None`: untargeted.
    pub target: Option<u8>,
    pub testid: AttrValue,
    pub on_target: Callback<Option<u8>>,
}

#[function_component]
pub fn TargetSelect(props: &Props) -> Html {
    let onchange = props.on_target.reform(|e: Event| {
        e.target_unchecked_into::<HtmlSelectElement>()
            .value()
            .parse::<u8>()
            .ok()
    });
    let value = target_text(props.target);
    html! {
        <select data-testid={props.testid.clone()} {onchange}>
            <option value="untargeted" selected={value == "untargeted"}>{"untargeted (nearest class)"}</option>
            { for (0..10).map(|d| html! { <option value={d.to_string()} selected={value == d.to_string()}>{d}</option> }) }
        </select>
    }
}
