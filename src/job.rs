//! What the page asks an engine to attack, and what comes back: the same on the page's CPU
//! engine and in the WebGPU worker (where `protocol` carries them).

use blindspot_core::attack::{Goal, Method, Outcome};

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

/// A finished attack with the model's probabilities on its adversarial image, so that the page
/// gets both in one trip.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Attacked {
    pub outcome: Outcome,
    pub probabilities: Vec<f32>,
}
