//! The architectures of the zoo. One definition each, shared by the CLI, the app and the tests.

mod autoencoder;
mod classifier;
pub mod convnet;
mod mlp;

pub use autoencoder::Autoencoder;
pub use classifier::{Arch, Classifier};
pub use convnet::ConvNet;
pub use mlp::Mlp;

use burn::prelude::*;

/// (λ/2) · Σ w² over one weight matrix: "weight decay λ" in its usual sense, a gradient of λ·w
/// (biases are not decayed). REPRODUCTION notes compare this with the other readings.
pub(crate) fn l2(weight: Tensor<2>, lambda: f32) -> Tensor<1> {
    weight.powf_scalar(2.0).sum().mul_scalar(lambda / 2.0)
}
