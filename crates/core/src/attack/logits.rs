//! The tensor programs of the attacks that work on logits rather than on the paper's
//! cross-entropy (DeepFool, Carlini–Wagner, JSMA): a batch's logits with the input gradient of
//! a weighted sum of them, or of the margin between a class and its strongest rival.

use crate::model::{Network, Traced};
use crate::{Error, Result};
use burn::prelude::*;

/// Per row: the logits (`rows × classes`), a value, and its gradient in the input
/// (`rows × inputs`), read back from the device in one transfer.
pub struct LogitGradient {
    pub logits: Vec<f32>,
    /// [`weighted`]: the weighted sum; [`rival_margin`]: the rival's logit minus the aim's.
    pub value: Vec<f32>,
    pub grad: Vec<f32>,
}

impl LogitGradient {
    /// Row `r`'s logits.
    pub fn logits(&self, r: usize) -> &[f32] {
        let classes = self.logits.len() / self.value.len().max(1);
        &self.logits[r * classes..(r + 1) * classes]
    }

    /// Row `r`'s gradient.
    pub fn grad(&self, r: usize) -> &[f32] {
        let inputs = self.grad.len() / self.value.len().max(1);
        &self.grad[r * inputs..(r + 1) * inputs]
    }
}

/// The largest logit's class (the first of equals), as the model's label.
pub fn argmax(logits: &[f32]) -> usize {
    (0..logits.len()).fold(0, |best, k| if logits[k] > logits[best] { k } else { best })
}

/// Rows `x` (`rows × inputs`) with `weights` (`rows × classes`): each row's logits Z and the
/// gradient of Σ_k weights_k·Z_k. Weights e_k − e_l give ∇(Z_k − Z_l) (DeepFool), e_t and
/// 1 − e_t the two sums of JSMA's saliency map. `device` must have autodiff enabled.
pub async fn weighted(
    model: &dyn Network,
    device: &Device,
    x: &[f32],
    weights: &[f32],
) -> Result<LogitGradient> {
    let (inputs, classes) = (model.inputs(), model.classes());
    let rows = x.len() / inputs;
    let traced = Traced::new(model, tensor(x, [rows, inputs], device).require_grad(), x);
    let w = tensor(weights, [rows, classes], device);
    let value = (traced.logits.clone() * w).sum_dim(1); // [rows, 1]
    read(traced, value).await
}

/// Rows `x` with one class `aims[r]` each: the logits and the margin m = max_{k≠aim} Z_k − Z_aim
/// (negative where the aim is the label) with its gradient, which flows through the strongest
/// rival only (Carlini–Wagner's f₆ loss is a hinge on m).
pub async fn rival_margin(
    model: &dyn Network,
    device: &Device,
    x: &[f32],
    aims: &[usize],
) -> Result<LogitGradient> {
    let inputs = model.inputs();
    let traced = Traced::new(
        model,
        tensor(x, [aims.len(), inputs], device).require_grad(),
        x,
    );
    let onehot = one_hot(aims, model.classes(), device);
    let margin = rival_over_aim(traced.logits.clone(), onehot);
    read(traced, margin).await
}

/// One row per aim, 1 in the aim's column. Built on the host: `Tensor::one_hot` checks its
/// indices with a blocking read, which panics on WebGPU in a browser.
pub fn one_hot(aims: &[usize], classes: usize, device: &Device) -> Tensor<2> {
    let ones: Vec<f32> = aims
        .iter()
        .flat_map(|&a| (0..classes).map(move |k| (k == a) as u8 as f32))
        .collect();
    tensor(&ones, [aims.len(), classes], device)
}

/// Per row, the largest logit but the aim's minus the aim's (`onehot` from [`one_hot`]):
/// negative where the aim is the label.
pub fn rival_over_aim(logits: Tensor<2>, onehot: Tensor<2>) -> Tensor<2> {
    let aimed = (logits.clone() * onehot.clone()).sum_dim(1); // [rows, 1]
    // Any real logit is far above the aim's masked to −1e30.
    let rival = (logits - onehot * 1e30).max_dim(1); // [rows, 1]
    rival - aimed
}

fn tensor(values: &[f32], shape: [usize; 2], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values.to_vec(), shape), device)
}

/// Differentiates `value` (summed over rows: rows are independent) in `x` and reads
/// `[logits | value | grad]` back in one transfer.
async fn read(traced: Traced<'_>, value: Tensor<2>) -> Result<LogitGradient> {
    let [rows, inputs] = traced.x.dims();
    let classes = traced.logits.dims()[1];
    let grads = value.clone().sum().backward();
    let grad = traced.input_grad(&grads).await?;
    let packed = Tensor::cat(vec![traced.logits.detach(), value.detach(), grad], 1);
    let data = packed.into_data_async().await.map_err(Error::device)?;
    let flat = data.try_into_vec_as::<f32>().map_err(Error::device)?;
    let width = classes + 1 + inputs;
    let mut out = LogitGradient {
        logits: Vec::with_capacity(rows * classes),
        value: Vec::with_capacity(rows),
        grad: Vec::with_capacity(rows * inputs),
    };
    for r in flat.chunks_exact(width) {
        out.logits.extend_from_slice(&r[..classes]);
        out.value.push(r[classes]);
        out.grad.extend_from_slice(&r[classes + 1..]);
    }
    Ok(out)
}
