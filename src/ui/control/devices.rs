//! Start-up (the CPU timed, the WebGPU worker started where there is an adapter, the faster
//! chosen) and the backend switch.

use crate::compute::backend::Backend;
use crate::compute::lab::Lab;
use crate::ui::state::{Action, State};
use blindspot_core::attack::{Goal, Method};
use blindspot_core::work::{AttackJob, Job};
use std::rc::Rc;
use yew::prelude::*;

/// Starts the lab's devices once and tells the page what it found; then, on the CPU, warms the
/// pool's first worker: its start, `model`'s load (the page's model when it loaded) and the
/// browser's optimising compile of the attack code (V8 compiles wasm fast first and optimises
/// what runs), which the first attack would otherwise wait for. The warm-up is an L-BFGS
/// attack on a blank image, as the first attack most likely is.
#[hook]
pub fn use_devices(lab: Rc<Lab>, dispatch: UseReducerDispatcher<State>, model: String) {
    use_effect_with((), move |_| {
        wasm_bindgen_futures::spawn_local(async move {
            let devices = lab.start().await;
            dispatch.dispatch(Action::Devices(devices));
            let blank = AttackJob {
                model,
                pixels: vec![0.0; blindspot_core::PIXELS],
                label: 0,
                goal: Goal::Target(1),
                method: Method::Lbfgs,
            };
            lab.warm(Job::Attack(blank), 1).await;
        });
    });
}

/// Switches the lab to the wanted backend (WebGPU only while its worker lives).
pub fn on_backend(lab: Rc<Lab>, dispatch: UseReducerDispatcher<State>) -> Callback<Backend> {
    Callback::from(move |wanted| {
        dispatch.dispatch(Action::Backend(wanted, lab.set_backend(wanted)))
    })
}
