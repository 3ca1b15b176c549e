//! The kinds of work and their answers, as plain data: what the page sends its workers (and
//! the CLI runs in place), each job's struct beside the answer it gives.

use crate::adversarial::{Example, Refresh};
use crate::attack::{Goal, Method, MethodName, Outcome};
use crate::experiment::AdversarialSet;
use crate::imagenet::attacks::PhotoAttack;
use crate::train::checkup::{Measure, Watch};
use crate::train::course::{Base, Course};
use crate::train::shards::Shard;
use crate::units::Direction;
use crate::units::deal::Liveness;

/// One attack: which model, on which image (and the label the model gives it), aiming where,
/// and how.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AttackJob {
    pub model: String,
    pub pixels: Vec<f32>,
    pub label: u8,
    pub goal: Goal,
    pub method: Method,
}

/// One share of an untargeted L-BFGS attack (see [`plan::attack`](super::plan::attack)): the
/// image (and the label the model gives it) attacked towards each of `targets`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ShareJob {
    pub model: String,
    pub pixels: Vec<f32>,
    pub label: u8,
    pub targets: Vec<usize>,
}

/// A finished attack with the model's probabilities on its adversarial image, so that the page
/// gets both in one trip. The adversarial image's label is `outcome.label`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Attacked {
    pub outcome: Outcome,
    pub probabilities: Vec<f32>,
    /// How long the attack took where it ran (a share: the whole share's attack).
    pub milliseconds: f64,
}

/// One attack on a photo: its pixels (`[3, 224, 224]` in 8-bit levels, as the crop gives
/// them), aiming where, and how (ε in 8-bit levels; `steps` for PGD).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PhotoJob {
    pub pixels: Vec<u8>,
    pub goal: Goal,
    pub method: MethodName,
    pub epsilon_levels: f32,
    pub steps: usize,
}

/// A photo attack's outcome to judge: the photo (`[3, 224, 224]` in 8-bit levels), the goal,
/// and what the plan's search found.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct JudgeJob {
    pub pixels: Vec<u8>,
    pub goal: Goal,
    pub outcome: Outcome,
}

/// A finished attack on a photo and the adversarial photo it was judged on, in 8-bit levels
/// (one byte a value on the wire, not a float).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PhotoAttacked {
    pub report: PhotoAttack,
    pub adversarial: Vec<u8>,
}

/// Adversarial examples for a batch of digits (`experiment::adversarial_set`): the model, the
/// digits (`n × 784` in 8-bit levels, as the gallery has them), their labels, and their
/// data-set indices and the seed, which pick each one's target.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SetJob {
    pub model: String,
    pub pixels: Vec<u8>,
    pub labels: Vec<u8>,
    pub indices: Vec<usize>,
    pub seed: u64,
}

/// The set a [`SetJob`] made (without its originals, which the asker has), and whether Stop
/// cut it short.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SetDone {
    pub set: AdversarialSet,
    pub stopped: bool,
}

/// Part of a row of Table 2's cross-check: every column model tested on examples with their
/// true `labels`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RowJob {
    pub columns: Vec<String>,
    pub labels: Vec<u8>,
    pub examples: RowExamples,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum RowExamples {
    /// A slice of the adversarial examples made for one model (`n × 784`): a row is sent in
    /// slices, since serialising a whole set of floats would hold the page for ~80 ms.
    Made(Vec<f32>),
    /// Gaussian noise of `stddev` (seeded) on clean digits, sent in 8-bit levels: the whole
    /// row at once (the noise is drawn over all of them).
    Noise {
        stddev: f32,
        seed: u64,
        pixels: Vec<u8>,
    },
}

/// What a [`RowJob`] found: how many examples each column model got wrong, and for noise, its
/// realised RMS.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Counted {
    pub wrong: Vec<usize>,
    pub noise_rms: Option<f64>,
}

/// A slice of the gallery's digits for a Units deal: its features at `layer` of `model`, and
/// with the deal's `directions`, its best images for each.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct UnitsJob {
    pub model: String,
    pub layer: String,
    pub start: usize,
    pub end: usize,
    pub directions: Vec<Direction>,
    /// Images kept per direction.
    pub k: usize,
}

/// What a [`UnitsJob`] found: which units vary on the slice, and per direction its `k` best
/// images as (score, index in the gallery).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SliceFound {
    pub liveness: Liveness,
    pub tops: Vec<Vec<(f32, usize)>>,
}

/// Part of a training step (`plan::train`): some of a batch's shards (their digits index the
/// workshop's training digits), differentiated on the course's model with `weights`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ShardsJob {
    pub course: Course,
    #[serde(with = "super::wire::floats")]
    pub weights: Vec<f32>,
    pub shards: Vec<Shard>,
    /// The pool examples the shards name, with their places in the epoch's data (the
    /// workshop holds the clean digits only).
    pub pooled: Vec<(u32, Example)>,
}

/// Part of a pool refresh (`plan::train`): training digits attacked with the pool's L-BFGS
/// against the course's model with `weights`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PoolJob {
    pub course: Course,
    #[serde(with = "super::wire::floats")]
    pub weights: Vec<f32>,
    pub refresh: Refresh,
}

/// One measure of a checkup of a course's model with `weights` (none: its plain zoo twin) on
/// the gallery's first digits.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CheckupJob {
    pub base: Base,
    #[serde(with = "super::wire::floats")]
    pub weights: Vec<f32>,
    pub watch: Watch,
    pub measure: Measure,
}

/// A course's model with `weights`: its error on a set of digits, for its card
/// (`yours::Errors`; `plan::train::errors` deals them).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ErrorsJob {
    pub course: Course,
    #[serde(with = "super::wire::floats")]
    pub weights: Vec<f32>,
    pub set: ErrorSet,
}

/// Which digits an [`ErrorsJob`] reads.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ErrorSet {
    /// Training digits `start..end`.
    Train { start: usize, end: usize },
    /// MNIST's 10,000 test digits.
    Test,
    /// The committed 1,000-digit test slice (the gallery).
    Slice,
}
