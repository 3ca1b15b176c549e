//! The state in the link: read from the URL fragment when the page opens (and when a person
//! pastes another link into the same tab), written back with `history.replaceState` as it
//! changes. What a link asks for that needs the page to be further along waits here: its gallery
//! digit and the change by hand on it (until the gallery is loaded), its backend (until start-up
//! has found the devices) and `autorun` (until the model has read the input).

use crate::compute::backend::Backend;
use crate::ui::link::{Link, LinkInput};
use crate::ui::state::{Action, State};
use blindspot_core::data::Digits;
use blindspot_core::levels::from_bytes;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

/// What a link asked for and the page cannot do yet.
#[derive(Default)]
struct Pending {
    digit: Option<usize>,
    /// The change by hand of that digit, restored after it.
    hand: Option<Vec<u8>>,
    backend: Option<Backend>,
    autorun: bool,
}

/// The fragment of the page's address, `#` included ("" when there is none).
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Applies the link in the page's address; `autorun` only when the page opens (a link pasted
/// later may arrive while the previous input's answer is still on screen).
fn read(dispatch: &UseReducerDispatcher<State>, pending: &RefCell<Pending>, opening: bool) {
    let (link, notices) = Link::read(&fragment());
    let mut p = pending.borrow_mut();
    (p.digit, p.hand) = match link.input {
        Some(LinkInput::Digit(i)) => (Some(i), link.hand.clone()),
        _ => (None, None),
    };
    p.backend = link.backend;
    // Never in a challenge: the student's attempt is theirs to make.
    p.autorun = opening && link.autorun && link.challenge.is_none();
    dispatch.dispatch(Action::Link(link));
    if !notices.is_empty() {
        dispatch.dispatch(Action::Notice(Some(notices.join(" "))));
    }
}

/// Keeps the page's state and its link in step. `on_backend` and `on_run` are the backend
/// switch and the attack's Run, used for what a link asks for.
#[hook]
pub fn use_link(
    state: &UseReducerHandle<State>,
    digits: Option<Rc<Digits>>,
    on_backend: Callback<Backend>,
    on_run: Callback<()>,
) {
    let pending = use_mut_ref(Pending::default);
    {
        let (dispatch, pending) = (state.dispatcher(), pending.clone());
        use_effect_with((), move |_| {
            read(&dispatch, &pending, true);
            let on_hash = Closure::<dyn Fn()>::new(move || read(&dispatch, &pending, false));
            let window = web_sys::window().expect("a page has a window");
            let _ = window
                .add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
            move || {
                let _ = window.remove_event_listener_with_callback(
                    "hashchange",
                    on_hash.as_ref().unchecked_ref(),
                );
            }
        });
    }
    // What waited for the page: run on every render, each step once its moment has come.
    {
        let (state, pending) = (state.clone(), pending.clone());
        use_effect(move || {
            let mut p = pending.borrow_mut();
            if let (Some(i), Some(d)) = (p.digit, digits.as_ref()) {
                p.digit = None;
                if i < d.len() {
                    state.dispatch(Action::Digit(i, d.pixels(i)));
                    if let Some(hand) = p.hand.take() {
                        state.dispatch(Action::Hand(from_bytes(&hand)));
                    }
                } else {
                    let why = format!("Link: the gallery has no digit {i}.");
                    state.dispatch(Action::Notice(Some(why)));
                }
            }
            if let (Some(wanted), Some(_)) = (p.backend, &state.devices) {
                p.backend = None;
                if wanted != state.backend {
                    on_backend.emit(wanted);
                }
            }
            let answered = state.input.is_some() && state.probabilities.is_some();
            if p.autorun && p.digit.is_none() && answered && state.busy.is_none() {
                p.autorun = false;
                on_run.emit(());
            }
        });
    }
    // The link of the current state, written in place (no new history entry per change).
    // Not during a stroke by hand: Chromium takes about 10 ms to replace a 2 kB address, and a
    // stroke changes the input at every cell it crosses.
    let link = state.link().write();
    let waiting = pending.borrow().digit.is_some() || state.stroking;
    use_effect_with((link, waiting), |(link, waiting)| {
        let wanted = format!("#{link}");
        let history = web_sys::window().and_then(|w| w.history().ok());
        if let (false, Some(history)) = (*waiting || fragment() == wanted, history) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&wanted));
        }
    });
}
