//! A challenge, as a student meets it: the task at the top, every attempt checked here (the
//! task's own model reads the candidate: the by-hand change, or an attack's result), the
//! completion code once solved and the solution's link to hand in; opened from a shared
//! solution, whether its claimed code is this solution's.
use crate::compute::lab::LabRef;
use crate::ui::challenge::{Means, Task};
use crate::ui::control::fragment;
use blindspot_core::data::Digits;
use blindspot_core::eval::argmax;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
    pub digits: Option<Rc<Digits>>,
    pub task: Task,
    /// What the student offers: the input as they changed it.
    pub candidate: Option<Vec<f32>>,
    /// The code a shared solution's link claimed.
    pub claimed: Option<String>,
}

/// What the check found for a candidate: its code, or what it misses.
type Verdict = Result<String, String>;

/// The page's address with `code` as the solution's claim (any earlier claim dropped).
fn solution_link(code: &str) -> String {
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = here.split('#').next().unwrap_or_default();
    let keys: Vec<String> = (fragment().trim_start_matches('#').split('&'))
        .filter(|k| !k.is_empty() && !k.starts_with("code="))
        .map(String::from)
        .collect();
    format!("{base}#{}&code={code}", keys.join("&"))
}

#[function_component]
pub fn ChallengePanel(props: &Props) -> Html {
    // The verdict and the candidate it is for (an older candidate's answer is dropped).
    let verdict = use_state(|| None::<(Vec<f32>, Verdict)>);
    let shared = use_state(|| None::<String>);
    {
        let (verdict, lab, digits, task) = (
            verdict.clone(),
            props.lab.clone(),
            props.digits.clone(),
            props.task.clone(),
        );
        let candidate = props.candidate.clone();
        use_effect_with((candidate, digits.is_some()), move |(candidate, _)| {
            let (Some(candidate), Some(digits)) = (candidate.clone(), digits) else {
                return;
            };
            let original = digits.pixels(task.digit);
            wasm_bindgen_futures::spawn_local(async move {
                let read = lab.0.classify(&task.model, &candidate).await;
                let found = read.map_err(|e| e.to_string()).and_then(|p| {
                    let label = argmax(&p);
                    (task.check(&original, &candidate, label)).map(|()| task.code(&candidate))
                });
                verdict.set(Some((candidate, found)));
            });
        });
    }
    let now = (verdict.as_ref())
        .filter(|(c, _)| Some(c) == props.candidate.as_ref())
        .map(|(_, v)| v.clone());
    let status = match &now {
        Some(Ok(_)) => "solved",
        _ => "open",
    };
    let share = {
        let shared = shared.clone();
        let code = now.clone().and_then(Result::ok);
        Callback::from(move |_| {
            let Some(code) = &code else {
                return;
            };
            let link = solution_link(code);
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
            }
            shared.set(Some(link));
        })
    };
    let claim = match (&props.claimed, &now) {
        (Some(claimed), Some(Ok(code))) if claimed == code => Some((
            "match",
            format!("The code this link claims, {claimed}, is this solution's."),
        )),
        (Some(claimed), Some(Ok(code))) => Some((
            "mismatch",
            format!(
                "The code this link claims, {claimed}, is not this solution's: it earns {code}."
            ),
        )),
        (Some(claimed), Some(Err(why))) => Some((
            "refused",
            format!("This link's solution (claiming {claimed}) does not solve the task: {why}."),
        )),
        _ => None,
    };
    html! {
        <section class="panel challenge" data-testid="challenge-panel">
            <h2>{"Challenge"}</h2>
            <p data-testid="challenge-task" class="lead">{props.task.sentence()}</p>
            <p data-testid="challenge-status" data-value={status} aria-live="polite">
                { match &now {
                    Some(Ok(_)) => "Solved: the model reads the target within the budget.".to_string(),
                    Some(Err(why)) if props.task.means == Means::Any => format!("Not yet: {why}. (An attack's result counts as it is rounded to 8-bit levels, as a link carries it; one that ends right at the boundary can fall back: C&W with a confidence κ of 1 or more keeps a margin, or paint a little more.)"),
                    Some(Err(why)) => format!("Not yet: {why}."),
                    None => "Checking…".to_string(),
                } }
            </p>
            if let Some(Ok(code)) = &now {
                <p>{"Your completion code: "}<strong data-testid="challenge-code" data-value={code.clone()}>{code.clone()}</strong></p>
                <button data-testid="challenge-share" onclick={share}>{"Share solution"}</button>
                if let Some(link) = &*shared {
                    <textarea data-testid="challenge-link" readonly=true rows="2" aria-label="The solution's link, to hand in"
                        value={link.clone()} />
                }
            }
            if let Some((value, text)) = claim {
                <p data-testid="challenge-claim" data-value={value}
                    class={classes!((value != "match").then_some("error"))} role="status">{text}</p>
            }
        </section>
    }
}
