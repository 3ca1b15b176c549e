//! Where the page computes: the CPU, or the WebGPU worker where the browser has an adapter,
//! and what start-up found out about both.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Backend {
    Cpu,
    WebGpu,
}

impl Backend {
    /// Every backend, in the order the switch lists them.
    pub const ALL: [Backend; 2] = [Backend::Cpu, Backend::WebGpu];

    /// Its name in a link and in the switch's options (`cpu`, `webgpu`).
    pub fn key(self) -> &'static str {
        match self {
            Backend::Cpu => "cpu",
            Backend::WebGpu => "webgpu",
        }
    }

    /// The backend whose [`Backend::key`] is `key`.
    pub fn from_key(key: &str) -> Option<Backend> {
        Backend::ALL.into_iter().find(|b| b.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Backend::Cpu => "CPU",
            Backend::WebGpu => "WebGPU",
        }
    }
}

/// What the page learns about the devices at start-up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Devices {
    pub chosen: Backend,
    /// The WebGPU adapter's name and type, or why there is none.
    pub adapter: Result<String, String>,
    /// Milliseconds of the start-up probe on each backend (see `engine::Engine::probe`).
    pub cpu_ms: f64,
    pub gpu_ms: Option<f64>,
}
