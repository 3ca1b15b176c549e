//! The page's orchestration, one job per file: load the gallery, start the devices and switch
//! backend, classify the input, run an attack, classify its Gaussian twin, read and attack a
//! photo, keep the link, set the theme. `app.rs` and the panels only wire their hooks and
//! callbacks to the components.

mod attack;
mod classify;
mod devices;
mod embed;
mod gallery;
mod link;
mod photo;
mod progress;
mod seen;
mod theme;
mod train;
mod twin;
mod yours;

pub use attack::use_attack;
pub use classify::use_classify;
pub use devices::{on_backend, use_devices};
pub use embed::use_resize_reports;
pub use gallery::use_gallery;
pub use link::{fragment, use_link};
pub use photo::{PhotoCallbacks, sample_url, use_photo};
pub use progress::progress_line;
pub use seen::use_seen;
pub use theme::use_theme;
pub use train::{TrainCallbacks, use_training};
pub use twin::on_twin;
pub use yours::use_yours;

use crate::compute::lab::Lab;
use crate::ui::state::{Action, State};
use yew::UseReducerDispatcher;

/// Tells the page when the WebGPU device was lost during the last job (it ran on the CPU).
fn report_loss(lab: &Lab, dispatch: &UseReducerDispatcher<State>) {
    if let Some(why) = lab.take_lost() {
        dispatch.dispatch(Action::GpuLost(why));
    }
}
