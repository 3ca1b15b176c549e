//! What the page asks an engine to attack, and what comes back: the same on the page's CPU
//! engine and in the workers (where `protocol` carries them).

use blindspot_core::attack::{Goal, Method, MethodName, Outcome};
use blindspot_core::imagenet::attacks::PhotoAttack;
use std::fmt;

/// One attack: which model, on which image (and the label the model gives it), aiming where,
/// and how.
#[derive(Clone, Copy, Debug)]
pub struct AttackJob<'a> {
    pub model: &'a str,
    pub pixels: &'a [f32],
    pub label: u8,
    pub goal: Goal,
    pub method: Method,
}

/// One worker's share of an untargeted L-BFGS attack (see `Engine::attack_share`): the image
/// (and the label the model gives it) attacked towards each of `targets`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ShareJob {
    pub model: String,
    pub pixels: Vec<f32>,
    pub label: u8,
    pub targets: Vec<usize>,
}

/// A finished attack with the model's probabilities on its adversarial image, so that the page
/// gets both in one trip.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Attacked {
    pub outcome: Outcome,
    pub probabilities: Vec<f32>,
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

/// A finished attack on a photo and the adversarial photo it was judged on, in 8-bit levels
/// (one byte a value on the wire, not a float).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PhotoAttacked {
    pub report: PhotoAttack,
    pub adversarial: Vec<u8>,
}

/// Adversarial examples for a slice of digits (`experiment::adversarial_set` on a worker):
/// the model, the digits (`n × 784` in 8-bit levels, as the gallery has them), their labels, and
/// their data-set indices and the seed, which pick each one's target.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SetJob {
    pub model: String,
    pub pixels: Vec<u8>,
    pub labels: Vec<u8>,
    pub indices: Vec<usize>,
    pub seed: u64,
}

/// Part of a row of Table 2's cross-check (the Reproduce panel): every column model tested on
/// examples with their true `labels`.
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

/// A slice of the gallery's digits for a Units deal (one worker of the pool): its features at
/// `layer` of `model`, and with the deal's `directions`, its best images for each.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct UnitsJob {
    pub model: String,
    pub layer: String,
    pub start: usize,
    pub end: usize,
    pub directions: Vec<blindspot_core::units::Direction>,
    /// Images kept per direction.
    pub k: usize,
}

/// What a [`UnitsJob`] found: which units vary on the slice, and per direction its `k` best
/// images as (score, index in the gallery).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SliceFound {
    pub liveness: blindspot_core::units::deal::Liveness,
    pub tops: Vec<Vec<(f32, usize)>>,
}

/// The set a [`SetJob`] made (without its originals, which the page has), and whether Stop
/// cut it short.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SetDone {
    pub set: blindspot_core::experiment::AdversarialSet,
    pub stopped: bool,
}

/// Why a job gave no answer.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Failure {
    /// The device failed (a WebGPU device lost mid-job): the job can run elsewhere.
    Lost(String),
    /// The job itself failed (a model that does not load, say).
    Job(String),
}

impl From<blindspot_core::Error> for Failure {
    fn from(e: blindspot_core::Error) -> Self {
        match e {
            blindspot_core::Error::Device(_) => Failure::Lost(e.to_string()),
            other => Failure::Job(other.to_string()),
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
