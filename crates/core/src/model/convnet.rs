//! The zoo's LeNet-style convnet.
use super::{LipschitzLayer, ProbeLayer};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;

/// A small LeNet-style convnet: two 5×5 convolutions with ReLU and 2×2 max-pooling, then two
/// fully connected layers. The modern default of the app and the network of Section 3.
#[derive(Module, Debug)]
pub struct ConvNet {
    pub conv1: Conv2d,
    pub conv2: Conv2d,
    pub pool: MaxPool2d,
    pub fc1: Linear,
    pub fc2: Linear,
}

/// Channels of the two convolutions and width of the hidden dense layer.
pub const CONV1: usize = 16;
pub const CONV2: usize = 32;
pub const DENSE: usize = 128;
/// Side of both convolutions' square kernels (no padding, stride 1).
const KERNEL: usize = 5;
/// Side of conv1's output (28 → 24, pooled to 12) and of conv2's (12 → 8, pooled to 4).
const SIDE1: usize = crate::SIDE - KERNEL + 1;
const SIDE2: usize = SIDE1 / 2 - KERNEL + 1;
/// Width of the flattened, pooled convolutional features.
pub const FLAT: usize = CONV2 * (SIDE2 / 2) * (SIDE2 / 2);

impl ConvNet {
    pub fn new(device: &Device) -> Self {
        ConvNet {
            conv1: Conv2dConfig::new([1, CONV1], [KERNEL, KERNEL]).init(device),
            conv2: Conv2dConfig::new([CONV1, CONV2], [KERNEL, KERNEL]).init(device),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            fc1: LinearConfig::new(FLAT, DENSE).init(device),
            fc2: LinearConfig::new(DENSE, crate::CLASSES).init(device),
        }
    }

    /// `[n, 784]` → `[n, 512]`: the output of the convolutional part, flattened.
    pub fn features(&self, x: Tensor<2>) -> Tensor<2> {
        let [n, _] = x.dims();
        let x = x.reshape([n, 1, crate::SIDE, crate::SIDE]);
        let x = self.pool.forward(relu(self.conv1.forward(x))); // [n, 16, 24, 24] → [n, 16, 12, 12]
        let x = self.pool.forward(relu(self.conv2.forward(x))); // [n, 32, 8, 8] → [n, 32, 4, 4]
        x.reshape([n, FLAT])
    }

    /// `[n, 784]` → `[n, 128]`: the hidden dense layer's activations.
    pub fn dense(&self, x: Tensor<2>) -> Tensor<2> {
        relu(self.fc1.forward(self.features(x)))
    }

    /// `[n, 784]` pixels in [0, 1] → `[n, 10]` logits.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.fc2.forward(self.dense(x))
    }

    /// The hidden layers Section 3 probes: the pooled convolutional features and the dense
    /// ReLU units.
    pub fn probe_layers() -> Vec<ProbeLayer> {
        vec![
            ProbeLayer::new("conv", FLAT),
            ProbeLayer::new("dense", DENSE),
        ]
    }

    /// The activations of probe layer `name` (see [`ConvNet::probe_layers`]), `[n, width]`.
    pub fn probe(&self, x: Tensor<2>, name: &str) -> Option<Tensor<2>> {
        match name {
            "conv" => Some(self.features(x)),
            "dense" => Some(self.dense(x)),
            _ => None,
        }
    }

    /// The layers as the Lipschitz bounds see them, with the grid each convolution runs on.
    pub fn lipschitz_layers(&self) -> Vec<LipschitzLayer<'_>> {
        vec![
            LipschitzLayer::Conv {
                name: "conv1".into(),
                kind: "conv+relu",
                layer: &self.conv1,
                grid: crate::SIDE,
            },
            LipschitzLayer::MaxPool { name: "pool1" },
            LipschitzLayer::Conv {
                name: "conv2".into(),
                kind: "conv+relu",
                layer: &self.conv2,
                grid: SIDE1 / 2,
            },
            LipschitzLayer::MaxPool { name: "pool2" },
            LipschitzLayer::Dense {
                name: "fc1".into(),
                kind: "fc+relu",
                layer: &self.fc1,
                slope: 1.0,
            },
            LipschitzLayer::Dense {
                name: "fc2".into(),
                kind: "fc",
                layer: &self.fc2,
                slope: 1.0,
            },
        ]
    }

    /// Multiply-adds of one forward pass for one image (weights × output positions).
    pub fn macs_per_image(&self) -> usize {
        let conv = |layer: &Conv2d, out_side: usize| {
            layer.weight.dims().iter().product::<usize>() * out_side * out_side
        };
        conv(&self.conv1, SIDE1)
            + conv(&self.conv2, SIDE2)
            + self.fc1.weight.dims().iter().product::<usize>()
            + self.fc2.weight.dims().iter().product::<usize>()
    }

    /// (λ/2) · Σ w² over all four weight tensors (one λ for all).
    pub fn weight_penalty(&self, lambda: f32) -> Tensor<1> {
        let conv = |c: &Conv2d| {
            let w = c.weight.val();
            let [o, i, h, k] = w.dims();
            w.reshape([o, i * h * k])
        };
        super::l2(conv(&self.conv1), lambda)
            + super::l2(conv(&self.conv2), lambda)
            + super::l2(self.fc1.weight.val(), lambda)
            + super::l2(self.fc2.weight.val(), lambda)
    }
}
