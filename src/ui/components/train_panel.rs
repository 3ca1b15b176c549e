//! Train: a student trains a network in the page (the architecture, a defence and its ε,
//! epochs, digits, seed), on the CPU workers, and watches its loss, clean accuracy, accuracy
//! under PGD-20 and the paper's measure grow epoch by epoch beside the plain zoo model's. The
//! panel is only a button until it is opened (an embed of it opens at once).

use super::train_chart::{TrainChart, thinned};
use crate::compute::lab::LabRef;
use crate::ui::control::use_training;
use crate::ui::train_state::{EditCourse, Phase, TrainState};
use blindspot_core::train::course::{Base, Course, EPSILONS, Guard, MOST_EPOCHS};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
    /// Open from the start (`#embed=train`).
    #[prop_or(false)]
    pub open: bool,
    /// A model was kept as one of yours (the menus list them again).
    pub on_kept: Callback<()>,
}

/// Digits an epoch can visit: all of MNIST's training set, or its first tenth or sixtieth for
/// a run in class that ends in a minute.
const DIGITS: [usize; 3] = [60_000, 6_000, 1_000];

#[function_component]
pub fn TrainPanel(props: &Props) -> Html {
    let open = use_state(|| false);
    let on_open = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(true))
    };
    html! {
        <section class="panel train" data-testid="train-panel">
            <h2>{"Train your own, and defend it"}</h2>
            <p class="intro">{"Can a network be trained not to fall for adversarial examples? The paper (Section 4.2) trained on a pool of them; Goodfellow et al. (2015) and Madry et al. (2018) replaced every training batch by adversarial examples of itself, found against the network as it is at that step. Train the convnet or the paper's FC100-100-10 here, on MNIST's training digits, with or without such a defence, and watch after every epoch how accurate it is, how accurate under a PGD attack within ε, and how large the paper's smallest L-BFGS change has to be, beside the plain zoo model. Defences within ε per pixel (L∞) barely move that smallest change; \"PGD-7 in L2\" attacks within an RMS change of ε, the paper's own measure, and moves it most. The work is shared by the CPU workers, or done on the WebGPU worker where WebGPU is the chosen backend."}</p>
            if *open || props.open {
                <TrainBody lab={props.lab.clone()} on_kept={props.on_kept.clone()} />
            } else {
                <button data-testid="train-open" onclick={on_open}>{"Open the Train panel"}</button>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BodyProps {
    lab: LabRef,
    on_kept: Callback<()>,
}

/// A form control's value.
fn value_of(e: &Event) -> String {
    let target = e.target();
    if let Some(s) = target
        .clone()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
    {
        return s.value();
    }
    target
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map_or_else(String::new, |i| i.value())
}

#[function_component]
fn TrainBody(props: &BodyProps) -> Html {
    let (state, callbacks) = use_training(props.lab.0.clone(), props.on_kept.clone());
    let course = state.course;
    let change = |edit: EditCourse| {
        let on_course = callbacks.on_course.clone();
        Callback::from(move |e: Event| on_course.emit((edit, value_of(&e))))
    };
    let running = state.phase == Phase::Running;
    let start_text = match state.phase {
        Phase::Stopped => "Resume",
        Phase::Finished => "Train again",
        _ => "Start",
    };
    let on_start = callbacks.on_start.reform(|_: MouseEvent| ());
    let on_stop = callbacks.on_stop.reform(|_: MouseEvent| ());
    let fraction = state.step as f64 / state.steps.max(1) as f64;
    html! {
        <div class="train-body">
            <div class="train-form">
                <label>{"Network "}
                    <select data-testid="train-arch" disabled={running} onchange={change(|c, v| Course { base: Base::parse(v).unwrap_or(c.base), ..c })}>
                        { for Base::ALL.iter().map(|b| html! { <option value={b.twin()} selected={*b == course.base}>{b.twin()}</option> }) }
                    </select></label>
                <label>{"Defence "}
                    <select data-testid="train-defence" disabled={running} onchange={change(|c, v| Course { guard: Guard::parse(v).unwrap_or(c.guard), ..c })}>
                        { for Guard::ALL.iter().map(|g| html! { <option value={g.as_str()} selected={*g == course.guard}>{g.title()}</option> }) }
                    </select></label>
                <label>{"ε "}
                    <input type="number" data-testid="train-epsilon" disabled={running} min={EPSILONS.start().to_string()} max={EPSILONS.end().to_string()} step="0.01"
                        value={course.epsilon.to_string()}
                        onchange={change(|c, v| Course { epsilon: v.parse().unwrap_or(f32::NAN), ..c })} /></label>
                <label>{"Epochs "}
                    <input type="number" data-testid="train-epochs" disabled={running} min="1" max={MOST_EPOCHS.to_string()} step="1"
                        value={course.epochs.to_string()}
                        onchange={change(|c, v| Course { epochs: v.parse().unwrap_or(0), ..c })} /></label>
                <label>{"Digits per epoch "}
                    <select data-testid="train-digits" disabled={running} onchange={change(|c, v| Course { digits: v.parse().ok().filter(|d| DIGITS.contains(d)).unwrap_or(c.digits), ..c })}>
                        { for DIGITS.iter().map(|d| html! { <option value={d.to_string()} selected={*d == course.digits}>{thousands(*d)}</option> }) }
                    </select></label>
                <label>{"Seed "}
                    <input type="number" data-testid="train-seed" disabled={running} min="0" step="1" value={course.seed.to_string()}
                        onchange={change(|c, v| Course { seed: v.parse().unwrap_or(c.seed), ..c })} /></label>
                <button data-testid="train-start" disabled={running} onclick={on_start}>{start_text}</button>
                <button data-testid="train-stop" disabled={!running} onclick={on_stop}>{"Stop"}</button>
            </div>
            <p data-testid="train-progress" aria-live="polite" data-step={state.step.to_string()} data-steps={state.steps.to_string()}
                data-phase={format!("{:?}", state.phase).to_lowercase()} data-ms-per-step={state.ms_per_step.map(|m| format!("{m:.1}"))}>
                <progress max="1" value={fraction.to_string()} />
                {" "}{state.progress()}
            </p>
            if let Some(e) = &state.error {
                <p class="error" role="alert" data-testid="train-error">{e.clone()}</p>
            }
            <Latest state={(*state).clone()} />
            <Keeping state={(*state).clone()} on_download={callbacks.on_download.clone()} on_upload={callbacks.on_upload.clone()} />
            <Charts state={(*state).clone()} />
        </div>
    }
}

/// 60000 as "60,000".
fn thousands(n: usize) -> String {
    match n {
        n if n >= 1000 => format!("{},{:03}", n / 1000, n % 1000),
        n => n.to_string(),
    }
}

#[derive(Properties, PartialEq)]
struct StateProps {
    state: TrainState,
}

/// The latest epoch's measures as numbers (each with its value as data for tests and scripts).
#[function_component]
fn Latest(props: &StateProps) -> Html {
    let latest = props.state.latest();
    let reference = props.state.reference;
    let item = |id: &'static str,
                name: &'static str,
                value: Option<f64>,
                plain: Option<f64>,
                pct: bool| {
        let text = |v: f64| {
            if pct {
                format!("{:.1}%", 100.0 * v)
            } else {
                format!("{v:.3}")
            }
        };
        html! {
            <li data-testid={id} data-value={value.map(|v| v.to_string())}>
                {name}{": "}<strong>{value.map_or("–".into(), text)}</strong>
                { plain.map_or(String::new(), |p| format!(" (plain: {})", text(p))) }
            </li>
        }
    };
    let eps = props.state.course.epsilon;
    html! {
        <ul class="train-latest">
            {item("train-clean", "clean accuracy (1,000 gallery digits)", latest.map(|c| c.clean_accuracy), reference.map(|c| c.clean_accuracy), true)}
            {item("train-robust", if eps == 0.1 { "accuracy under PGD-20, ε 0.1 (200 digits)" } else { "accuracy under PGD-20 at ε (200 digits)" },
                latest.map(|c| c.robust_accuracy), reference.map(|c| c.robust_accuracy), true)}
            {item("train-rms", "mean smallest L-BFGS change, RMS (20 digits)", latest.map(|c| c.lbfgs_rms), reference.map(|c| c.lbfgs_rms), false)}
        </ul>
    }
}

/// The four live charts.
#[function_component]
fn Charts(props: &StateProps) -> Html {
    let s = &props.state;
    let (loss, per) = thinned(&s.losses, 120);
    let of = |f: fn(&blindspot_core::train::checkup::Checkup) -> f64| {
        s.checkups.iter().map(f).collect::<Vec<_>>()
    };
    html! {
        <div class="train-charts" data-testid="train-chart">
            <TrainChart title="training loss" x="batch" values={loss} every={per as f64} testid="train-chart-loss" />
            <TrainChart title="clean accuracy" x="epoch" values={of(|c| c.clean_accuracy)} reference={s.reference.map(|c| c.clean_accuracy)}
                range={Some((0.0, 1.0))} testid="train-chart-clean" />
            <TrainChart title="accuracy under PGD-20" x="epoch" values={of(|c| c.robust_accuracy)} reference={s.reference.map(|c| c.robust_accuracy)}
                range={Some((0.0, 1.0))} testid="train-chart-robust" />
            <TrainChart title="L-BFGS change, RMS" x="epoch" values={of(|c| c.lbfgs_rms)} reference={s.reference.map(|c| c.lbfgs_rms)}
                testid="train-chart-rms" />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct KeepingProps {
    state: TrainState,
    on_download: Callback<()>,
    on_upload: Callback<Vec<web_sys::File>>,
}

/// Where the run's model is kept, its download, and an upload of a model of yours.
#[function_component]
fn Keeping(props: &KeepingProps) -> Html {
    let on_download = props.on_download.reform(|_: MouseEvent| ());
    let on_upload = props.on_upload.reform(|e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let files = input.files().map_or_else(Vec::new, |list| {
            (0..list.length()).filter_map(|i| list.get(i)).collect()
        });
        input.set_value("");
        files
    });
    html! {
        <div class="train-keep">
            if let Some(name) = &props.state.kept {
                <p data-testid="train-kept" data-name={name.clone()}>
                    {format!("Kept in this browser as {name}, after each epoch: choose it in the model menu to attack it, test its transfer, its units or its stability. ")}
                    <button data-testid="train-download" onclick={on_download}>{"Download it (.safetensors and card)"}</button>
                </p>
            }
            <label>{"Upload a model of yours (its .safetensors and .json together): "}
                <input type="file" multiple=true accept=".json,.safetensors" data-testid="train-upload" onchange={on_upload} /></label>
            { match &props.state.said {
                Some(Ok(name)) => html! { <p role="status" data-testid="train-uploaded" data-name={name.clone()}>{format!("Kept {name}: it is in the model menu.")}</p> },
                Some(Err(why)) => html! { <p class="error" role="alert" data-testid="train-refused">{why.clone()}</p> },
                None => html! {},
            } }
        </div>
    }
}
