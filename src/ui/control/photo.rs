//! The Photos panel's orchestration: a sample or an upload is fetched, decoded, cropped and read
//! by EfficientNet-Lite0; an attack runs on it with progress and Stop. Every step says what it is
//! doing from the moment of the click, and a step that gets no answer ends with an error.

use super::progress_line;
use crate::clock::now;
use crate::compute::lab::{Lab, Run};
use crate::pacing::within;
use crate::ui::photo_state::{PhotoAction, PhotoState};
use blindspot_core::attack::Settings;
use blindspot_core::imagenet;
use blindspot_core::work::Job;
use std::rc::Rc;
use yew::prelude::*;

/// Fetching and decoding a photo happen in the browser: this long without an answer is an error
/// (the read in the worker has its own watchdog, `worker_client::SILENCE_MS`).
const BROWSER_STEP_MS: i32 = 30_000;

/// Where the sample photos are, from the page.
pub fn sample_url(name: &str) -> String {
    format!("models/{}/samples/{name}", imagenet::DIR)
}

/// The panel's callbacks.
pub struct PhotoCallbacks {
    pub on_sample: Callback<&'static str>,
    pub on_file: Callback<web_sys::File>,
    pub on_run: Callback<()>,
    pub on_stop: Callback<()>,
}

/// Where a photo comes from.
enum Source {
    Sample(&'static str),
    File(web_sys::File),
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::Sample(name) => name.to_string(),
            Source::File(file) => file.name(),
        }
    }

    async fn blob(&self) -> Result<web_sys::Blob, String> {
        match self {
            Source::Sample(name) => crate::fetch::blob(&sample_url(name)).await,
            Source::File(file) => Ok(file.clone().into()),
        }
    }
}

/// Busy from the click on (so the photo buttons are disabled and the status says what runs):
/// fetches and crops the photo, shows it, and asks the model what it is.
async fn read(lab: Rc<Lab>, dispatch: UseReducerDispatcher<PhotoState>, source: Source) {
    let name = source.name();
    let late = || format!("{name} did not load within {} s", BROWSER_STEP_MS / 1000);
    let pixels = within(
        BROWSER_STEP_MS,
        async {
            let blob = source.blob().await?;
            crate::ui::picture::photo_crop(&blob, &name).await
        },
        late,
    )
    .await;
    let pixels = match pixels {
        Ok(p) => p,
        Err(e) => return dispatch.dispatch(PhotoAction::Error(Some(e))),
    };
    dispatch.dispatch(PhotoAction::Photo(name, pixels.clone()));
    dispatch.dispatch(PhotoAction::Busy(Some(
        "EfficientNet-Lite0 is reading the photo…".into(),
    )));
    let job = Job::Photo {
        pixels: pixels.clone(),
    };
    match lab.photo(job, None, |_: &_| {}).await {
        Ok(top) => dispatch.dispatch(PhotoAction::Top(pixels, top)),
        Err(e) => dispatch.dispatch(PhotoAction::Error(Some(e.to_string()))),
    }
}

/// The Photos panel's callbacks over its state.
#[hook]
pub fn use_photo(lab: Rc<Lab>, state: UseReducerHandle<PhotoState>) -> PhotoCallbacks {
    let take = {
        let (lab, state) = (lab.clone(), state.clone());
        move |source: Source| {
            // A click that comes while a step runs is refused (the buttons are disabled then
            // too, but a click can be on its way while they are being disabled).
            if state.busy.is_some() {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(PhotoAction::Busy(Some(format!(
                "loading {}…",
                source.name()
            ))));
            wasm_bindgen_futures::spawn_local(read(lab.clone(), dispatch, source));
        }
    };
    let on_sample = {
        let take = take.clone();
        Callback::from(move |name: &'static str| take(Source::Sample(name)))
    };
    let on_file = Callback::from(move |file: web_sys::File| take(Source::File(file)));
    let on_run = {
        let (lab, state) = (lab.clone(), state.clone());
        Callback::from(move |()| {
            let Some(job) = state.job() else { return };
            let dispatch = state.dispatcher();
            dispatch.dispatch(PhotoAction::Busy(Some("starting the attack…".into())));
            let lab = lab.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let started = now();
                let method = job.method.with(&Settings {
                    epsilon: job.epsilon_levels / 255.0,
                    steps: job.steps,
                    ..Settings::default()
                });
                let report = dispatch.clone();
                let status =
                    move |p: &_| report.dispatch(PhotoAction::Busy(Some(progress_line(method, p))));
                match lab.attack_photo(job.clone(), status).await {
                    Ok(done) => {
                        dispatch.dispatch(PhotoAction::Result(job.pixels, done, now() - started))
                    }
                    Err(e) => dispatch.dispatch(PhotoAction::Error(Some(e.to_string()))),
                }
            });
        })
    };
    let on_stop = Callback::from(move |()| lab.stop(Run::Photo));
    PhotoCallbacks {
        on_sample,
        on_file,
        on_run,
        on_stop,
    }
}
