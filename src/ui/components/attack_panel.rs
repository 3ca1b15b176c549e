//! The attack's controls: method, target and budget, with Run and Stop.
use super::TargetSelect;
use crate::ui::link::MOST_KAPPA;
use crate::ui::method_text::{minimises, title};
use blindspot_core::attack::MethodName;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub method: MethodName,
    pub target: Option<u8>,
    pub epsilon: f32,
    pub kappa: f32,
    pub busy: Option<AttrValue>,
    pub can_run: bool,
    pub on_method: Callback<MethodName>,
    pub on_target: Callback<Option<u8>>,
    pub on_epsilon: Callback<f32>,
    pub on_kappa: Callback<f32>,
    pub on_run: Callback<()>,
    pub on_stop: Callback<()>,
}

/// Method, target and budget of the attack, with Run.
#[function_component]
pub fn AttackPanel(props: &Props) -> Html {
    let on_method = {
        let cb = props.on_method.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            // The options are written from `MethodName::ALL`, so every value parses.
            if let Ok(m) = MethodName::parse(&value) {
                cb.emit(m);
            }
        })
    };
    let on_epsilon = number(props.on_epsilon.clone(), 1.0);
    let on_kappa = number(props.on_kappa.clone(), MOST_KAPPA);
    let run = props.on_run.reform(|_| ());
    html! {
        <div class="attack">
            <label data-control="method">{"Method "}
                <select data-testid="attack-method" onchange={on_method}>
                    { for MethodName::ALL.map(|m| html! {
                        <option value={m.as_str()} selected={props.method == m}>{title(m)}</option>
                    }) }
                </select>
            </label>
            <label data-control="target">{"Target "}
                <TargetSelect target={props.target} testid="attack-target" on_target={props.on_target.clone()} />
            </label>
            if props.method.takes_epsilon() {
                <label data-control="eps">{"ε "}<input type="number" data-testid="attack-epsilon" min="0" max="1" step="0.01" value={props.epsilon.to_string()} onchange={on_epsilon} /></label>
            }
            if props.method == MethodName::Cw {
                <label data-control="kappa">{"κ "}<input type="number" data-testid="attack-kappa" min="0" max={MOST_KAPPA.to_string()} step="0.5" value={props.kappa.to_string()} onchange={on_kappa} /></label>
            }
            <button data-testid="attack-run" onclick={run} disabled={!props.can_run || props.busy.is_some()}>{"Find adversarial example"}</button>
            <button data-testid="attack-stop" disabled={props.busy.is_none()} onclick={props.on_stop.reform(|_| ())}>{"Stop"}</button>
            if let Some(b) = &props.busy { <span class="busy" data-testid="attack-status">{b.clone()}</span> }
            <p class="method-line" data-testid="attack-method-line">{minimises(props.method)}</p>
        </div>
    }
}

/// A number input's callback: its value clamped to [0, `most`] (text that is not a number is
/// ignored).
fn number(cb: Callback<f32>, most: f32) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let text = e.target_unchecked_into::<HtmlInputElement>().value();
        if let Ok(v) = text.parse::<f32>().map(|v| v.clamp(0.0, most))
            && v.is_finite()
        {
            cb.emit(v);
        }
    })
}
