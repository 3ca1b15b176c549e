//! Inference, in one place for the app, the CLI and the experiments: class probabilities, the
//! predicted label, labels of many images and error rates.

use crate::attack::block_on;
use crate::data::Digits;
use crate::model::{Classifier, Network};
use crate::{Error, Result};
use burn::prelude::*;
use burn::tensor::activation::softmax;

/// Images evaluated per forward pass.
const EVAL_BATCH: usize = 1000;

/// The most probable label of `probabilities` and its probability.
pub fn top(probabilities: &[f32]) -> (u8, f32) {
    let best = argmax(probabilities);
    (
        best,
        probabilities.get(usize::from(best)).copied().unwrap_or(0.0),
    )
}

/// The class with the highest score (the last of exact equals; 0 for no scores).
pub fn argmax(scores: &[f32]) -> u8 {
    (0..scores.len())
        .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
        .unwrap_or(0) as u8
}

/// Class probabilities for one image (an MNIST digit's 784 pixels, a photo's `[3, 224, 224]`;
/// async: a WebGPU device is read asynchronously).
pub async fn probabilities(
    model: &dyn Network,
    pixels: &[f32],
    device: &Device,
) -> Result<Vec<f32>> {
    if pixels.len() != model.inputs() {
        return Err(Error::Other(format!(
            "the model reads {} values per image, not {}",
            model.inputs(),
            pixels.len()
        )));
    }
    let x = Tensor::<2>::from_data(TensorData::new(pixels.to_vec(), [1, pixels.len()]), device);
    softmax_read(model.logits(x)).await
}

/// The softmax of `logits` (`[n, classes]`), read back row after row: async, as a WebGPU device
/// is only read that way.
pub async fn softmax_read(logits: Tensor<2>) -> Result<Vec<f32>> {
    let probs = softmax(logits, 1).into_data_async().await;
    probs
        .map_err(Error::device)?
        .try_into_vec_as::<f32>()
        .map_err(Error::device)
}

/// Labels the model gives each row of `pixels` (`n × inputs`), `batch` rows per forward pass
/// (MNIST's sets: 1,000).
pub async fn predict_in(
    model: &dyn Network,
    device: &Device,
    pixels: &[f32],
    batch: usize,
) -> Result<Vec<usize>> {
    let inputs = model.inputs();
    let mut labels = Vec::with_capacity(pixels.len() / inputs);
    for chunk in pixels.chunks(batch.max(1) * inputs) {
        let x = Tensor::<2>::from_data(
            TensorData::new(chunk.to_vec(), [chunk.len() / inputs, inputs]),
            device,
        );
        let out = model.logits(x).argmax(1).into_data_async().await;
        labels.extend(
            out.map_err(Error::device)?
                .iter::<i64>()
                .map(|l| l as usize),
        );
    }
    Ok(labels)
}

/// [`predict_in`] in batches of 1,000 digits.
pub async fn predict(model: &Classifier, device: &Device, pixels: &[f32]) -> Result<Vec<usize>> {
    predict_in(model, device, pixels, EVAL_BATCH).await
}

/// Fraction of `predicted` that differ from `labels` (0 for an empty set).
pub fn fraction_wrong(predicted: &[usize], labels: &[u8]) -> f64 {
    rate(count_wrong(predicted, labels), labels.len())
}

/// How many of `predicted` differ from `labels`.
pub fn count_wrong(predicted: &[usize], labels: &[u8]) -> usize {
    let differ = |(&p, &l): (&usize, &u8)| p != usize::from(l);
    predicted
        .iter()
        .zip(labels)
        .filter(|&pair| differ(pair))
        .count()
}

/// `count` of `n` as a fraction (0 of none): an error rate, a success rate.
pub fn rate(count: usize, n: usize) -> f64 {
    count as f64 / n.max(1) as f64
}

/// Fraction of `data` the model gets wrong, on a CPU device (it blocks), converting 1,000
/// digits at a time so that the whole set is never held as floats.
pub fn error_rate(model: &Classifier, data: &Digits, device: &Device) -> Result<f64> {
    let mut predicted = Vec::with_capacity(data.len());
    for start in (0..data.len()).step_by(EVAL_BATCH) {
        let part = data.range(start, (start + EVAL_BATCH).min(data.len()));
        predicted.extend(block_on(predict(model, device, &part.floats()))?);
    }
    Ok(fraction_wrong(&predicted, &data.labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_takes_the_highest() {
        assert_eq!(argmax(&[0.1, 0.7, 0.2]), 1);
        assert_eq!(argmax(&[0.5, 0.2, 0.5]), 2);
        assert_eq!(argmax(&[]), 0);
    }
}
