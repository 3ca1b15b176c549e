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
/// Width of the flattened, pooled convolutional features.
pub const FLAT: usize = CONV2 * 4 * 4;

impl ConvNet {
    pub fn new(device: &Device) -> Self {
        ConvNet {
            conv1: Conv2dConfig::new([1, CONV1], [5, 5]).init(device),
            conv2: Conv2dConfig::new([CONV1, CONV2], [5, 5]).init(device),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            fc1: LinearConfig::new(FLAT, DENSE).init(device),
            fc2: LinearConfig::new(DENSE, crate::CLASSES).init(device),
        }
    }

    /// `[n, 784]` → `[n, 512]`: the output of the convolutional part, flattened.
    pub fn features(&self, x: Tensor<2>) -> Tensor<2> {
        let [n, _] = x.dims();
        let x = x.reshape([n, 1, 28, 28]);
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
