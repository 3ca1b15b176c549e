//! The page's state and every change to it (`use_reducer`).

use crate::lab::{Backend, Devices};
use blindspot_core::attack::Distortion;
use std::rc::Rc;
use yew::Reducible;

/// A finished attack, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct AttackView {
    pub adversarial: Vec<f32>,
    pub label: u8,
    pub probabilities: Vec<f32>,
    pub target: u8,
    pub success: bool,
    pub distortion: Distortion,
    pub milliseconds: f64,
    /// The same-RMS Gaussian noise twin and what the model says of it, once asked for.
    pub noise: Option<(Vec<f32>, u8, f32)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub backend: Backend,
    pub devices: Option<Devices>,
    pub model: String,
    /// The 28×28 the model sees.
    pub input: Option<Vec<f32>>,
    pub probabilities: Option<Vec<f32>>,
    /// Time the last classification took.
    pub inference_ms: Option<f64>,
    pub method: String,
    /// `None`: untargeted.
    pub target: Option<u8>,
    pub epsilon: f32,
    pub gain: f32,
    pub result: Option<AttackView>,
    pub busy: Option<String>,
    pub error: Option<String>,
    /// News that is not an error (the WebGPU device was lost and the CPU took over).
    pub notice: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        State {
            backend: Backend::Cpu,
            devices: None,
            model: "convnet".into(),
            input: None,
            probabilities: None,
            inference_ms: None,
            method: "lbfgs".into(),
            target: None,
            epsilon: 0.1,
            gain: 10.0,
            result: None,
            busy: None,
            error: None,
            notice: None,
        }
    }
}

pub enum Action {
    /// What start-up found, including the backend it chose.
    Devices(Devices),
    Backend(Backend),
    Model(String),
    Input(Vec<f32>),
    /// Input cleared (the canvas was cleared).
    Clear,
    /// Probabilities and the milliseconds the model took.
    Probabilities(Vec<f32>, f64),
    Method(String),
    Target(Option<u8>),
    Epsilon(f32),
    Gain(f32),
    Busy(Option<String>),
    Result(AttackView),
    Noise(Vec<f32>, u8, f32),
    Error(Option<String>),
    /// The WebGPU device was lost (why): the CPU runs from now on.
    GpuLost(String),
    Notice(Option<String>),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Devices(d) => {
                s.backend = d.chosen;
                s.devices = Some(d);
            }
            Action::Backend(b) => {
                s.backend = b;
                s.result = None;
            }
            Action::Model(m) => {
                s.model = m;
                s.result = None;
            }
            Action::Input(x) => {
                s.input = Some(x);
                s.result = None;
                s.error = None;
            }
            Action::Clear => {
                s.input = None;
                s.probabilities = None;
                s.result = None;
            }
            Action::Probabilities(p, ms) => {
                s.probabilities = Some(p);
                s.inference_ms = Some(ms);
            }
            Action::Method(m) => s.method = m,
            Action::Target(t) => s.target = t,
            Action::Epsilon(e) => s.epsilon = e,
            Action::Gain(g) => s.gain = g,
            Action::Busy(b) => s.busy = b,
            Action::Result(r) => {
                s.result = Some(r);
                s.busy = None;
            }
            Action::Noise(x, label, confidence) => {
                if let Some(r) = s.result.as_mut() {
                    r.noise = Some((x, label, confidence));
                }
            }
            Action::Error(e) => {
                s.error = e;
                s.busy = None;
            }
            Action::GpuLost(why) => {
                s.backend = Backend::Cpu;
                if let Some(d) = s.devices.as_mut() {
                    d.adapter = Err(why.clone());
                    d.chosen = Backend::Cpu;
                }
                s.notice = Some(format!("{why}: the job ran on the CPU instead."));
            }
            Action::Notice(n) => s.notice = n,
        }
        Rc::new(s)
    }
}
