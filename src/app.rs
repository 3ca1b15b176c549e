//! The page: input on the left (draw, upload, gallery), what the model says, the attack, and
//! the experiment panels. It only wires components to the state and to `control`'s hooks.

use crate::colour::digit_rgba;
use crate::components::{
    AttackPanel, DigitCanvas, DrawCanvas, Gallery, Header, Probabilities, ReproducePanel,
    ResultView, Share, StabilityPanel, TransferPanel, UnitsPanel, Upload,
};
use crate::control::{
    on_backend, on_twin, use_attack, use_classify, use_devices, use_gallery, use_link,
};
use crate::lab::{Lab, LabRef};
use crate::state::{Action, State};
use blindspot_core::eval::argmax;
use yew::prelude::*;

/// A callback that turns its value into an action.
fn send<T: 'static>(
    dispatch: &UseReducerDispatcher<State>,
    action: impl Fn(T) -> Action + 'static,
) -> Callback<T> {
    let dispatch = dispatch.clone();
    Callback::from(move |v| dispatch.dispatch(action(v)))
}

#[function_component]
pub fn App() -> Html {
    let lab = use_memo((), |_| Lab::default());
    let state = use_reducer(State::default);
    let dispatch = state.dispatcher();
    let digits = use_gallery(dispatch.clone());
    use_devices(lab.clone(), dispatch.clone());
    use_classify(lab.clone(), &state);
    let (on_run, on_stop) = use_attack(lab.clone(), state.clone());
    let on_backend = on_backend(lab.clone(), dispatch.clone());
    use_link(&state, digits.clone(), on_backend.clone(), on_run.clone());
    let on_input = send(&dispatch, |x: Option<Vec<f32>>| {
        x.map_or(Action::Clear, Action::Input)
    });
    let on_upload = send(&dispatch, |r: Result<Vec<f32>, String>| match r {
        Ok(x) => Action::Input(x),
        Err(e) => Action::Error(Some(e)),
    });
    let on_pick = {
        let (dispatch, digits) = (dispatch.clone(), digits.clone());
        Callback::from(move |i: usize| {
            if let Some(d) = digits.as_ref() {
                dispatch.dispatch(Action::Digit(i, d.pixels(i)));
            }
        })
    };
    let prediction = state.probabilities.as_ref().map(|p| argmax(p));
    html! {
        <main>
            <Header backend={state.backend} devices={state.devices.clone()} model={state.model.clone()}
                {on_backend} on_model={send(&dispatch, Action::Model)} />
            <Share />
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
            <Gallery digits={digits.clone()} {on_pick} />
            <AttackPanel method={state.method} target={state.target} epsilon={state.epsilon}
                busy={state.busy.clone().map(AttrValue::from)} can_run={state.probabilities.is_some()}
                on_method={send(&dispatch, Action::Method)} on_target={send(&dispatch, Action::Target)}
                on_epsilon={send(&dispatch, Action::Epsilon)} {on_run} {on_stop} />
            if let (Some(input), Some(result)) = (state.input.clone(), state.result.clone()) {
                <ResultView original={input.clone()} original_label={prediction} result={result.clone()} gain={state.gain}
                    on_gain={send(&dispatch, Action::Gain)} on_noise={on_twin(lab.clone(), state.clone())} />
                <TransferPanel lab={LabRef(lab.clone())} original={input} adversarial={result.adversarial}
                    rms={result.distortion.rms} label={prediction} />
            }
            <ReproducePanel lab={LabRef(lab.clone())} digits={digits.clone()} model={state.model.clone()} />
            <UnitsPanel lab={LabRef(lab.clone())} digits={digits.clone()} />
            <StabilityPanel lab={LabRef(lab.clone())} model={state.model.clone()} />
        </main>
    }
}
