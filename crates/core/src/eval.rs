//! Inference and error rates.

use crate::data::Digits;
use crate::model::Classifier;
use burn::prelude::*;
use burn::tensor::activation::softmax;

/// Images evaluated per forward pass.
const EVAL_BATCH: usize = 1000;

/// Predicted labels for every digit in `data`.
pub fn predict_labels(model: &Classifier, data: &Digits, device: &Device) -> Vec<u8> {
    let indices: Vec<usize> = (0..data.len()).collect();
    indices
        .chunks(EVAL_BATCH)
        .flat_map(|chunk| {
            let labels = model.forward(data.batch(chunk, device)).argmax(1);
            labels
                .into_data()
                .iter::<i64>()
                .map(|l| l as u8)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Fraction of `data` the model gets wrong.
pub fn error_rate(model: &Classifier, data: &Digits, device: &Device) -> f64 {
    let wrong = predict_labels(model, data, device)
        .iter()
        .zip(&data.labels)
        .filter(|(p, l)| p != l)
        .count();
    wrong as f64 / data.len().max(1) as f64
}

/// Class probabilities for one 784-pixel image (async: a WebGPU device is read asynchronously).
pub async fn probabilities(model: &Classifier, pixels: &[f32], device: &Device) -> Vec<f32> {
    let x = Tensor::<2>::from_data(TensorData::new(pixels.to_vec(), [1, crate::PIXELS]), device);
    let probs = softmax(model.forward(x), 1).into_data_async().await;
    probs.expect("device readback").iter::<f32>().collect()
}
