//! Start-up (the CPU timed, the WebGPU worker started where there is an adapter, the faster
//! chosen) and the backend switch.

use crate::compute::backend::Backend;
use crate::compute::lab::Lab;
use crate::ui::state::{Action, State};
use std::rc::Rc;
use yew::prelude::*;

/// Starts the lab's devices once and tells the page what it found.
#[hook]
pub fn use_devices(lab: Rc<Lab>, dispatch: UseReducerDispatcher<State>) {
    use_effect_with((), move |_| {
        wasm_bindgen_futures::spawn_local(async move {
            let devices = lab.start().await;
            dispatch.dispatch(Action::Devices(devices));
        });
    });
}

/// Switches the lab to the wanted backend (WebGPU only while its worker lives).
pub fn on_backend(lab: Rc<Lab>, dispatch: UseReducerDispatcher<State>) -> Callback<Backend> {
    Callback::from(move |wanted| {
        dispatch.dispatch(Action::Backend(wanted, lab.set_backend(wanted)))
    })
}
