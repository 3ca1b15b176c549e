//! Section 4.3: upper bounds on each layer's Lipschitz constant, whose product bounds how far
//! any perturbation r can move the network's output: ‖φ(x + r) − φ(x)‖ ≤ L‖r‖.
//!
//! Fully connected: σ_max(W) by power iteration. Convolution (grouped and depthwise too): the
//! Fourier formula of [`conv`]. Max-pooling, ReLU and ReLU6: 1. Sigmoid: ¼ (its largest slope),
//! so a sigmoid layer's bound is ¼‖W‖. Average pooling over an n×n map: 1/n. A residual
//! block x + F(x): 1 + F's bound. Biases (and batch norm folded into a convolution's weights
//! and bias) are accounted for: biases do not change a Lipschitz constant.

pub mod certified;
pub mod conv;
pub mod power;

use crate::model::LipschitzLayer;
use crate::model::efficientnet::EfficientNetLite0;
use burn::nn::Linear;
use burn::nn::conv::Conv2d;
use burn::prelude::*;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LayerBound {
    pub layer: String,
    /// "fc", "fc+sigmoid", "fc+relu", "conv+relu", "depthwise+relu6", "maxpool", "avgpool",
    /// "skip" (a residual block, whose bound is 1 + the product of the `spans` rows before it),
    /// or "network" for the product.
    pub kind: String,
    /// As the paper's Table 5 writes it: `[in, out]` for fc, `[in, k, k, out]` for conv.
    pub shape: Vec<usize>,
    pub stride: usize,
    /// Operator norm of the layer's linear map (1 for pooling).
    pub sigma: f64,
    /// Lipschitz bound of the layer including its activation.
    pub bound: f64,
    /// A skip row: how many rows before it its residual block wraps (0 for any other row).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub spans: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A network whose layers the bounds can read, input side first.
pub trait Layered {
    fn lipschitz_layers(&self) -> Vec<LipschitzLayer<'_>>;
}

impl Layered for crate::model::Classifier {
    fn lipschitz_layers(&self) -> Vec<LipschitzLayer<'_>> {
        crate::model::Classifier::lipschitz_layers(self)
    }
}

impl Layered for EfficientNetLite0 {
    fn lipschitz_layers(&self) -> Vec<LipschitzLayer<'_>> {
        EfficientNetLite0::lipschitz_layers(self)
    }
}

/// Per-layer bounds, input side first, then one `network` entry with the products.
pub fn lipschitz_bounds(model: &dyn Layered) -> Vec<LayerBound> {
    with_network(layer_jobs(model).into_iter().map(|job| job()).collect())
}

/// One computation per layer, to run in order (a browser page yields between them).
pub fn layer_jobs(model: &dyn Layered) -> Vec<Box<dyn FnOnce() -> LayerBound + '_>> {
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
                LipschitzLayer::Conv {
                    name,
                    kind,
                    layer,
                    grid,
                } => conv_bound(&name, kind, layer, grid),
                LipschitzLayer::MaxPool { name } => fixed(name, "maxpool", vec![2, 2], 2, 1.0),
                LipschitzLayer::AveragePool { name, grid } => {
                    fixed(name, "avgpool", vec![grid, grid], grid, 1.0 / grid as f64)
                }
                LipschitzLayer::Scale { name, factor } => fixed(name, "scale", vec![], 1, factor),
                LipschitzLayer::Skip { name, spans } => LayerBound {
                    layer: name,
                    kind: "skip".into(),
                    shape: vec![],
                    stride: 1,
                    sigma: f64::NAN, // 1 + the block's product, filled in by `with_network`
                    bound: f64::NAN,
                    spans,
                },
            })
        })
        .collect()
}

/// Fills in each skip row (1 + the product of the rows it wraps) and appends the `network`
/// entry: the products of the layers' σ and bounds, each residual block counted once, by its
/// skip row.
pub fn with_network(mut layers: Vec<LayerBound>) -> Vec<LayerBound> {
    // (σ, bound) of each link of the chain: a layer, or a whole residual block.
    let mut chain: Vec<(f64, f64)> = Vec::new();
    for layer in layers.iter_mut() {
        if layer.spans == 0 {
            chain.push((layer.sigma, layer.bound));
            continue;
        }
        let inner = chain.split_off(chain.len().saturating_sub(layer.spans));
        layer.sigma = 1.0 + inner.iter().map(|l| l.0).product::<f64>();
        layer.bound = 1.0 + inner.iter().map(|l| l.1).product::<f64>();
        chain.push((layer.sigma, layer.bound));
    }
    let network = LayerBound {
        layer: "network".into(),
        kind: "network".into(),
        shape: vec![],
        stride: 1,
        sigma: chain.iter().map(|l| l.0).product(),
        bound: chain.iter().map(|l| l.1).product(),
        spans: 0,
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
        spans: 0,
    }
}

fn conv_bound(name: &str, kind: &str, layer: &Conv2d, grid: usize) -> LayerBound {
    let [outputs, inputs, size, _] = layer.weight.dims(); // inputs per group
    let weights = host(layer.weight.val().reshape([outputs, inputs * size * size]));
    let kernel = conv::Kernel {
        weights: &weights,
        outputs,
        inputs,
        size,
    };
    let stride = layer.stride[0];
    // A zero-padded convolution is a circular one on a grid wide enough that nothing wraps
    // around; an unpadded one is bounded on its own input grid.
    let padded = !matches!(layer.padding, burn::nn::PaddingConfig2d::Valid);
    let grid = if padded { grid + size - 1 } else { grid };
    let grid = grid.next_multiple_of(stride);
    let sigma = conv::grouped_conv_norm(&kernel, layer.groups, grid, stride);
    LayerBound {
        layer: name.into(),
        kind: kind.into(),
        shape: vec![inputs * layer.groups, size, size, outputs],
        stride,
        sigma,
        bound: sigma,
        spans: 0,
    }
}

/// A layer whose norm is known without computing: pooling, a constant scale.
fn fixed(name: &str, kind: &str, shape: Vec<usize>, stride: usize, sigma: f64) -> LayerBound {
    LayerBound {
        layer: name.into(),
        kind: kind.into(),
        shape,
        stride,
        sigma,
        bound: sigma,
        spans: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(bound: f64, spans: usize) -> LayerBound {
        LayerBound {
            layer: String::new(),
            kind: if spans > 0 { "skip" } else { "conv" }.into(),
            shape: vec![],
            stride: 1,
            sigma: bound,
            bound,
            spans,
        }
    }

    #[test]
    fn a_residual_block_counts_once_as_one_plus_the_product_of_its_layers() {
        // 2 · [x + (3 · 5)(x)] · 7: the block is 1 + 15 = 16, the network 2 · 16 · 7.
        let rows = with_network(vec![
            row(2.0, 0),
            row(3.0, 0),
            row(5.0, 0),
            row(f64::NAN, 2),
            row(7.0, 0),
        ]);
        assert_eq!(rows[3].bound, 16.0);
        assert_eq!(rows.last().unwrap().bound, 2.0 * 16.0 * 7.0);
    }
}
