//! By hand: the student changes the digit themselves, a cell at a time, and watches the model's
//! probabilities and the change's four norms; once the model reads the target, their change
//! stands beside the smallest one the paper's L-BFGS finds for the same digit, model and target.
use super::{DigitCanvas, HandCanvas, Probabilities, TargetSelect};
use crate::compute::lab::{LabRef, Run};
use crate::ui::colour::perturbation_rgba;
use crate::ui::hand::Dab;
use crate::ui::link::goal;
use blindspot_core::attack::{Distortion, MethodName, Settings};
use blindspot_core::eval::argmax;
use blindspot_core::work::{AttackJob, Attacked};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
    /// The digit the student starts from.
    pub input: Option<Vec<f32>>,
    /// The label the model gives it.
    pub label: Option<u8>,
    /// What the model reads now: the input with the student's change.
    pub by_hand: Option<Vec<f32>>,
    pub model: String,
    /// `None`: any other label will do.
    pub target: Option<u8>,
    pub gain: f32,
    pub can_undo: bool,
    pub on_target: Callback<Option<u8>>,
    pub on_dab: Callback<Dab>,
    pub on_stroke: Callback<bool>,
    pub on_undo: Callback<()>,
    pub on_reset: Callback<()>,
}

/// What L-BFGS is asked: the digit, the model and the target it was found for.
type Task = (Vec<f32>, String, Option<u8>);

/// The model's probabilities for these pixels.
#[derive(Clone, PartialEq)]
struct Read {
    model: String,
    pixels: Vec<f32>,
    probabilities: Vec<f32>,
}

#[function_component]
pub fn HandPanel(props: &Props) -> Html {
    let add = use_state(|| true);
    let read = use_state(|| None::<Read>);
    let asked = use_mut_ref(|| None::<(String, Vec<f32>)>);
    let smallest = use_state(|| None::<(Task, Result<Attacked, String>)>);
    let running = use_mut_ref(|| None::<Task>);
    // The model reads every change (on the page's CPU engine, a millisecond, or the GPU worker);
    // an answer for an earlier change is dropped.
    {
        let (lab, read, asked) = (props.lab.clone(), read.clone(), asked.clone());
        let changed = (props.model.clone(), props.by_hand.clone());
        use_effect_with(changed, move |(model, pixels)| {
            if let Some(pixels) = pixels.clone() {
                let model = model.clone();
                *asked.borrow_mut() = Some((model.clone(), pixels.clone()));
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(probabilities) = lab.0.classify(&model, &pixels).await {
                        let now = Some((model.clone(), pixels.clone()));
                        if *asked.borrow() == now {
                            read.set(Some(Read {
                                model,
                                pixels,
                                probabilities,
                            }));
                        }
                    }
                });
            }
        });
    }
    let current = (read.as_ref())
        .filter(|r| Some(&r.pixels) == props.by_hand.as_ref() && r.model == props.model);
    let now = current.map(|r| argmax(&r.probabilities));
    let reached = match (now, props.label) {
        (Some(now), Some(label)) => {
            props.input != props.by_hand && goal(props.target).reached(label.into(), now.into())
        }
        _ => false,
    };
    let task: Option<Task> = (props.input.clone()).map(|x| (x, props.model.clone(), props.target));
    // Once reached, L-BFGS looks for the smallest change to the same end (once per task).
    {
        let (lab, smallest, running, label) = (
            props.lab.clone(),
            smallest.clone(),
            running.clone(),
            props.label,
        );
        use_effect_with((reached, task.clone()), move |(reached, task)| {
            let (Some(task), Some(label)) = (task.clone(), label) else {
                return;
            };
            let known = smallest.as_ref().is_some_and(|(t, _)| *t == task);
            if !*reached || known || running.borrow().as_ref() == Some(&task) {
                return;
            }
            *running.borrow_mut() = Some(task.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let (pixels, model, target) = task.clone();
                let job = AttackJob {
                    model,
                    pixels,
                    label,
                    goal: goal(target),
                    method: MethodName::Lbfgs.with(&Settings::default()),
                };
                let found = lab.0.attack(job, Run::Hand, |_| {}).await;
                if running.borrow().as_ref() == Some(&task) {
                    *running.borrow_mut() = None;
                }
                smallest.set(Some((task, found.map_err(|e| e.to_string()))));
            });
        });
    }
    let original = props.input.clone().unwrap_or_else(|| vec![0.0; 784]);
    let changed = props.by_hand.clone().unwrap_or_else(|| original.clone());
    let mine = Distortion::between(&original, &changed);
    let brush = |adds: bool, name: &'static str, testid: &'static str| {
        let add = add.clone();
        html! {
            <label><input type="radio" name="hand-brush" data-testid={testid} checked={*add == adds}
                onchange={Callback::from(move |_| add.set(adds))} />{name}</label>
        }
    };
    let status = match (now, props.label) {
        _ if props.input.is_none() => "Pick, draw or upload a digit first.".to_string(),
        (Some(now), Some(label)) if reached => {
            format!("The model now reads {now} (it read {label}): you fooled it.")
        }
        (Some(now), Some(label)) => format!(
            "The model reads {now} (it read {label}); {}.",
            props
                .target
                .map_or("make it read any other digit".into(), |t| format!(
                    "make it read {t}"
                ))
        ),
        _ => "The model is reading your change…".to_string(),
    };
    let found = (smallest.as_ref())
        .filter(|(t, _)| Some(t) == task.as_ref())
        .map(|(_, f)| f.clone());
    html! {
        <section class="panel" data-testid="hand-panel">
            <h2>{"Fool it by hand"}</h2>
            <p class="intro">{"Change the digit yourself until the model reads the target: paint on it (each pass over a pixel adds or removes an eighth of full ink), or use the keyboard (arrows move the cursor, + adds ink, − removes it). Then compare your change with the smallest one the paper's L-BFGS finds."}</p>
            <div class="row">
                <label>{"Target "}
                    <TargetSelect target={props.target} testid="hand-target" on_target={props.on_target.clone()} />
                </label>
                <fieldset class="brush"><legend>{"Brush"}</legend>
                    {brush(true, "add ink", "hand-add")}{brush(false, "remove ink", "hand-remove")}
                </fieldset>
                <button data-testid="hand-undo" disabled={!props.can_undo} onclick={props.on_undo.reform(|_| ())}>{"Undo"}</button>
                <button data-testid="hand-reset" disabled={props.input == props.by_hand} onclick={props.on_reset.reform(|_| ())}>{"Reset"}</button>
            </div>
            <div class="hand-work">
                <HandCanvas pixels={changed.clone()} add={*add} on_dab={props.on_dab.clone()} on_stroke={props.on_stroke.clone()} />
                <div>
                    <p>{"Your change ×"}{props.gain}{":"}</p>
                    <DigitCanvas rgba={perturbation_rgba(&original, &changed, props.gain)} class="big"
                        label="your change, amplified: orange where you added ink, blue where you removed it" />
                    <Probabilities probabilities={current.map(|r| r.probabilities.clone())} prefix="hand-prob-"
                        label="The model's probability for each digit, on your change" />
                </div>
            </div>
            <p class="norms">
                {"RMS "}<output data-testid="hand-rms" data-value={mine.rms.to_string()}>{format!("{:.4}", mine.rms)}</output>
                {" · L2 "}<output data-testid="hand-l2" data-value={mine.l2.to_string()}>{format!("{:.3}", mine.l2)}</output>
                {" · L0 "}<output data-testid="hand-l0" data-value={mine.changed.to_string()}>{format!("{} pixels", mine.changed)}</output>
                {" · L∞ "}<output data-testid="hand-linf" data-value={mine.linf.to_string()}>{format!("{:.3}", mine.linf)}</output>
            </p>
            <p data-testid="hand-reached" data-value={reached.to_string()} aria-live="polite"
                class={classes!(reached.then_some("reached"))}>{status}</p>
            if reached {
                {comparison(&original, &changed, mine, found, props.gain)}
            }
        </section>
    }
}

/// The student's change beside L-BFGS's (`None`: still looking).
fn comparison(
    original: &[f32],
    changed: &[f32],
    mine: Distortion,
    found: Option<Result<Attacked, String>>,
    gain: f32,
) -> Html {
    let yours = format!("Yours: RMS {:.3}, {} pixels", mine.rms, mine.changed);
    let attacked = found.as_ref().and_then(|f| f.as_ref().ok());
    let text = match &found {
        None => format!("{yours}; L-BFGS is looking for the smallest change…"),
        Some(Err(e)) => format!("{yours}; L-BFGS failed: {e}"),
        Some(Ok(a)) if !a.outcome.success => {
            format!("{yours}; L-BFGS did not reach it within its budget.")
        }
        Some(Ok(a)) => {
            let d = a.outcome.distortion;
            let verdict = if d.rms < mine.rms {
                format!(
                    "its change is {:.1}× smaller than yours",
                    mine.rms / d.rms.max(1e-6)
                )
            } else {
                "yours is as small as the algorithm's".to_string()
            };
            format!(
                "{yours}; L-BFGS: RMS {:.3}, {} pixels: {verdict}.",
                d.rms, d.changed
            )
        }
    };
    html! {
        <div class="hand-compare" data-testid="hand-compare"
            data-lbfgs-rms={attacked.map(|a| a.outcome.distortion.rms.to_string())}
            data-lbfgs-reached={attacked.map(|a| a.outcome.success.to_string())}>
            <p aria-live="polite">{text}</p>
            <div class="row">
                <figure>
                    <DigitCanvas rgba={perturbation_rgba(original, changed, gain)} class="big" label="your change, amplified" />
                    <figcaption>{format!("yours ×{gain}")}</figcaption>
                </figure>
                if let Some(a) = attacked {
                    <figure>
                        <DigitCanvas rgba={perturbation_rgba(original, &a.outcome.adversarial, gain)} class="big"
                            label="L-BFGS's change, amplified as yours" />
                        <figcaption>{format!("L-BFGS ×{gain}")}</figcaption>
                    </figure>
                }
            </div>
        </div>
    }
}
