//! What a Lipschitz bound certifies (Section 4.3 turned round): the logits move at most L‖r‖,
//! so the difference of two logits moves at most √2·L‖r‖, and no perturbation smaller than
//! margin / (√2·L) can lift the target's logit over the true label's. Divided by √inputs it is
//! a per-pixel RMS, comparable with Table 1's distortions.

use crate::model::Network;
use crate::{Error, Result};
use burn::prelude::*;

/// The mean over the images (`n × inputs`, with their true `labels` and attack `targets`) of
/// the smallest per-pixel RMS that could make `model` (bound `lipschitz`) score the target at
/// least as high as the true label: 0 where it already does.
pub async fn certified_rms(
    model: &dyn Network,
    device: &Device,
    pixels: &[f32],
    labels: &[u8],
    targets: &[u8],
    lipschitz: f64,
) -> Result<f64> {
    let (n, inputs, classes) = (labels.len(), model.inputs(), model.classes());
    let x = Tensor::<2>::from_data(TensorData::new(pixels.to_vec(), [n, inputs]), device);
    let logits = model
        .logits(x)
        .into_data_async()
        .await
        .map_err(Error::device)?;
    let logits = logits.try_to_vec::<f32>().map_err(Error::device)?;
    let (logit_pair, side) = (2f64.sqrt() * lipschitz, (inputs as f64).sqrt());
    let sum: f64 = (logits.chunks(classes).zip(labels).zip(targets))
        .map(|((z, &label), &target)| {
            let margin = (z[label as usize] - z[target as usize]).max(0.0) as f64;
            margin / logit_pair / side
        })
        .sum();
    Ok(sum / n.max(1) as f64)
}
