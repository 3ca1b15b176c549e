//! Where the page computes: the CPU, or the WebGPU worker where the browser has an adapter,
//! and what start-up found out about both.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Backend {
    Cpu,
    WebGpu,
}

impl Backend {
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
