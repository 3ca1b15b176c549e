//! The page: input on the left (draw, upload, gallery), what the model says, the attack, and
//! the experiment panels; or, embedded, one view alone. It only wires components to the state
//! and to `control`'s hooks.

use crate::compute::lab::{Lab, LabRef};
use crate::ui::challenge::Means;
use crate::ui::colour::digit_rgba;
use crate::ui::components::{
    AttackPanel, ChallengeMaker, ChallengePanel, ComparePanel, Contents, DigitCanvas, DrawCanvas,
    EmbedBar, Gallery, HandPanel, Header, PhotoPanel, Probabilities, QuizPanel, ReproducePanel,
    ResultView, Share, StabilityPanel, TrainPanel, TransferPanel, UnitsPanel, Upload,
};
use crate::ui::control::{
    fragment, on_backend, on_twin, use_attack, use_classify, use_devices, use_gallery, use_link,
    use_resize_reports, use_seen, use_theme, use_yours,
};
use crate::ui::link::Link;
use crate::ui::state::{Action, AttackView, State};
use crate::ui::view::View;
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
    use_devices(lab.clone(), dispatch.clone(), state.model.clone());
    use_classify(lab.clone(), &state);
    let (on_run, on_stop) = use_attack(lab.clone(), state.clone());
    let on_backend = on_backend(lab.clone(), dispatch.clone());
    use_link(&state, digits.clone(), on_backend.clone(), on_run.clone());
    let on_input = send(&dispatch, |x: Option<Vec<f32>>| {
        x.map_or(Action::Clear, Action::Input)
    });
    let on_upload = {
        let dispatch = dispatch.clone();
        Callback::from(move |file: web_sys::File| {
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                dispatch.dispatch(match crate::ui::ink::upload_input(file).await {
                    Ok(x) => Action::Input(x),
                    Err(e) => Action::Error(Some(e)),
                })
            });
        })
    };
    let on_pick = {
        let (dispatch, digits) = (dispatch.clone(), digits.clone());
        Callback::from(move |i: usize| {
            if let Some(d) = digits.as_ref() {
                dispatch.dispatch(Action::Digit(i, d.pixels(i)));
            }
        })
    };
    let on_kept = use_yours(dispatch.clone());
    use_resize_reports(state.embed.is_some());
    use_effect_with(state.view, |view| {
        if let Some(v) = view {
            scroll_to(v.anchor());
        }
    });
    use_theme(state.theme);
    let prediction = state.probabilities.as_ref().map(|p| argmax(p));
    // Which parts show: everything, one view alone (an embed), or a challenge's (by hand, and
    // the attack where the task allows it; never the input, which the task fixes).
    let alone = |views: &[View]| match &state.challenge {
        Some(task) => {
            views.contains(&View::Hand)
                || (task.means == Means::Any && views.contains(&View::Attack))
        }
        None => state.embed.is_none_or(|v| views.contains(&v)),
    };
    let attacking = alone(&[View::Attack, View::Transfer]);
    let inputting = state.challenge.is_none()
        && alone(&[View::Attack, View::Transfer, View::Compare, View::Hand]);
    let full_page = {
        let whole = Link {
            embed: None,
            hide: Vec::new(),
            ..state.link()
        };
        let here = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        format!(
            "{}#{}",
            here.split('#').next().unwrap_or_default(),
            whole.write()
        )
    };
    html! {
        <main class={classes!(state.embed.is_some().then_some("embedded"))} data-hide={state.hide.join(" ")}>
            if let Some(view) = state.embed {
                <EmbedBar {view} model={state.model.clone()} yours={state.yours.clone()} on_model={send(&dispatch, Action::Model)} full_page={full_page.clone()} />
            } else {
                <Header backend={state.backend} devices={state.devices.clone()} model={state.model.clone()} yours={state.yours.clone()}
                    {on_backend} on_model={send(&dispatch, Action::Model)}
                    theme={state.theme} on_theme={send(&dispatch, Action::Theme)} />
                <Share />
                <ChallengeMaker model={state.model.clone()} digit={state.digit} target={state.target} />
                if state.challenge.is_none() {
                    <Contents current={state.view} on_view={send(&dispatch, Action::View)} />
                }
            }
            if let Some(n) = &state.notice {
                <p data-testid="notice" class="notice" role="status">{n.clone()}
                    <button onclick={send(&dispatch, |_: MouseEvent| Action::Notice(None))}>{"×"}</button></p>
            }
            if let Some(e) = &state.error {
                <p data-testid="error" class="error" role="alert">{e.clone()}
                    <button onclick={send(&dispatch, |_: MouseEvent| Action::Error(None))}>{"×"}</button></p>
            }
            if let Some(task) = state.challenge.clone() {
                <ChallengePanel lab={LabRef(lab.clone())} digits={digits.clone()} {task}
                    candidate={state.by_hand().cloned()} claimed={state.claimed.clone()} />
            }
            if inputting {
                <span id={View::Attack.anchor()} />
                if state.embed.is_none() {
                    <h2 class="lead">{"Find a blind spot"}</h2>
                    <p class="intro">{"Draw a digit, upload a photo of one or pick one from the gallery: the model says which digit it sees. Then choose a target and press Find adversarial example. The paper's box-constrained L-BFGS (Section 4.1, Figure 5) finds a change too small to notice that makes the model say the target; the amplified perturbation shows where ink was added (orange) and taken away (blue)."}</p>
                }
                <section class="input">
                    <div data-control="draw"><DrawCanvas {on_input} /></div>
                    <div>
                        <p>{"What the model sees (28×28):"}</p>
                        <DigitCanvas rgba={digit_rgba(state.input.as_deref().unwrap_or(&[0.0; 784]))} class="big" testid="model-input"
                            label="the 28 by 28 pixels the model sees" />
                        <p data-testid="prediction" data-label={prediction.map(|l| l.to_string())}
                            data-ms={state.inference_ms.map(|ms| format!("{ms:.3}"))} aria-live="polite">
                            { prediction.map_or("Draw, upload or pick a digit.".to_string(), |l| format!("{} says: {l}", state.model)) }
                        </p>
                        <Probabilities probabilities={state.probabilities.clone()} />
                    </div>
                </section>
                <div data-control="upload"><Upload label="Upload a photo or drawing of a digit (or drop it here)" testid="upload" on_file={on_upload} /></div>
                <div data-control="gallery"><Gallery digits={digits.clone()} {on_pick} /></div>
            }
            if attacking {
                <AttackPanel method={state.method} target={state.target} epsilon={state.epsilon} kappa={state.kappa}
                    busy={state.busy.clone().map(AttrValue::from)} can_run={state.probabilities.is_some()}
                    on_method={send(&dispatch, Action::Method)} on_target={send(&dispatch, Action::Target)}
                    on_epsilon={send(&dispatch, Action::Epsilon)} on_kappa={send(&dispatch, Action::Kappa)} {on_run} {on_stop} />
            }
            if let (true, Some(input), Some(result)) = (attacking, state.input.clone(), state.result.clone()) {
                <ResultView original={input.clone()} original_label={prediction} result={result.clone()} gain={state.gain}
                    on_gain={send(&dispatch, Action::Gain)} on_noise={on_twin(lab.clone(), state.clone())} />
                <p class="print-caption" data-testid="print-caption">{print_caption(&state, &result)}<br />{full_page.clone()}</p>
                if alone(&[View::Transfer]) {
                    <span id={View::Transfer.anchor()} />
                    <TransferPanel lab={LabRef(lab.clone())} original={input} adversarial={result.adversarial}
                        rms={result.distortion.rms} label={prediction} />
                }
            }
            if alone(&[View::Reproduce]) {
                <span id={View::Reproduce.anchor()} />
                <ReproducePanel lab={LabRef(lab.clone())} digits={digits.clone()} model={state.model.clone()} />
            }
            if alone(&[View::Units]) {
                <span id={View::Units.anchor()} />
                <UnitsPanel lab={LabRef(lab.clone())} digits={digits.clone()} yours={state.yours.clone()} />
            }
            if alone(&[View::Stability]) {
                <span id={View::Stability.anchor()} />
                <StabilityPanel lab={LabRef(lab.clone())} model={state.model.clone()} />
            }
            if alone(&[View::Photos]) {
                <span id={View::Photos.anchor()} />
                <PhotoPanel lab={LabRef(lab.clone())} />
            }
            if alone(&[View::Compare]) {
                <span id={View::Compare.anchor()} />
                <ComparePanel lab={LabRef(lab.clone())} input={state.input.clone()} label={prediction}
                    model={state.model.clone()} target={state.target} settings={state.settings()} gain={state.gain}
                    on_target={send(&dispatch, Action::Target)} />
            }
            if alone(&[View::Hand]) {
                <span id={View::Hand.anchor()} />
                <HandPanel lab={LabRef(lab.clone())} input={state.input.clone()} label={prediction}
                    by_hand={state.by_hand().cloned()} model={state.model.clone()} target={state.target} gain={state.gain}
                    can_undo={!state.hand_undo.is_empty()} on_target={send(&dispatch, Action::Target)}
                    on_dab={send(&dispatch, Action::Dab)} on_stroke={send(&dispatch, Action::Stroke)} on_undo={send(&dispatch, |()| Action::HandUndo)}
                    on_reset={send(&dispatch, |()| Action::HandReset)} />
            }
            if alone(&[View::Quiz]) {
                <span id={View::Quiz.anchor()} />
                <QuizPanel lab={LabRef(lab.clone())} digits={digits.clone()} model={state.model.clone()}
                    seed={state.seed} on_seed={send(&dispatch, Action::Seed)} />
            }
            if state.challenge.is_none() && alone(&[View::Train]) {
                <span id={View::Train.anchor()} />
                <TrainPanel lab={LabRef(lab.clone())} open={state.embed == Some(View::Train)} on_kept={on_kept.clone()} />
            }
        </main>
    }
}

/// Brings the element with id `id` to the top of the window (at once, without animation).
fn scroll_to(id: &str) {
    let found =
        (web_sys::window().and_then(|w| w.document())).and_then(|d| d.get_element_by_id(id));
    if let Some(element) = found {
        element.scroll_into_view();
    }
}

/// What a printed page says under the three pictures (the link follows it).
fn print_caption(state: &State, result: &AttackView) -> String {
    format!(
        "Blindspot: model {}, method {}, target {}; the model now reads {} (RMS distortion {:.4}).",
        state.model,
        state.method.as_str(),
        crate::ui::link::target_text(state.target),
        result.label,
        result.distortion.rms
    )
}

/// The page; embedded (`#embed=…`), it waits until it is on screen before it loads a model or
/// starts a device, so that notes with five embeds stay light (`autorun=1` starts at once).
#[function_component]
pub fn Root() -> Html {
    let starts_at_once = use_state(|| {
        let (link, _) = Link::read(&fragment());
        link.embed.is_none() || link.autorun
    });
    let placeholder = use_node_ref();
    let seen = use_seen(placeholder.clone(), *starts_at_once);
    if !seen {
        html! { <div ref={placeholder} class="embed-waiting" data-testid="embed-waiting">{"Blindspot starts when it is on screen."}</div> }
    } else {
        html! { <App /> }
    }
}
