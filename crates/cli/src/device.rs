//! `--device cpu|wgpu`: where the CLI computes. `cpu` is Burn's Flex backend; `wgpu` is Burn's
//! wgpu runtime (Vulkan, Metal or DX12 natively, whichever the machine has: a GPU, or Mesa's
//! lavapipe, a CPU Vulkan device, where there is none). Results match the CPU's to rounding
//! (`tests/device.rs`).

use blindspot_core::{Error, Result};
use burn::prelude::Device;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Compute {
    /// Burn's Flex backend on this machine's CPU
    #[default]
    Cpu,
    /// Burn's wgpu runtime on the machine's best adapter (a GPU if there is one)
    Wgpu,
}

impl Compute {
    /// The device for inference.
    pub fn device(self) -> Result<Device> {
        match self {
            Compute::Cpu => Ok(Device::flex()),
            Compute::Wgpu => wgpu(),
        }
    }

    /// The device with autodiff, for attacks and training.
    pub fn autodiff(self) -> Result<Device> {
        Ok(self.device()?.autodiff())
    }

    /// Problems per batched attack evaluation by default: a GPU wants wide batches (one
    /// dispatch per layer either way); the CPU gains little past 100.
    pub fn batch(self) -> usize {
        match self {
            Compute::Cpu => 100,
            Compute::Wgpu => 1000,
        }
    }
}

/// The wgpu device, initialised once per process (Burn refuses a second initialisation).
fn wgpu() -> Result<Device> {
    static DEVICE: std::sync::OnceLock<std::result::Result<Device, String>> =
        std::sync::OnceLock::new();
    DEVICE
        .get_or_init(|| {
            // On a headless Linux machine Mesa prints "XDG_RUNTIME_DIR is invalid" while
            // looking for a display; compute does not need one.
            Device::wgpu_options().init().map_err(|e| {
                format!("no wgpu device ({e}); a machine without a GPU can use Mesa's lavapipe (Debian: apt install mesa-vulkan-drivers)")
            })
        })
        .clone()
        .map_err(Error::Device)
}
