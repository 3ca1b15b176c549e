use super::{ConvNet, Mlp};
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
            Arch::ConvNet => Classifier::Conv(Box::new(ConvNet::new(device))),
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
    pub fn describe(&self) -> String {
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

    /// Number of weight layers (each gets its own λ).
    pub fn weight_layers(&self) -> usize {
        match self {
            Arch::Mlp(hidden) => hidden.len() + 1,
            Arch::ConvNet => 4,
        }
    }
}

/// A trained (or training) zoo model of either kind.
#[derive(Debug, Clone)]
pub enum Classifier {
    Mlp(Mlp),
    Conv(Box<ConvNet>),
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
            Classifier::Mlp(m) => m
                .layers
                .iter()
                .map(|l| l.weight.dims().iter().product::<usize>())
                .sum(),
            Classifier::Conv(c) => {
                let conv = |layer: &burn::nn::conv::Conv2d, out_side: usize| {
                    layer.weight.dims().iter().product::<usize>() * out_side * out_side
                };
                conv(&c.conv1, 24)
                    + conv(&c.conv2, 8)
                    + c.fc1.weight.dims().iter().product::<usize>()
                    + c.fc2.weight.dims().iter().product::<usize>()
            }
        }
    }

    pub fn num_params(&self) -> usize {
        match self {
            Classifier::Mlp(m) => m.num_params(),
            Classifier::Conv(m) => m.num_params(),
        }
    }

    /// Serialises the weights as safetensors in PyTorch's layout (see `weights`).
    pub fn to_safetensors(&self) -> Result<Vec<u8>> {
        match self {
            Classifier::Mlp(m) => weights::to_safetensors(m),
            Classifier::Conv(m) => weights::to_safetensors(m.as_ref()),
        }
    }

    /// Decodes safetensors bytes into `arch`; fails on any missing, extra or mis-shaped tensor.
    pub fn from_safetensors(arch: Arch, bytes: Vec<u8>, device: &Device) -> Result<Self> {
        Ok(match arch.build(device) {
            Classifier::Mlp(m) => Classifier::Mlp(weights::load_safetensors(m, bytes)?),
            Classifier::Conv(m) => {
                Classifier::Conv(Box::new(weights::load_safetensors(*m, bytes)?))
            }
        })
    }
}
