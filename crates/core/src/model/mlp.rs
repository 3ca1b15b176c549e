use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::sigmoid;

/// A fully connected network: sigmoid hidden layers, a linear output giving logits.
/// With no hidden layer it is the paper's FC10 (softmax regression on pixels).
#[derive(Module, Debug)]
pub struct Mlp {
    /// `layers[k]` maps layer k's units to layer k+1's; the last one gives the 10 logits.
    pub layers: Vec<Linear>,
}

impl Mlp {
    /// `sizes` lists the widths from input to output, e.g. `[784, 100, 100, 10]`.
    pub fn new(sizes: &[usize], device: &Device) -> Self {
        let layers = sizes
            .windows(2)
            .map(|w| LinearConfig::new(w[0], w[1]).init(device))
            .collect();
        Mlp { layers }
    }

    /// `[n, 784]` pixels in [0, 1] → `[n, 10]` logits.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(x, |h, (k, layer)| {
            let z = layer.forward(h); // [n, sizes[k+1]]
            if k == last { z } else { sigmoid(z) }
        })
    }

    /// The activations after hidden layer `k` (0-based), `[n, sizes[k+1]]`.
    pub fn hidden(&self, x: Tensor<2>, k: usize) -> Tensor<2> {
        self.layers[..=k]
            .iter()
            .fold(x, |h, layer| sigmoid(layer.forward(h)))
    }

    /// Σ_k (λ_k/2) ‖W_k‖² with one λ per layer.
    pub fn weight_penalty(&self, lambdas: &[f32]) -> Tensor<1> {
        assert_eq!(lambdas.len(), self.layers.len(), "one λ per layer");
        let mut terms = self
            .layers
            .iter()
            .zip(lambdas)
            .map(|(l, &lam)| super::l2(l.weight.val(), lam));
        let first = terms.next().expect("at least one layer");
        terms.fold(first, |acc, t| acc + t)
    }
}
