//! The photo attack's controls: target class, method, budget, Run and Stop.
use crate::ui::photo_state::{EPSILONS, METHODS, parse_target, target_text};
use blindspot_core::attack::MethodName;
use blindspot_core::imagenet::{CLASSES, Classes};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties)]
pub struct Props {
    pub classes: Rc<Classes>,
    pub target: Option<usize>,
    pub method: MethodName,
    pub epsilon: f32,
    pub busy: Option<AttrValue>,
    pub can_run: bool,
    pub on_target: Callback<Option<usize>>,
    pub on_method: Callback<MethodName>,
    pub on_epsilon: Callback<f32>,
    /// A target that names no class (the one set before stays).
    pub on_error: Callback<String>,
    pub on_run: Callback<()>,
    pub on_stop: Callback<()>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.classes, &other.classes)
            && (
                self.target,
                self.method,
                self.epsilon,
                &self.busy,
                self.can_run,
            ) == (
                other.target,
                other.method,
                other.epsilon,
                &other.busy,
                other.can_run,
            )
    }
}

/// The photo attack's target (a box that searches the 1,000 classes), method and budget.
#[function_component]
pub fn PhotoControls(props: &Props) -> Html {
    let on_target = {
        let (classes, ok, bad) = (
            props.classes.clone(),
            props.on_target.clone(),
            props.on_error.clone(),
        );
        Callback::from(move |e: Event| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            match parse_target(&classes, &text) {
                Ok(t) => ok.emit(t),
                Err(why) => bad.emit(format!("Target: {why}.")),
            }
        })
    };
    let on_method = props.on_method.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        MethodName::parse(&value).unwrap_or(MethodName::Pgd)
    });
    let on_epsilon = props.on_epsilon.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        value.parse::<f32>().unwrap_or(EPSILONS[EPSILONS.len() - 1])
    });
    // The list is written once per class list, not on every render.
    let options = use_memo(Rc::as_ptr(&props.classes) as usize, {
        let classes = props.classes.clone();
        move |_| {
            html! {
                <datalist id="photo-classes">
                    <option value="untargeted" />
                    { for (0..CLASSES).map(|i| html! { <option value={target_text(&classes, Some(i))} /> }) }
                </datalist>
            }
        }
    });
    html! {
        <div class="attack">
            <label>{"Target class "}
                <input data-testid="photo-target" list="photo-classes" size="24" value={target_text(&props.classes, props.target)}
                    onchange={on_target} placeholder="a class name, an index, or untargeted" />
            </label>
            {(*options).clone()}
            <label>{"Method "}
                <select data-testid="photo-method" onchange={on_method}>
                    { for METHODS.iter().map(|&m| html! {
                        <option value={m.as_str()} selected={props.method == m}>{title(m)}</option>
                    }) }
                </select>
            </label>
            if props.method.takes_epsilon() {
                <label>{"ε "}
                    <select data-testid="photo-epsilon" onchange={on_epsilon}>
                        { for EPSILONS.iter().map(|&e| html! {
                            <option value={e.to_string()} selected={props.epsilon == e}>{format!("{e}/255")}</option>
                        }) }
                    </select>
                </label>
            }
            <button data-testid="photo-run" onclick={props.on_run.reform(|_| ())} disabled={!props.can_run || props.busy.is_some()}>{"Find adversarial photo"}</button>
            <button data-testid="photo-stop" disabled={props.busy.is_none()} onclick={props.on_stop.reform(|_| ())}>{"Stop"}</button>
        </div>
    }
}

/// How the photo method list names each method (with how long it takes on a photo).
fn title(method: MethodName) -> &'static str {
    match method {
        MethodName::Lbfgs => "Box-constrained L-BFGS (paper; about 30 seconds on two cores)",
        MethodName::Pgd => "PGD, 10 steps (seconds)",
        other => crate::ui::method_text::title(other),
    }
}
