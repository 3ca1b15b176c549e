//! The Train panel's state and every change to it: the course being set up, where the run is
//! (step, epoch, time per step), the loss of every step, each epoch's checkup beside the plain
//! zoo twin's, and what the panel says. Plain Rust, tested natively; `control::train` drives
//! it.

use blindspot_core::train::checkup::Checkup;
use blindspot_core::train::course::{Base, Course, Guard};
use std::rc::Rc;

/// Where a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing trained yet (or the course changed since).
    Idle,
    Running,
    /// Stopped by Stop: Resume goes on from here.
    Stopped,
    Finished,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrainState {
    pub course: Course,
    pub phase: Phase,
    /// Batches done and in all (as far as known: a pool lengthens the epochs it joins).
    pub step: usize,
    pub steps: usize,
    /// Whole epochs done.
    pub epoch: usize,
    /// Each batch's loss.
    pub losses: Rc<Vec<f32>>,
    /// The checkup after each finished epoch.
    pub checkups: Rc<Vec<Checkup>>,
    /// The plain zoo twin's checkup, the charts' reference line.
    pub reference: Option<Checkup>,
    /// Milliseconds per batch over the run so far.
    pub ms_per_step: Option<f64>,
    /// What the panel is doing (fetching, training, measuring).
    pub status: String,
    pub error: Option<String>,
    /// The name the run's model is kept under (after its first epoch).
    pub kept: Option<String>,
    /// What the panel last said outside the run: a model uploaded (its name), or something
    /// refused (why: a setting, an upload, keeping or downloading a model).
    pub said: Option<Result<String, String>>,
}

impl Default for TrainState {
    fn default() -> Self {
        TrainState {
            course: Course {
                base: Base::ConvNet,
                guard: Guard::Fgsm,
                epsilon: 0.1,
                epochs: 1,
                seed: 1,
                digits: 60_000,
            },
            phase: Phase::Idle,
            step: 0,
            steps: 0,
            epoch: 0,
            losses: Rc::default(),
            checkups: Rc::default(),
            reference: None,
            ms_per_step: None,
            status: String::new(),
            error: None,
            kept: None,
            said: None,
        }
    }
}

/// How the form's change of one setting changes a course, given the setting's new value.
pub type EditCourse = fn(Course, &str) -> Course;

pub enum TrainAction {
    /// The course changed: a new run starts from scratch.
    Course(Course),
    /// The form changed one setting to this value: applied to the course as it is when the
    /// action arrives, so that two changes before the form's next render both count (a setting
    /// edited from a render's course would undo the other). One no run takes is refused with
    /// why, and the course stays.
    Edit(EditCourse, String),
    /// A run (new or resumed) starts: `step` of `steps`, `epoch` epochs done.
    Running {
        step: usize,
        steps: usize,
        epoch: usize,
    },
    /// A batch is done: its loss, the pace, and where the run is now.
    Stepped {
        loss: f32,
        ms_per_step: f64,
        steps: usize,
        epoch: usize,
    },
    /// An epoch's checkup.
    Checked(Checkup),
    Reference(Checkup),
    Status(String),
    Stopped,
    Finished,
    Failed(String),
    /// The run's model is kept under this name.
    Kept(String),
    /// An upload was kept under this name.
    Uploaded(String),
    /// A setting, an upload, keeping or downloading was refused, for this reason (the run goes
    /// on).
    Refused(String),
}

#[cfg(target_arch = "wasm32")]
impl yew::Reducible for TrainState {
    type Action = TrainAction;

    fn reduce(self: Rc<Self>, action: TrainAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

impl TrainState {
    pub fn apply(&self, action: TrainAction) -> TrainState {
        let mut s = self.clone();
        match action {
            TrainAction::Course(course) => {
                let reference = ((course.base, course.epsilon)
                    == (s.course.base, s.course.epsilon))
                    .then_some(s.reference)
                    .flatten();
                s = TrainState {
                    course,
                    reference,
                    ..TrainState::default()
                };
            }
            TrainAction::Edit(edit, value) => {
                let course = edit(s.course, &value);
                match course.check() {
                    Err(why) => return s.apply(TrainAction::Refused(why.to_string())),
                    Ok(()) if course != s.course => return s.apply(TrainAction::Course(course)),
                    Ok(()) => {}
                }
            }
            TrainAction::Running { step, steps, epoch } => {
                (s.phase, s.step, s.steps, s.epoch) = (Phase::Running, step, steps, epoch);
                s.error = None;
            }
            TrainAction::Stepped {
                loss,
                ms_per_step,
                steps,
                epoch,
            } => {
                Rc::make_mut(&mut s.losses).push(loss);
                (s.step, s.steps, s.epoch) = (s.step + 1, steps, epoch);
                s.ms_per_step = Some(ms_per_step);
            }
            TrainAction::Checked(c) => Rc::make_mut(&mut s.checkups).push(c),
            TrainAction::Reference(c) => s.reference = Some(c),
            TrainAction::Status(text) => s.status = text,
            TrainAction::Stopped => {
                s.phase = Phase::Stopped;
                s.status = format!("Stopped after {} of {} batches.", s.step, s.steps);
            }
            TrainAction::Finished => {
                s.phase = Phase::Finished;
                s.status = format!("Trained: {}.", s.course.title(s.checkups.len()));
            }
            TrainAction::Kept(name) => s.kept = Some(name),
            TrainAction::Uploaded(name) => s.said = Some(Ok(name)),
            TrainAction::Refused(why) => s.said = Some(Err(why)),
            TrainAction::Failed(why) => {
                s.phase = if s.step > 0 {
                    Phase::Stopped
                } else {
                    Phase::Idle
                };
                s.error = Some(why);
            }
        }
        s
    }

    /// The latest checkup, if an epoch has finished.
    pub fn latest(&self) -> Option<&Checkup> {
        self.checkups.last()
    }

    /// Seconds left at the run's pace (batches only; each epoch's checkup adds a little).
    pub fn seconds_left(&self) -> Option<f64> {
        let ms = self.ms_per_step?;
        Some(ms * self.steps.saturating_sub(self.step) as f64 / 1000.0)
    }

    /// The progress line: epoch, batch, loss, time left.
    pub fn progress(&self) -> String {
        if self.steps == 0 {
            return self.status.clone();
        }
        let epoch = (self.epoch + 1).min(self.course.epochs);
        let loss = self
            .losses
            .last()
            .map_or(String::new(), |l| format!(", loss {l:.3}"));
        let left = match (self.phase, self.seconds_left()) {
            (Phase::Running, Some(s)) => format!(", about {} left", duration(s)),
            _ => String::new(),
        };
        format!(
            "Epoch {epoch} of {}: batch {} of {}{loss}{left}. {}",
            self.course.epochs, self.step, self.steps, self.status
        )
    }
}

/// Seconds as "1 min 05 s" or "42 s".
pub fn duration(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as u64;
    match s / 60 {
        0 => format!("{s} s"),
        m => format!("{m} min {:02} s", s % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkup(clean: f64) -> Checkup {
        Checkup {
            clean_accuracy: clean,
            robust_accuracy: 0.5,
            lbfgs_rms: 0.1,
        }
    }

    #[test]
    fn a_run_counts_its_batches_and_a_new_course_starts_afresh_keeping_its_twins_reference() {
        let s = TrainState::default().apply(TrainAction::Running {
            step: 0,
            steps: 1200,
            epoch: 0,
        });
        let s = s.apply(TrainAction::Reference(checkup(0.99)));
        let s = s.apply(TrainAction::Stepped {
            loss: 0.5,
            ms_per_step: 100.0,
            steps: 1200,
            epoch: 0,
        });
        assert_eq!((s.step, s.losses.len(), s.phase), (1, 1, Phase::Running));
        assert_eq!(s.seconds_left(), Some(119.9));
        assert!(
            s.progress()
                .starts_with("Epoch 1 of 1: batch 1 of 1200, loss 0.500, about 2 min 00 s left"),
            "{}",
            s.progress()
        );
        let s = s.apply(TrainAction::Checked(checkup(0.9)));
        assert_eq!(s.latest(), Some(&checkup(0.9)));
        let stopped = s.clone().apply(TrainAction::Stopped);
        assert_eq!(stopped.phase, Phase::Stopped);
        let failed = s.clone().apply(TrainAction::Failed("gone".into()));
        assert_eq!(
            (failed.phase, failed.error.as_deref()),
            (Phase::Stopped, Some("gone"))
        );
        let same_base = Course {
            epochs: 3,
            ..s.course
        };
        let fresh = s.clone().apply(TrainAction::Course(same_base));
        assert_eq!(
            (fresh.step, fresh.losses.len(), fresh.phase),
            (0, 0, Phase::Idle)
        );
        assert_eq!(fresh.reference, Some(checkup(0.99)));
        let other = Course {
            base: Base::Fc100,
            ..s.course
        };
        assert_eq!(s.apply(TrainAction::Course(other)).reference, None);
    }

    #[test]
    fn edits_apply_to_the_course_as_it_is_and_a_bad_one_is_refused() {
        let epochs = |c: Course, v: &str| Course {
            epochs: v.parse().unwrap_or(0),
            ..c
        };
        let digits = |c: Course, v: &str| Course {
            digits: v.parse().unwrap_or(c.digits),
            ..c
        };
        // Two changes before a render: the second sees the first.
        let s = TrainState::default()
            .apply(TrainAction::Edit(digits, "1000".into()))
            .apply(TrainAction::Edit(epochs, "2".into()));
        assert_eq!((s.course.digits, s.course.epochs), (1000, 2));
        let refused = s.apply(TrainAction::Edit(epochs, "99".into()));
        assert_eq!(refused.course, s.course);
        assert_eq!(
            refused.said,
            Some(Err("epochs must be 1 to 20, not 99".into()))
        );
    }

    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(125.0), "2 min 05 s");
        assert_eq!(duration(-3.0), "0 s");
    }
}
