//! The fully connected networks of the zoo (FC10, FC100-100-10, …).
use super::{LipschitzLayer, ProbeLayer};
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
        self.logits_from(x, 0)
    }

    /// Logits from the activations `h` of layer `level` (0: the pixels; k: hidden layer k,
    /// counted from 1 as the probe names `hK` count): the layers above it.
    pub fn logits_from(&self, h: Tensor<2>, level: usize) -> Tensor<2> {
        let last = self.layers.len() - 1;
        (self.layers.iter().enumerate().skip(level)).fold(h, |h, (k, layer)| {
            let z = layer.forward(h); // [n, sizes[k+1]]
            if k == last { z } else { sigmoid(z) }
        })
    }

    /// The activations of layer `level` (0: the pixels themselves), `[n, width]`.
    pub fn activations(&self, x: Tensor<2>, level: usize) -> Tensor<2> {
        match level {
            0 => x,
            k => self.hidden(x, k - 1),
        }
    }

    /// Width of layer `level` (0: the 784 pixels), where the network has that layer below
    /// its output.
    pub fn width(&self, level: usize) -> Option<usize> {
        (level < self.layers.len()).then(|| self.layers[level].weight.dims()[0]) // [in, out]
    }

    /// Logits from layer `level`'s activations `h` with `shift` (`[n, width]`) added and the
    /// sum clipped to [0, 1] (the pixels' range and the sigmoid's): an adversarial example for
    /// that layer, replayed on the activations of digits.
    pub fn shifted_logits(&self, h: Tensor<2>, level: usize, shift: Tensor<2>) -> Tensor<2> {
        self.logits_from((h + shift).clamp(0.0, 1.0), level)
    }

    /// The activations after hidden layer `k` (0-based), `[n, sizes[k+1]]`.
    pub fn hidden(&self, x: Tensor<2>, k: usize) -> Tensor<2> {
        self.layers[..=k]
            .iter()
            .fold(x, |h, layer| sigmoid(layer.forward(h)))
    }

    /// The hidden layers `h1`, `h2`, … (none for softmax regression).
    pub fn probe_layers(&self) -> Vec<ProbeLayer> {
        let last = self.layers.len() - 1;
        let widths: Vec<usize> = self.layers[..last]
            .iter()
            .map(|l| l.weight.dims()[1]) // Burn stores [in, out]
            .collect();
        hidden_layers(&widths)
    }

    /// The activations of hidden layer `hK`, `[n, width]`.
    pub fn probe(&self, x: Tensor<2>, name: &str) -> Option<Tensor<2>> {
        let k: usize = name.strip_prefix('h')?.parse().ok()?;
        (1..self.layers.len())
            .contains(&k)
            .then(|| self.hidden(x, k - 1))
    }

    /// `fc1`, `fc2`, …: sigmoid layers (slope ¼) and the linear output layer.
    pub fn lipschitz_layers(&self) -> Vec<LipschitzLayer<'_>> {
        let last = self.layers.len() - 1;
        self.layers
            .iter()
            .enumerate()
            .map(|(k, layer)| LipschitzLayer::Dense {
                name: format!("fc{}", k + 1),
                kind: if k == last { "fc" } else { "fc+sigmoid" },
                layer,
                slope: if k == last { 1.0 } else { 0.25 },
            })
            .collect()
    }

    /// Multiply-adds of one forward pass for one image.
    pub fn macs_per_image(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weight.dims().iter().product::<usize>())
            .sum()
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

/// The probe layers of an MLP with these hidden widths: `h1`, `h2`, …
pub fn hidden_layers(hidden: &[usize]) -> Vec<ProbeLayer> {
    hidden
        .iter()
        .enumerate()
        .map(|(k, &width)| ProbeLayer::new(format!("h{}", k + 1), width))
        .collect()
}

/// The layers of an MLP above one of its layers, as a network of its own: what the paper's
/// adversarial examples "for the hidden layers" attack (inputs: that layer's activations).
pub struct Above<'a> {
    pub mlp: &'a Mlp,
    /// 0: the pixels; k: hidden layer k.
    pub level: usize,
}

impl super::Network for Above<'_> {
    fn inputs(&self) -> usize {
        self.mlp.width(self.level).unwrap_or(0)
    }

    fn classes(&self) -> usize {
        crate::CLASSES
    }

    fn logits(&self, h: Tensor<2>) -> Tensor<2> {
        self.mlp.logits_from(h, self.level)
    }
}
