//! The page's orchestration, one job per file: load the gallery, start the devices and switch
//! backend, classify the input, run an attack, classify its Gaussian twin, keep the link, set the
//! theme. `app.rs` only wires
//! their hooks and callbacks to the components.

mod attack;
mod classify;
mod devices;
mod embed;
mod gallery;
mod link;
mod seen;
mod theme;
mod twin;

pub use attack::use_attack;
pub use classify::use_classify;
pub use devices::{on_backend, use_devices};
pub use embed::use_resize_reports;
pub use gallery::use_gallery;
pub use link::{fragment, use_link};
pub use seen::use_seen;
pub use theme::use_theme;
pub use twin::on_twin;

use crate::lab::Lab;
use crate::state::{Action, State};
use yew::UseReducerDispatcher;

/// Tells the page when the WebGPU device was lost during the last job (it ran on the CPU).
fn report_loss(lab: &Lab, dispatch: &UseReducerDispatcher<State>) {
    if let Some(why) = lab.take_lost() {
        dispatch.dispatch(Action::GpuLost(why));
    }
}
