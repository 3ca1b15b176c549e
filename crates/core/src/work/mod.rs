//! The vocabulary of work: every kind of computation the page or the CLI asks for, as one
//! [`Job`] enum with one [`Answer`] enum, run by [`Job::run`] on anything that gives verified
//! models on a device (a [`Workshop`]). The page's engines implement [`Workshop`] and carry jobs
//! to their workers as data; each experiment's parallel plan ([`plan`]) says how its work splits
//! into jobs and how the answers merge. Adding a kind of work means a variant here, its arm in
//! [`run`], and the UI file that shows it.

mod folder;
pub mod jobs;
mod photo;
pub mod plan;
mod run;
mod training;
pub mod wire;

pub use folder::Folder;
pub use jobs::*;
pub use run::{KeptFeatures, Workshop};

use crate::adversarial::Example;
use crate::attack::solver::{Rows, Solves};
use crate::imagenet::Ranked;
use crate::stability::LayerBound;
use crate::train::shards::ShardGradient;
use std::fmt;

/// One piece of work.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Job {
    /// The model's ten probabilities on a digit (`784` values in [0, 1]).
    Classify {
        model: String,
        pixels: Vec<f32>,
    },
    /// One attack, with the model's probabilities on its adversarial image.
    Attack(AttackJob),
    /// A share of an untargeted L-BFGS attack's targets.
    AttackShare(ShareJob),
    /// The most probable ImageNet classes of a photo, `[3, 224, 224]` in 8-bit levels.
    Photo {
        pixels: Vec<u8>,
    },
    PhotoAttack(PhotoJob),
    /// A round of a photo attack's L-BFGS solves (the plan runs its search over c).
    PhotoSolve(Rows),
    /// A photo attack's outcome, found by the plan, judged on its 8-bit rounding.
    PhotoJudge(JudgeJob),
    /// Table 5: each layer's upper Lipschitz bound, then the network's, for a digit model or
    /// (`None`) EfficientNet-Lite0.
    Lipschitz {
        model: Option<String>,
    },
    /// A batch of digits attacked as Tables 1–4 attack them.
    AdversarialSet(SetJob),
    /// Part of a row of Table 2's cross-check.
    WrongCounts(RowJob),
    /// A slice of a Units deal.
    UnitsSlice(UnitsJob),
    /// Some shards of a training step: their gradients.
    TrainShards(ShardsJob),
    /// Part of a pool refresh: its successes.
    PoolAttack(PoolJob),
    /// One measure of a training run's checkup.
    Checkup(CheckupJob),
    /// A trained model's errors, for its card.
    Errors(ErrorsJob),
}

/// Why a job gave no answer.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Failure {
    /// The device failed (a WebGPU device lost mid-job, a worker gone): the job can run
    /// elsewhere.
    Lost(String),
    /// The job itself failed (a model that does not load, say).
    Job(String),
}

/// The [`Answer`] enum, and each answer's type read back from it (the asker knows which it
/// asked for; any other is a [`Failure::Job`]).
macro_rules! answers {
    ($($variant:ident($t:ty)),* $(,)?) => {
        /// What a [`Job`] gives: one variant per kind of answer.
        #[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
        pub enum Answer {
            $($variant($t),)*
        }
    $(
        impl From<$t> for Answer {
            fn from(answer: $t) -> Self {
                Answer::$variant(answer)
            }
        }
        impl TryFrom<Answer> for $t {
            type Error = Failure;
            fn try_from(answer: Answer) -> Result<Self, Failure> {
                match answer {
                    Answer::$variant(a) => Ok(a),
                    other => Err(Failure::Job(format!(
                        "expected {} but the answer was {}",
                        stringify!($variant),
                        other.kind()
                    ))),
                }
            }
        }
    )*
        impl Answer {
            /// The variant's name, for messages.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Answer::$variant(_) => stringify!($variant),)*
                }
            }
        }
    };
}

answers! {
    Probabilities(Vec<f32>),
    Attacked(Attacked),
    Shares(Vec<Attacked>),
    Ranked(Vec<Ranked>),
    PhotoAttacked(PhotoAttacked),
    Solves(Solves),
    Bounds(Vec<LayerBound>),
    Set(SetDone),
    Counted(Counted),
    Slice(SliceFound),
    Gradients(Vec<ShardGradient>),
    Measured(f64),
    Pooled(Vec<Example>),
}

impl From<crate::Error> for Failure {
    fn from(e: crate::Error) -> Self {
        match e {
            crate::Error::Device(_) => Failure::Lost(e.to_string()),
            other => Failure::Job(other.to_string()),
        }
    }
}

/// A failure where the core's errors are expected (the CLI): the job's words.
impl From<Failure> for crate::Error {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Lost(why) => crate::Error::Device(why),
            Failure::Job(why) => crate::Error::Other(why),
        }
    }
}

impl From<String> for Failure {
    fn from(why: String) -> Self {
        Failure::Job(why)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Lost(why) | Failure::Job(why) => f.write_str(why),
        }
    }
}

impl From<Failure> for String {
    fn from(failure: Failure) -> Self {
        failure.to_string()
    }
}
