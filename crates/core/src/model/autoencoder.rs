//! AE400-10's autoencoder: the denoising encoder and decoder it pre-trains.
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::sigmoid;

/// A one-hidden-layer sigmoid autoencoder (untied weights). AE400-10 pre-trains it to
/// reconstruct inputs corrupted by masking noise (a denoising autoencoder), then puts a
/// softmax layer on its encoder and fine-tunes both (see `train::pretrain_autoencoder`).
#[derive(Module, Debug)]
pub struct Autoencoder {
    pub encoder: Linear,
    pub decoder: Linear,
}

impl Autoencoder {
    pub fn new(hidden: usize, device: &Device) -> Self {
        Autoencoder {
            encoder: LinearConfig::new(crate::PIXELS, hidden).init(device),
            decoder: LinearConfig::new(hidden, crate::PIXELS).init(device),
        }
    }

    /// `[n, 784]` → `[n, 784]` reconstruction in (0, 1).
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let code = sigmoid(self.encoder.forward(x)); // [n, hidden]
        sigmoid(self.decoder.forward(code)) // [n, 784]
    }
}
