//! What the selected model says of the input, on the chosen backend.

use super::report_loss;
use crate::clock::now;
use crate::compute::lab::Lab;
use crate::ui::state::{Action, Classified, State};
use std::rc::Rc;
use yew::prelude::*;

/// Classifies the input whenever it, the model or the backend changes.
#[hook]
pub fn use_classify(lab: Rc<Lab>, state: &UseReducerHandle<State>) {
    let dispatch = state.dispatcher();
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
                        Ok(probabilities) => dispatch.dispatch(Action::Probabilities(Classified {
                            model,
                            input,
                            probabilities,
                            milliseconds: now() - started,
                        })),
                        Err(e) => dispatch.dispatch(Action::Error(Some(e.to_string()))),
                    }
                });
            }
        },
    );
}
