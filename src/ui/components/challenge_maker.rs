//! Make a challenge (beside Share): the page's model, gallery digit and target, a budget on one
//! norm and the means allowed, as a link that states the task and checks every attempt.
use crate::ui::challenge::{Means, Norm, Task};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub model: String,
    /// The gallery digit on the page (`None`: drawn, uploaded or none).
    pub digit: Option<usize>,
    pub target: Option<u8>,
}

#[function_component]
pub fn ChallengeMaker(props: &Props) -> Html {
    let norm = use_state(|| Norm::Rms);
    let most = use_state(|| 0.1f64);
    let means = use_state(|| Means::Hand);
    let made = use_state(|| None::<Result<String, String>>);
    let on_norm = {
        let norm = norm.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            norm.set(Norm::parse(&value).unwrap_or(Norm::Rms));
        })
    };
    let on_most = {
        let most = most.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            if value.is_finite() && value > 0.0 {
                most.set(value);
            }
        })
    };
    let on_means = {
        let means = means.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            means.set(Means::parse(&value).unwrap_or(Means::Hand));
        })
    };
    let make = {
        let (made, model, digit, target) =
            (made.clone(), props.model.clone(), props.digit, props.target);
        let (norm, most, means) = (*norm, *most, *means);
        Callback::from(move |_| {
            let (Some(digit), Some(target)) = (digit, target) else {
                made.set(Some(Err(
                    "Pick a gallery digit and a target digit first.".into()
                )));
                return;
            };
            let task = Task {
                model: model.clone(),
                digit,
                target,
                norm,
                most,
                means,
            };
            let here = web_sys::window()
                .and_then(|w| w.location().href().ok())
                .unwrap_or_default();
            let link = format!(
                "{}#challenge={}",
                here.split('#').next().unwrap_or_default(),
                task.write()
            );
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
            }
            made.set(Some(Ok(link)));
        })
    };
    html! {
        <details class="challenge-maker">
            <summary data-testid="challenge-open">{"Make a challenge"}</summary>
            <p>{"Students get this page's model, gallery digit and target, and must make the model read the target within a budget. Their page checks every attempt and gives a completion code; their solution's link shows you the same code."}</p>
            <div class="row">
                <label>{"Budget on "}
                    <select data-testid="challenge-norm" onchange={on_norm}>
                        { for Norm::ALL.map(|n| html! { <option value={n.as_str()} selected={*norm == n}>{n.title()}</option> }) }
                    </select>
                </label>
                <label>{"at most "}
                    <input data-testid="challenge-budget" type="number" min="0" step="any" value={most.to_string()} onchange={on_most} />
                </label>
                <label>{"Means "}
                    <select data-testid="challenge-means" onchange={on_means}>
                        <option value="hand" selected={*means == Means::Hand}>{"by hand only"}</option>
                        <option value="any" selected={*means == Means::Any}>{"by hand or any attack"}</option>
                    </select>
                </label>
                <button data-testid="challenge-make" onclick={make}>{"Make the link"}</button>
            </div>
            { match &*made {
                Some(Ok(link)) => html! { <textarea data-testid="challenge-made" readonly=true rows="2"
                    aria-label="The challenge's link, to give to students" value={link.clone()} /> },
                Some(Err(why)) => html! { <p class="error" role="alert">{why.clone()}</p> },
                None => html! {},
            } }
        </details>
    }
}
