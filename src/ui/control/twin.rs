//! The Gaussian twin of the current adversarial example, classified by the selected model.

use super::report_loss;
use crate::compute::lab::Lab;
use crate::ui::state::{Action, State, Twin};
use blindspot_core::eval::top;
use blindspot_core::experiment::gaussian_twin;
use std::rc::Rc;
use yew::prelude::*;

/// The "Gaussian noise of the same RMS" button: the seeded twin every view shows.
pub fn on_twin(lab: Rc<Lab>, state: UseReducerHandle<State>) -> Callback<()> {
    Callback::from(move |()| {
        let (Some(input), Some(result)) = (state.input.clone(), state.result.clone()) else {
            return;
        };
        let (lab, dispatch, model) = (lab.clone(), state.dispatcher(), state.model.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let pixels = gaussian_twin(&input, result.distortion.rms);
            let classified = lab.classify(&model, &pixels).await;
            report_loss(&lab, &dispatch);
            match classified {
                Ok(p) => {
                    let (label, confidence) = top(&p);
                    let twin = Twin {
                        pixels,
                        label,
                        confidence,
                    };
                    dispatch.dispatch(Action::Noise(twin, result.adversarial));
                }
                Err(e) => dispatch.dispatch(Action::Error(Some(e.to_string()))),
            }
        });
    })
}
