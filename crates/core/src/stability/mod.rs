//! Section 4.3: upper bounds on each layer's Lipschitz constant, whose product bounds how far
//! any perturbation r can move the network's output: ‖φ(x + r) − φ(x)‖ ≤ L‖r‖.
//!
//! Fully connected: σ_max(W) by power iteration. Convolution: the Fourier formula of
//! [`conv`]. Max-pooling and ReLU: 1. Sigmoid: ¼ (its largest slope), so a sigmoid layer's
//! bound is ¼‖W‖. Biases do not change a Lipschitz constant.

pub mod conv;
pub mod power;

use crate::model::{Classifier, LipschitzLayer};
use burn::nn::Linear;
use burn::nn::conv::Conv2d;
use burn::prelude::*;

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LayerBound {
    pub layer: String,
    /// "fc", "fc+sigmoid", "fc+relu", "conv+relu", "maxpool", or "network" for the product.
    pub kind: String,
    /// As the paper's Table 5 writes it: `[in, out]` for fc, `[in, k, k, out]` for conv.
    pub shape: Vec<usize>,
    pub stride: usize,
    /// Operator norm of the layer's linear map (1 for pooling).
    pub sigma: f64,
    /// Lipschitz bound of the layer including its activation.
    pub bound: f64,
}

/// Per-layer bounds, input side first, then one `network` entry with the products.
pub fn lipschitz_bounds(model: &Classifier) -> Vec<LayerBound> {
    with_network(layer_jobs(model).into_iter().map(|job| job()).collect())
}

/// One computation per layer, to run in order (a browser page yields between them).
pub fn layer_jobs(model: &Classifier) -> Vec<Box<dyn FnOnce() -> LayerBound + '_>> {
    model
        .lipschitz_layers()
        .into_iter()
        .map(|layer| -> Box<dyn FnOnce() -> LayerBound + '_> {
            Box::new(move || match layer {
                LipschitzLayer::Dense {
                    name,
                    kind,
                    layer,
                    slope,
                } => fc_bound(&name, kind, layer, slope),
                LipschitzLayer::Conv { name, layer, grid } => conv_bound(name, layer, grid),
                LipschitzLayer::MaxPool { name } => pool(name),
            })
        })
        .collect()
}

/// Appends the `network` entry: the products of the layers' σ and bounds.
pub fn with_network(mut layers: Vec<LayerBound>) -> Vec<LayerBound> {
    let product = |f: fn(&LayerBound) -> f64| layers.iter().map(f).product();
    let network = LayerBound {
        layer: "network".into(),
        kind: "network".into(),
        shape: vec![],
        stride: 1,
        sigma: product(|l| l.sigma),
        bound: product(|l| l.bound),
    };
    layers.push(network);
    layers
}

fn host(t: Tensor<2>) -> Vec<f64> {
    t.into_data().iter::<f32>().map(f64::from).collect()
}

fn fc_bound(name: &str, kind: &str, layer: &Linear, slope: f64) -> LayerBound {
    let [inputs, outputs] = layer.weight.dims(); // Burn stores [in, out]
    let sigma = power::matrix_norm(&host(layer.weight.val()), inputs, outputs);
    LayerBound {
        layer: name.into(),
        kind: kind.into(),
        shape: vec![inputs, outputs],
        stride: 1,
        sigma,
        bound: slope * sigma,
    }
}

fn conv_bound(name: &str, layer: &Conv2d, grid: usize) -> LayerBound {
    let [outputs, inputs, size, _] = layer.weight.dims();
    let weights = host(layer.weight.val().reshape([outputs, inputs * size * size]));
    let kernel = conv::Kernel {
        weights: &weights,
        outputs,
        inputs,
        size,
    };
    let stride = layer.stride[0];
    let sigma = conv::conv_norm(&kernel, grid, stride);
    LayerBound {
        layer: name.into(),
        kind: "conv+relu".into(),
        shape: vec![inputs, size, size, outputs],
        stride,
        sigma,
        bound: sigma,
    }
}

fn pool(name: &str) -> LayerBound {
    LayerBound {
        layer: name.into(),
        kind: "maxpool".into(),
        shape: vec![2, 2],
        stride: 2,
        sigma: 1.0,
        bound: 1.0,
    }
}
