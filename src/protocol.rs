//! Messages between the page and the WebGPU worker, sent as JSON strings. Every job carries an
//! id; its answer (or its failure, as a value) carries the same id.

use blindspot_core::attack::{Goal, LbfgsProgress, Outcome};
use serde::{Deserialize, Serialize};

/// Which attack to run and how.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Method {
    Lbfgs,
    Fgsm { epsilon: f32 },
    Pgd { epsilon: f32, steps: usize },
}

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

#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Open the WebGPU device and time the start-up probe on it.
    Start { id: u32 },
    Probabilities {
        id: u32,
        model: String,
        pixels: Vec<f32>,
    },
    Attack {
        id: u32,
        model: String,
        pixels: Vec<f32>,
        label: u8,
        goal: Goal,
        method: Method,
    },
    /// Stop the running attack; it answers with the best result so far.
    Stop,
}

/// What the worker found at start-up.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GpuInfo {
    pub adapter: String,
    /// Milliseconds of the probe, after a first run that compiles the kernels.
    pub probe_ms: f64,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Response {
    Started {
        id: u32,
        result: Result<GpuInfo, String>,
    },
    Probabilities {
        id: u32,
        result: Result<Vec<f32>, String>,
    },
    Progress {
        id: u32,
        progress: LbfgsProgress,
    },
    Attacked {
        id: u32,
        result: Result<Outcome, String>,
    },
}

impl Response {
    pub fn id(&self) -> u32 {
        match self {
            Response::Started { id, .. }
            | Response::Probabilities { id, .. }
            | Response::Progress { id, .. }
            | Response::Attacked { id, .. } => *id,
        }
    }
}
