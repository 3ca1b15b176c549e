//! The Train panel's orchestration: a session (model and optimizer) on the page's thread, each
//! step's shards computed by the CPU workers, or by the WebGPU worker where WebGPU is chosen
//! (`plan::train` on a `Trainer`; each worker fetches the training digits on its first step), a checkup after every epoch (the plain zoo twin's once, for the
//! charts' reference line), Stop keeping the model so far and Resume going on from it.

use crate::clock::now;
use crate::compute::lab::{Lab, Run};
use crate::compute::pool::Pool;
use crate::compute::trainer::Trainer;
use crate::ui::pixels::download_bytes;
use crate::ui::train_state::{EditCourse, Phase, TrainAction, TrainState};
use blindspot_core::train::checkup::{Checkup, Watch};
use blindspot_core::train::course::Course;
use blindspot_core::train::session::Session;
use blindspot_core::work::Failure;
use blindspot_core::work::plan::{self, train};
use blindspot_core::yours;
use burn::prelude::Device;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What a run keeps between Start, Stop and Resume.
#[derive(Default)]
struct Coach {
    /// The run so far (out while a run holds it).
    session: Option<Session>,
    /// The plain twin's checkup and the course it was measured for (its base and ε).
    reference: Option<(Course, Checkup)>,
    /// Milliseconds the session has trained (its card's time).
    trained_ms: f64,
}

pub struct TrainCallbacks {
    /// One setting of the form changed: how it changes a course, and its new value.
    pub on_course: Callback<(EditCourse, String)>,
    /// A model's files to keep as one of yours (an upload: its card and its weights).
    pub on_upload: Callback<Vec<web_sys::File>>,
    /// Downloads the kept model's two files.
    pub on_download: Callback<()>,
    /// Start, or Resume after Stop.
    pub on_start: Callback<()>,
    pub on_stop: Callback<()>,
}

#[hook]
pub fn use_training(
    lab: Rc<Lab>,
    on_kept: Callback<()>,
) -> (UseReducerHandle<TrainState>, TrainCallbacks) {
    let state = use_reducer(TrainState::default);
    let coach = use_mut_ref(Coach::default);
    // The reducer applies the edit to the course as it is then (`TrainAction::Edit`); a course
    // changed since Stop starts afresh (`on_start`, `run`).
    let on_course = {
        let dispatch = state.dispatcher();
        Callback::from(move |(edit, value)| dispatch.dispatch(TrainAction::Edit(edit, value)))
    };
    let on_start = {
        let (lab, state, coach, kept) =
            (lab.clone(), state.clone(), coach.clone(), on_kept.clone());
        Callback::from(move |()| {
            if state.phase == Phase::Running {
                return;
            }
            if state.phase != Phase::Stopped {
                // Start, not Resume: a run kept from before the course changed (even if it
                // changed back) is not taken up again.
                coach.borrow_mut().session = None;
            }
            let (lab, dispatch, coach) = (lab.clone(), state.dispatcher(), coach.clone());
            let kept = kept.clone();
            let course = state.course;
            dispatch.dispatch(TrainAction::Running {
                step: state.step,
                steps: state.steps,
                epoch: state.epoch,
            });
            wasm_bindgen_futures::spawn_local(async move {
                let ended = run(&lab, &dispatch, &coach, course, &kept).await;
                dispatch.dispatch(match ended {
                    Ok(true) => TrainAction::Finished,
                    Ok(false) => TrainAction::Stopped,
                    Err(why) => TrainAction::Failed(why),
                });
            });
        })
    };
    let on_upload = {
        let (dispatch, on_kept) = (state.dispatcher(), on_kept.clone());
        Callback::from(move |files: Vec<web_sys::File>| {
            let (dispatch, on_kept) = (dispatch.clone(), on_kept.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match upload(files).await {
                    Ok(name) => {
                        on_kept.emit(());
                        dispatch.dispatch(TrainAction::Uploaded(name));
                    }
                    Err(why) => dispatch.dispatch(TrainAction::Refused(why)),
                }
            });
        })
    };
    let on_download = {
        let state = state.clone();
        Callback::from(move |()| {
            let Some(name) = state.kept.clone() else {
                return;
            };
            let dispatch = state.dispatcher();
            wasm_bindgen_futures::spawn_local(async move {
                let files = async {
                    let card = crate::yours_store::card(&name).await?;
                    Ok::<_, String>((card, crate::yours_store::weights(&name).await?))
                };
                match files.await {
                    Ok((card, weights)) => {
                        download_bytes(&weights, &format!("{name}.safetensors"));
                        download_bytes(&card, &format!("{name}.json"));
                    }
                    Err(why) => dispatch.dispatch(TrainAction::Refused(why)),
                }
            });
        })
    };
    let on_stop = Callback::from(move |()| lab.stop(Run::Train));
    let callbacks = TrainCallbacks {
        on_course,
        on_upload,
        on_download,
        on_start,
        on_stop,
    };
    (state, callbacks)
}

/// Trains until the course is done (`true`) or Stop (`false`).
async fn run(
    lab: &Lab,
    dispatch: &UseReducerDispatcher<TrainState>,
    coach: &RefCell<Coach>,
    course: Course,
    on_kept: &Callback<()>,
) -> Result<bool, String> {
    let pool = lab.pool(Some(Run::Train));
    let trainer = Trainer::new(lab, &pool);
    crate::pacing::next_frame().await;
    let kept = coach.borrow_mut().session.take();
    let mut session = match kept {
        Some(s) if s.course == course && !s.finished() => s,
        _ => {
            dispatch.dispatch(TrainAction::Course(course));
            coach.borrow_mut().trained_ms = 0.0;
            Session::new(course, course.digits, &Device::flex().autodiff())
                .map_err(|e| e.to_string())?
        }
    };
    // The click's render, then the session's start, then the first step: three short tasks.
    crate::pacing::next_frame().await;
    // Batches only: the pace of the time left (checkups add a little each epoch).
    let (first, mut training_ms) = (session.step(), 0.0);
    dispatch.dispatch(TrainAction::Running {
        step: first,
        steps: session.steps(),
        epoch: session.epochs_done(),
    });
    let say = |s: String| dispatch.dispatch(TrainAction::Status(s));
    let training = || format!("Training on {}…", trainer.place());
    say(match first {
        0 if trainer.on_webgpu() => "Starting: the WebGPU worker fetches MNIST (11.5 MB)…".into(),
        0 => "Starting: each CPU worker fetches MNIST once (11.5 MB)…".into(),
        _ => training(),
    });
    let ended = loop {
        if session.finished() {
            break Ok(true);
        }
        let began = now();
        let refresh = session.refresh_due();
        if let Some(r) = &refresh {
            say(format!(
                "Attacking {} training digits with L-BFGS for the pool…",
                r.digits.len()
            ));
        }
        match train::step(&mut session, &trainer).await {
            Ok(Some(loss)) => {
                training_ms += now() - began;
                coach.borrow_mut().trained_ms += now() - began;
                let ms_per_step = training_ms / (session.step() - first) as f64;
                dispatch.dispatch(TrainAction::Stepped {
                    loss,
                    ms_per_step,
                    steps: session.steps(),
                    epoch: session.epochs_done(),
                });
                if session.step() == first + 1 || refresh.is_some() {
                    say(training());
                }
            }
            Ok(None) => break Ok(false),
            Err(e) => break Err(e.to_string()),
        }
        if pool.stop().stopped() {
            break Ok(false);
        }
        if session.epoch_ended() {
            let epoch = session.epochs_done();
            say(format!("Measuring the model after epoch {epoch}…"));
            match look(&pool, &session, false).await {
                Ok(Some(c)) => dispatch.dispatch(TrainAction::Checked(c)),
                Ok(None) => break Ok(false),
                Err(e) => break Err(e.to_string()),
            }
            let kept = coach.borrow().reference.filter(|(c, _)| {
                (c.base, c.epsilon.to_bits()) == (course.base, course.epsilon.to_bits())
            });
            let reference = match kept {
                Some((_, c)) => Some(c),
                None => {
                    say(format!(
                        "Measuring the plain {} for comparison…",
                        course.base.twin()
                    ));
                    look(&pool, &session, true).await.ok().flatten()
                }
            };
            if let Some(c) = reference {
                coach.borrow_mut().reference = Some((course, c));
                dispatch.dispatch(TrainAction::Reference(c));
            }
            say("Keeping it in this browser (its card's errors measured first)…".into());
            let seconds = coach.borrow().trained_ms / 1000.0;
            match keep(&pool, &session, seconds).await {
                Ok(name) => {
                    on_kept.emit(());
                    dispatch.dispatch(TrainAction::Kept(name));
                }
                Err(_) if pool.stop().stopped() => break Ok(false),
                Err(why) => dispatch.dispatch(TrainAction::Refused(why)),
            }
            say(training());
        }
    };
    coach.borrow_mut().session = Some(session);
    ended
}

/// The session's model (or, `twin`, the plain zoo twin) measured as the panel shows it:
/// `None` where Stop came first.
async fn look(pool: &Pool<'_>, session: &Session, twin: bool) -> Result<Option<Checkup>, Failure> {
    let watch = Watch {
        epsilon: session.course.epsilon,
        ..Watch::default()
    };
    let weights = if twin { Vec::new() } else { session.weights() };
    let found = train::checkup(pool, session.course.base, weights, watch, plan::quiet()).await?;
    Ok(found.filter(|_| !pool.stop().stopped()))
}

/// Keeps the session's model in this browser as one of yours, under its course's name, with a
/// card in the zoo's format (its errors measured on the workers).
async fn keep(pool: &Pool<'_>, session: &Session, seconds: f64) -> Result<String, String> {
    let course = session.course;
    let errors = train::errors(pool, course, session.weights()).await?;
    let model = session.model();
    let weights = model.to_safetensors().map_err(|e| e.to_string())?;
    let name = yours::name_for(&course);
    let epochs = session.epochs_done();
    let card = yours::card_of(&course, &name, epochs, &model, &weights, errors, seconds)
        .map_err(|e| e.to_string())?;
    crate::yours_store::save(&card, &weights).await?;
    Ok(name)
}

/// An upload's card and weights (one `.json` and one `.safetensors` file), checked as the zoo's
/// files are, then kept; nothing is kept where anything is wrong.
async fn upload(files: Vec<web_sys::File>) -> Result<String, String> {
    let pick = |ending: &str| {
        let mut found = files.iter().filter(|f| f.name().ends_with(ending));
        match (found.next(), found.next()) {
            (Some(f), None) => Ok(f.clone()),
            _ => Err("choose a model's two files together: one .json (its card) and one .safetensors (its weights)".to_string()),
        }
    };
    let (card, weights) = (pick(".json")?, pick(".safetensors")?);
    let (card, weights) = (bytes_of(&card).await?, bytes_of(&weights).await?);
    let checked =
        yours::check(&card, weights.clone(), &Device::flex()).map_err(|e| e.to_string())?;
    crate::yours_store::save(&checked, &weights).await?;
    Ok(checked.name)
}

/// A chosen file's bytes.
async fn bytes_of(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{}: {e:?}", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
