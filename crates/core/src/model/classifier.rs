//! A zoo model of any architecture, and the shape it is built from.
use super::{ConvNet, LipschitzLayer, Mlp, Network, ProbeLayer, mlp};
use crate::{Result, weights};
use burn::prelude::*;

/// The shape of a zoo model, enough to build an untrained instance to load weights into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    /// Sigmoid MLP with these hidden widths (none: softmax regression).
    Mlp(&'static [usize]),
    /// [`ConvNet`].
    ConvNet,
}

impl Arch {
    pub fn build(&self, device: &Device) -> Classifier {
        match self {
            Arch::Mlp(hidden) => Classifier::Mlp(Mlp::new(&Self::mlp_widths(hidden), device)),
            Arch::ConvNet => Classifier::Conv(ConvNet::new(device)),
        }
    }

    /// Layer widths of an MLP with these hidden layers: `[784, hidden…, 10]`.
    pub fn mlp_widths(hidden: &[usize]) -> Vec<usize> {
        std::iter::once(crate::PIXELS)
            .chain(hidden.iter().copied())
            .chain([crate::CLASSES])
            .collect()
    }

    /// A one-line description for model cards and `--help`.
    pub fn summary(&self) -> String {
        match self {
            Arch::Mlp([]) => "softmax regression on the 784 pixels (784→10)".into(),
            Arch::Mlp(hidden) => {
                let w: Vec<String> = Self::mlp_widths(hidden)
                    .iter()
                    .map(|w| w.to_string())
                    .collect();
                format!(
                    "fully connected {} with sigmoid hidden units, softmax output",
                    w.join("→")
                )
            }
            Arch::ConvNet => format!(
                "conv5×5({c1})-ReLU-maxpool2 → conv5×5({c2})-ReLU-maxpool2 → fc{d}-ReLU → fc10",
                c1 = super::convnet::CONV1,
                c2 = super::convnet::CONV2,
                d = super::convnet::DENSE
            ),
        }
    }

    /// The hidden layers the units study can probe, input side first.
    pub fn probe_layers(&self) -> Vec<ProbeLayer> {
        match self {
            Arch::Mlp(hidden) => mlp::hidden_layers(hidden),
            Arch::ConvNet => ConvNet::probe_layers(),
        }
    }

    /// The hidden units' activation, for model cards.
    pub fn activation(&self) -> &'static str {
        match self {
            Arch::Mlp([]) => "none (linear logits, softmax)",
            Arch::Mlp(_) => "sigmoid",
            Arch::ConvNet => "relu",
        }
    }

    /// Number of weight layers (each gets its own λ).
    pub fn weight_layers(&self) -> usize {
        match self {
            Arch::Mlp(hidden) => hidden.len() + 1,
            Arch::ConvNet => 4,
        }
    }
}

/// A trained (or training) zoo model of either kind. A module itself, so that training is
/// one loop for every architecture.
#[derive(Module, Debug)]
#[allow(clippy::large_enum_variant)] // a handful live at a time
pub enum Classifier {
    Mlp(Mlp),
    Conv(ConvNet),
}

impl Network for Classifier {
    fn inputs(&self) -> usize {
        crate::PIXELS
    }

    fn classes(&self) -> usize {
        crate::CLASSES
    }

    fn logits(&self, x: Tensor<2>) -> Tensor<2> {
        self.forward(x)
    }
}

impl Classifier {
    /// `[n, 784]` pixels in [0, 1] → `[n, 10]` logits.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        match self {
            Classifier::Mlp(m) => m.forward(x),
            Classifier::Conv(m) => m.forward(x),
        }
    }

    /// Σ_k (λ_k/2) ‖W_k‖² (the convnet uses `lambdas[0]` for all its layers).
    pub fn weight_penalty(&self, lambdas: &[f32]) -> Tensor<1> {
        match self {
            Classifier::Mlp(m) => m.weight_penalty(lambdas),
            Classifier::Conv(m) => m.weight_penalty(lambdas[0]),
        }
    }

    /// Multiply-adds of one forward pass for one image (weights × positions), a cost measure
    /// for sizing batches.
    pub fn macs_per_image(&self) -> usize {
        match self {
            Classifier::Mlp(m) => m.macs_per_image(),
            Classifier::Conv(c) => c.macs_per_image(),
        }
    }

    /// The hidden layers the units study can probe, input side first.
    pub fn probe_layers(&self) -> Vec<ProbeLayer> {
        match self {
            Classifier::Mlp(m) => m.probe_layers(),
            Classifier::Conv(_) => ConvNet::probe_layers(),
        }
    }

    /// `[n, 784]` pixels → `[n, width]` activations of the probe layer `name`, if it has one.
    pub fn probe(&self, x: Tensor<2>, name: &str) -> Option<Tensor<2>> {
        match self {
            Classifier::Mlp(m) => m.probe(x, name),
            Classifier::Conv(c) => c.probe(x, name),
        }
    }

    /// The layers as the Lipschitz bounds see them, input side first.
    pub fn lipschitz_layers(&self) -> Vec<LipschitzLayer<'_>> {
        match self {
            Classifier::Mlp(m) => m.lipschitz_layers(),
            Classifier::Conv(c) => c.lipschitz_layers(),
        }
    }

    /// The width of the first hidden layer if it is dense (784 → width), which a denoising
    /// autoencoder can pre-train (the paper's AE400-10).
    pub fn encoder_width(&self) -> Option<usize> {
        match self {
            Classifier::Mlp(m) if m.layers.len() > 1 => Some(m.layers[0].weight.dims()[1]),
            _ => None,
        }
    }

    /// The model with `encoder` as its first layer (see [`Classifier::encoder_width`]).
    pub fn with_encoder(self, encoder: burn::nn::Linear) -> Result<Classifier> {
        match self {
            Classifier::Mlp(mut m) if m.layers.len() > 1 => {
                m.layers[0] = encoder;
                Ok(Classifier::Mlp(m))
            }
            _ => Err(crate::Error::Other(
                "only an MLP's dense first layer takes an encoder".into(),
            )),
        }
    }

    /// Serialises the weights as safetensors in PyTorch's layout (see `weights`).
    pub fn to_safetensors(&self) -> Result<Vec<u8>> {
        match self {
            Classifier::Mlp(m) => weights::to_safetensors(m),
            Classifier::Conv(m) => weights::to_safetensors(m),
        }
    }

    /// Decodes safetensors bytes into `arch`; fails on any missing, extra or mis-shaped tensor.
    pub fn from_safetensors(arch: Arch, bytes: Vec<u8>, device: &Device) -> Result<Self> {
        Ok(match arch.build(device) {
            Classifier::Mlp(m) => Classifier::Mlp(weights::load_safetensors(m, bytes)?),
            Classifier::Conv(m) => Classifier::Conv(weights::load_safetensors(m, bytes)?),
        })
    }
}
