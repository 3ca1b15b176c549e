//! The page: input on the left (draw, upload, gallery), what the model says, and the attack.

use crate::clock::now;
use crate::components::{
    AttackPanel, DigitCanvas, DrawCanvas, Gallery, Probabilities, ReproducePanel, ResultView,
    StabilityPanel, TransferPanel, UnitsPanel, Upload,
};
use crate::lab::{Backend, Lab, LabRef, describe, gallery_digits};
use crate::pacing::next_frame;
use crate::pixels::digit_rgba;
use crate::protocol::{AttackJob, Method};
use crate::state::{Action, AttackView, State};
use blindspot_core::attack::{Goal, LbfgsProgress};
use blindspot_core::data::Digits;
use blindspot_core::rng::Rng;
use blindspot_core::zoo::ZOO;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// A callback that turns its value into an action.
fn send<T: 'static>(
    dispatch: &UseReducerDispatcher<State>,
    action: impl Fn(T) -> Action + 'static,
) -> Callback<T> {
    let dispatch = dispatch.clone();
    Callback::from(move |v| dispatch.dispatch(action(v)))
}

/// Tells the page when the WebGPU device was lost during the last job (it ran on the CPU).
fn report_loss(lab: &Lab, dispatch: &UseReducerDispatcher<State>) {
    if let Some(why) = lab.take_lost() {
        dispatch.dispatch(Action::GpuLost(why));
    }
}

fn argmax(p: &[f32]) -> u8 {
    (0..p.len())
        .max_by(|&a, &b| p[a].total_cmp(&p[b]))
        .unwrap_or(0) as u8
}

#[function_component]
pub fn App() -> Html {
    let lab = use_memo((), |_| Lab::default());
    let state = use_reducer(State::default);
    let digits = use_state(|| None::<Rc<Digits>>);
    let stop = use_mut_ref(|| false);

    {
        let (digits, state) = (digits.clone(), state.dispatcher());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match gallery_digits().await {
                    Ok(d) => digits.set(Some(Rc::new(d))),
                    Err(e) => {
                        state.dispatch(Action::Error(Some(format!("cannot load the gallery: {e}"))))
                    }
                }
            });
        });
    }
    {
        let (lab, dispatch) = (lab.clone(), state.dispatcher());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let devices = lab.start().await;
                dispatch.dispatch(Action::Devices(devices));
            });
        });
    }
    // Classify whenever the input, the model or the backend changes.
    {
        let (lab, dispatch) = (lab.clone(), state.dispatcher());
        use_effect_with(
            (state.model.clone(), state.input.clone(), state.backend),
            move |(model, input, _)| {
                if let Some(input) = input.clone() {
                    let model = model.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let started = now();
                        let result = lab.classify(&model, &input).await;
                        report_loss(&lab, &dispatch);
                        match result {
                            Ok(p) => dispatch.dispatch(Action::Probabilities(p, now() - started)),
                            Err(e) => dispatch.dispatch(Action::Error(Some(e))),
                        }
                    });
                }
            },
        );
    }

    let on_input = {
        let dispatch = state.dispatcher();
        Callback::from(move |x: Option<Vec<f32>>| {
            dispatch.dispatch(x.map_or(Action::Clear, Action::Input))
        })
    };
    let on_upload = {
        let dispatch = state.dispatcher();
        Callback::from(move |r: Result<Vec<f32>, String>| match r {
            Ok(x) => dispatch.dispatch(Action::Input(x)),
            Err(e) => dispatch.dispatch(Action::Error(Some(e))),
        })
    };
    let on_pick = {
        let (dispatch, digits) = (state.dispatcher(), digits.clone());
        Callback::from(move |i: usize| {
            if let Some(d) = digits.as_ref() {
                dispatch.dispatch(Action::Input(d.pixels(i)));
            }
        })
    };
    let on_model = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: Event| {
            dispatch.dispatch(Action::Model(
                e.target_unchecked_into::<HtmlSelectElement>().value(),
            ))
        })
    };
    let on_run = {
        let (lab, state, stop) = (lab.clone(), state.clone(), stop.clone());
        Callback::from(move |_| {
            let (Some(input), Some(probs)) = (state.input.clone(), state.probabilities.clone())
            else {
                return;
            };
            let (lab, dispatch) = (lab.clone(), state.dispatcher());
            let (model, target, method_name, epsilon) = (
                state.model.clone(),
                state.target,
                state.method.clone(),
                state.epsilon,
            );
            let label = argmax(&probs);
            let method = match method_name.as_str() {
                "fgsm" => Method::Fgsm { epsilon },
                "pgd" => Method::Pgd { epsilon, steps: 40 },
                _ => Method::Lbfgs,
            };
            let goal = target.map_or(Goal::Untargeted, Goal::Target);
            dispatch.dispatch(Action::Busy(Some(format!(
                "running {method_name} on {model}…"
            ))));
            *stop.borrow_mut() = false;
            let stop = stop.clone();
            wasm_bindgen_futures::spawn_local(async move {
                next_frame().await;
                let started = now();
                let progress_dispatch = dispatch.clone();
                let status = move |p: &LbfgsProgress| {
                    progress_dispatch.dispatch(Action::Busy(Some(describe(p))));
                };
                let job = AttackJob {
                    model: &model,
                    pixels: &input,
                    label,
                    goal,
                    method,
                };
                let outcome = lab.attack(job, stop, status).await;
                let milliseconds = now() - started;
                let probabilities = match outcome.as_ref() {
                    Ok(o) => lab.classify(&model, &o.adversarial).await,
                    Err(e) => Err(e.clone()),
                };
                report_loss(&lab, &dispatch);
                let (o, probabilities) = match (outcome, probabilities) {
                    (Ok(o), Ok(p)) => (o, p),
                    (Err(e), _) | (_, Err(e)) => return dispatch.dispatch(Action::Error(Some(e))),
                };
                dispatch.dispatch(Action::Result(AttackView {
                    label: argmax(&probabilities),
                    probabilities,
                    adversarial: o.adversarial,
                    target: o.target,
                    success: o.success,
                    distortion: o.distortion,
                    milliseconds,
                    noise: None,
                }));
            });
        })
    };
    let on_noise = {
        let (lab, state) = (lab.clone(), state.clone());
        Callback::from(move |_| {
            let (Some(input), Some(result)) = (state.input.clone(), state.result.clone()) else {
                return;
            };
            let (lab, dispatch, model) = (lab.clone(), state.dispatcher(), state.model.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut rng = Rng::new(js_sys::Date::now() as u64);
                let sigma = result.distortion.rms;
                let noisy: Vec<f32> = input
                    .iter()
                    .map(|v| (v + sigma * rng.gaussian() as f32).clamp(0.0, 1.0))
                    .collect();
                let result = lab.classify(&model, &noisy).await;
                report_loss(&lab, &dispatch);
                let Ok(p) = result else {
                    return;
                };
                let label = argmax(&p);
                dispatch.dispatch(Action::Noise(noisy, label, p[label as usize]));
            });
        })
    };
    let on_backend = {
        let (lab, dispatch) = (lab.clone(), state.dispatcher());
        Callback::from(move |e: Event| {
            let wanted = match e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .as_str()
            {
                "webgpu" => Backend::WebGpu,
                _ => Backend::Cpu,
            };
            dispatch.dispatch(Action::Backend(lab.set_backend(wanted)));
        })
    };
    let on_stop = {
        let (stop, lab) = (stop.clone(), lab.clone());
        Callback::from(move |_| {
            *stop.borrow_mut() = true;
            lab.stop();
        })
    };
    let gpu_available = state.devices.as_ref().is_some_and(|d| d.adapter.is_ok());
    let adapter = match &state.devices {
        None => "looking for WebGPU…".to_string(),
        Some(d) => match &d.adapter {
            Ok(name) => format!("WebGPU adapter: {name}"),
            Err(why) => format!("no WebGPU ({why})"),
        },
    };
    let devices_title = state.devices.as_ref().map(|d| {
        format!(
            "start-up probe: CPU {:.1} ms, WebGPU {}; the faster is chosen",
            d.cpu_ms,
            d.gpu_ms.map_or("–".into(), |g| format!("{g:.1} ms"))
        )
    });
    let dispatch = state.dispatcher();
    let prediction = state.probabilities.as_ref().map(|p| argmax(p));
    html! {
        <main>
            <header>
                <span class="badge" title={devices_title.clone()}>{"Backend: "}<b data-testid="backend">{state.backend.label()}</b>
                    {format!(" — {adapter}")}</span>
                <label>{"Switch "}
                    <select data-testid="backend-select" onchange={on_backend}>
                        <option value="cpu" selected={state.backend == Backend::Cpu}>{"CPU (Burn Flex, WebAssembly)"}</option>
                        if gpu_available {
                            <option value="webgpu" selected={state.backend == Backend::WebGpu}>{"WebGPU"}</option>
                        }
                    </select>
                </label>
                <label>{"Model "}
                    <select data-testid="model-select" onchange={on_model}>
                        { for ZOO.iter().map(|s| html! { <option value={s.name} selected={s.name == state.model}>{s.name}</option> }) }
                    </select>
                </label>
            </header>
            if let Some(n) = &state.notice {
                <p data-testid="notice" class="notice" role="status">{n.clone()}
                    <button onclick={send(&dispatch, |_: MouseEvent| Action::Notice(None))}>{"×"}</button></p>
            }
            if let Some(e) = &state.error {
                <p data-testid="error" class="error" role="alert">{e.clone()}
                    <button onclick={send(&dispatch, |_: MouseEvent| Action::Error(None))}>{"×"}</button></p>
            }
            <section class="input">
                <DrawCanvas {on_input} />
                <div>
                    <p>{"What the model sees (28×28):"}</p>
                    <DigitCanvas rgba={digit_rgba(state.input.as_deref().unwrap_or(&[0.0; 784]))} class="big" testid="model-input" />
                    <p data-testid="prediction" data-label={prediction.map(|l| l.to_string())}
                        data-ms={state.inference_ms.map(|ms| format!("{ms:.3}"))}>
                        { prediction.map_or("Draw, upload or pick a digit.".to_string(), |l| format!("{} says: {l}", state.model)) }
                    </p>
                    <Probabilities probabilities={state.probabilities.clone()} />
                </div>
            </section>
            <Upload on_image={on_upload} />
            <Gallery digits={(*digits).clone()} {on_pick} />
            <AttackPanel method={state.method.clone()} target={state.target} epsilon={state.epsilon}
                busy={state.busy.clone().map(AttrValue::from)} can_run={state.probabilities.is_some()}
                on_method={send(&dispatch, Action::Method)} on_target={send(&dispatch, Action::Target)}
                on_epsilon={send(&dispatch, Action::Epsilon)} {on_run} {on_stop} />
            if let (Some(input), Some(result)) = (state.input.clone(), state.result.clone()) {
                <ResultView original={input.clone()} original_label={prediction} result={result.clone()} gain={state.gain}
                    on_gain={send(&dispatch, Action::Gain)} {on_noise} />
                <TransferPanel lab={LabRef(lab.clone())} original={input} adversarial={result.adversarial}
                    rms={result.distortion.rms} label={prediction} />
            }
            <ReproducePanel lab={LabRef(lab.clone())} digits={(*digits).clone()} model={state.model.clone()} />
            <UnitsPanel lab={LabRef(lab.clone())} digits={(*digits).clone()} />
            <StabilityPanel lab={LabRef(lab.clone())} model={state.model.clone()} />
        </main>
    }
}
