//! The architectures of the zoo. One definition each, shared by the CLI, the app and the tests.
//! Each architecture's file also says what the analyses need to know of it: its probe layers
//! (Section 3), its layers as the Lipschitz bounds see them (Section 4.3), its cost per image
//! and its activation. [`Classifier`] and [`Arch`] delegate to it; nothing else matches on
//! architectures.

mod autoencoder;
mod classifier;
pub mod convnet;
pub mod efficientnet;
pub mod efficientnet_cpu;
pub mod mlp;
mod traced;

pub use autoencoder::Autoencoder;
pub use classifier::{Arch, Classifier};
pub use convnet::ConvNet;
pub use mlp::Mlp;
pub use traced::Traced;

use burn::nn::Linear;
use burn::nn::conv::Conv2d;
use burn::prelude::*;

/// What inference and the attacks need of a classifier, whatever its input: the length of one
/// flattened input (pixels in [0, 1]), how many classes it scores, and its logits. The MNIST
/// zoo ([`Classifier`]) and the ImageNet network ([`efficientnet::EfficientNetLite0`]) share
/// every attack through it.
pub trait Network {
    /// Values per input image.
    fn inputs(&self) -> usize;
    /// Classes scored.
    fn classes(&self) -> usize;
    /// `[n, inputs]` → `[n, classes]` logits.
    fn logits(&self, x: Tensor<2>) -> Tensor<2>;
    /// The network's own CPU kernels, where it has them: its logits and their input gradients
    /// then come from them, not from Burn's graph ([`Traced`]).
    fn kernels(&self) -> Option<&efficientnet_cpu::Kernels> {
        None
    }
}

/// A hidden layer whose activations can be probed (Section 3's units study): its name and
/// width.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ProbeLayer {
    pub name: String,
    pub width: usize,
}

impl ProbeLayer {
    pub fn new(name: impl Into<String>, width: usize) -> Self {
        ProbeLayer {
            name: name.into(),
            width,
        }
    }
}

/// One layer as the Lipschitz bounds (Section 4.3) see it, input side first.
pub enum LipschitzLayer<'a> {
    /// A fully connected layer, its kind for Table 5 (`fc`, `fc+sigmoid`, `fc+relu`) and the
    /// largest slope of its activation (¼ for the sigmoid, 1 for ReLU or none).
    Dense {
        name: String,
        kind: &'static str,
        layer: &'a Linear,
        slope: f64,
    },
    /// A convolution (any groups: a depthwise one has one per channel, batch norm already
    /// folded in) applied to a `grid` × `grid` input, and its kind for Table 5 (`conv+relu`,
    /// `depthwise+relu6`, …); its activation (ReLU, ReLU6, none) has slope at most 1.
    Conv {
        name: String,
        kind: &'static str,
        layer: &'a Conv2d,
        grid: usize,
    },
    /// 2×2 max-pooling with stride 2.
    MaxPool { name: &'static str },
    /// Multiplication by a constant.
    Scale { name: &'static str, factor: f64 },
    /// Average pooling of a `grid` × `grid` map to one value per channel: 1/grid.
    AveragePool { name: &'static str, grid: usize },
    /// A residual connection x + F(x) around the `spans` layers listed just before it: its
    /// bound is 1 + the product of theirs.
    Skip { name: String, spans: usize },
}

/// (λ/2) · Σ w² over one weight matrix: "weight decay λ" in its usual sense, a gradient of λ·w
/// (biases are not decayed). REPRODUCTION notes compare this with the other readings.
pub(crate) fn l2(weight: Tensor<2>, lambda: f32) -> Tensor<1> {
    weight.powf_scalar(2.0).sum().mul_scalar(lambda / 2.0)
}
