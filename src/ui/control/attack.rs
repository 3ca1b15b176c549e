//! Run and Stop: the selected attack on the input, on the chosen backend, with progress; its
//! outcome comes back with the model's probabilities on the adversarial image.

use super::progress_line;
use super::report_loss;
use crate::clock::now;
use crate::compute::lab::{Lab, Run};
use crate::pacing::next_frame;
use crate::ui::link::goal;
use crate::ui::state::{Action, AttackView, State};
use blindspot_core::attack::Progress;
use blindspot_core::eval::argmax;
use blindspot_core::work::AttackJob;
use std::rc::Rc;
use yew::prelude::*;

/// The Run and Stop callbacks of the attack panel.
#[hook]
pub fn use_attack(lab: Rc<Lab>, state: UseReducerHandle<State>) -> (Callback<()>, Callback<()>) {
    let on_run = {
        let lab = lab.clone();
        Callback::from(move |()| {
            let (Some(input), Some(probs)) = (state.input.clone(), state.probabilities.clone())
            else {
                return;
            };
            let (lab, dispatch) = (lab.clone(), state.dispatcher());
            let method = state.method.with(&state.settings());
            let (model, label) = (state.model.clone(), argmax(&probs));
            let goal = goal(state.target);
            dispatch.dispatch(Action::Busy(Some(format!(
                "running {} on {model}…",
                method.name().as_str()
            ))));
            wasm_bindgen_futures::spawn_local(async move {
                next_frame().await;
                let started = now();
                let progress_dispatch = dispatch.clone();
                let status = move |p: &Progress| {
                    progress_dispatch.dispatch(Action::Busy(Some(progress_line(method, p))));
                };
                let job = AttackJob {
                    model,
                    pixels: input,
                    label,
                    goal,
                    method,
                };
                let attacked = lab.attack(job, Run::Attack, status).await;
                let milliseconds = now() - started;
                report_loss(&lab, &dispatch);
                match attacked {
                    Ok(a) => dispatch.dispatch(Action::Result(AttackView {
                        label: a.outcome.label as u8,
                        probabilities: a.probabilities,
                        adversarial: a.outcome.adversarial,
                        target: a.outcome.target,
                        success: a.outcome.success,
                        distortion: a.outcome.distortion,
                        milliseconds,
                        noise: None,
                    })),
                    Err(e) => dispatch.dispatch(Action::Error(Some(e.to_string()))),
                }
            });
        })
    };
    let on_stop = Callback::from(move |()| lab.stop(Run::Attack));
    (on_run, on_stop)
}
