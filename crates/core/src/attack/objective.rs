//! The one tensor program every attack evaluates: for a batch of points x_i,
//! f_i = c_i·‖x_i − x0_i‖² + CE(model(x_i) / T, t_i), its gradient in x_i, and the predicted
//! label. T is a softmax temperature: 1 is the paper's loss; T < 1 sharpens the softmax so that
//! the loss pushes towards the nearest competing class only (see `LbfgsConfig::temperature`).

use super::logits::{one_hot, rival_over_aim};
use crate::model::{Network, Traced};
use crate::{Error, Result};
use burn::prelude::*;
use burn::tensor::activation::log_softmax;

/// Per-image results of one evaluation, read back from the device in one transfer.
pub struct Evaluation {
    pub value: Vec<f32>,
    pub cross_entropy: Vec<f32>,
    pub label: Vec<usize>,
    /// The target's logit minus the largest other logit: positive where the target is reached.
    pub margin: Vec<f32>,
    /// `n × inputs`, row-major.
    pub grad: Vec<f32>,
}

/// The points, originals, targets and weights of one batched evaluation.
pub struct Batch<'a> {
    /// `n × inputs` points to evaluate.
    pub x: &'a [f32],
    /// `n × inputs` originals the distance is measured from.
    pub x0: &'a [f32],
    pub targets: &'a [usize],
    pub c: &'a [f32],
    pub temperature: f32,
}

impl<'a> Batch<'a> {
    pub fn new(x: &'a [f32], x0: &'a [f32], targets: &'a [usize], c: &'a [f32], t: f32) -> Self {
        Batch {
            x,
            x0,
            targets,
            c,
            temperature: t,
        }
    }
}

/// Evaluates the objective on a batch. `device` must have autodiff enabled; the model must
/// live on it.
pub async fn evaluate(
    model: &dyn Network,
    device: &Device,
    batch: Batch<'_>,
) -> Result<Evaluation> {
    let Batch {
        x,
        x0,
        targets,
        c,
        temperature,
    } = batch;
    let (n, inputs, classes) = (targets.len(), model.inputs(), model.classes());
    let values = x;
    let x = Tensor::<2>::from_data(TensorData::new(x.to_vec(), [n, inputs]), device).require_grad();
    let x0 = Tensor::<2>::from_data(TensorData::new(x0.to_vec(), [n, inputs]), device);
    let c = Tensor::<2>::from_data(TensorData::new(c.to_vec(), [n, 1]), device);
    let onehot = one_hot(targets, classes, device);

    let traced = Traced::new(model, x.clone(), values);
    let logits = traced.logits.clone(); // [n, classes]
    let ce = -(log_softmax(logits.clone() / temperature, 1) * onehot.clone()).sum_dim(1); // [n, 1]
    let distance = (x.clone() - x0).powf_scalar(2.0).sum_dim(1); // [n, 1]
    let value = ce.clone() + c * distance; // [n, 1]
    let grads = value.clone().sum().backward();
    let grad = traced.input_grad(&grads).await?; // [n, inputs]
    let logits = logits.detach();
    let label = logits.clone().argmax(1).float(); // [n, 1]
    let margin = -rival_over_aim(logits, onehot); // [n, 1]

    // One readback: [value | ce | label | margin | grad] per row.
    let packed = Tensor::cat(vec![value.detach(), ce.detach(), label, margin, grad], 1); // [n, inputs + 4]
    let data = packed.into_data_async().await.map_err(Error::device)?;
    // Whole-slice copies: reading element by element (`TensorData::iter`, a boxed iterator)
    // took a tenth of a batch-100 fc100 evaluation in the browser.
    let flat = data.try_into_vec_as::<f32>().map_err(Error::device)?;
    let row = inputs + 4;
    let column = |j: usize| flat.chunks_exact(row).map(move |r| r[j]);
    let mut grad = Vec::with_capacity(n * inputs);
    for r in flat.chunks_exact(row) {
        grad.extend_from_slice(&r[4..]);
    }
    Ok(Evaluation {
        value: column(0).collect(),
        cross_entropy: column(1).collect(),
        label: column(2).map(|l| l as usize).collect(),
        margin: column(3).collect(),
        grad,
    })
}

/// The fewest rows from which a row's evaluation does not depend on its batch.
///
/// Splitting problems over batches or workers must give the same attack bit for bit
/// (`tests/attacks.rs`, `tests/wasm/attack.rs`): Burn Flex's matrix products (the `gemm` crate)
/// are batch-invariant from this many rows on, but one or two rows take other paths that round
/// differently. Padding costs up to 3× on lone rows, so only split attacks ask for it
/// (`LbfgsConfig::min_rows`).
pub const INVARIANT_ROWS: usize = 3;

/// [`evaluate`] on at least `least` rows: a smaller batch is evaluated with its last row
/// repeated, and the copies dropped.
pub async fn evaluate_at_least(
    model: &dyn Network,
    device: &Device,
    batch: Batch<'_>,
    least: usize,
) -> Result<Evaluation> {
    let n = batch.targets.len();
    if n == 0 || n >= least {
        return evaluate(model, device, batch).await;
    }
    let inputs = model.inputs();
    let padded = |v: &[f32], width: usize| {
        let mut v = v.to_vec();
        for _ in n..least {
            v.extend_from_within((n - 1) * width..n * width);
        }
        v
    };
    let (x, x0, c) = (
        padded(batch.x, inputs),
        padded(batch.x0, inputs),
        padded(batch.c, 1),
    );
    let mut targets = batch.targets.to_vec();
    targets.resize(least, batch.targets[n - 1]);
    let full = Batch::new(&x, &x0, &targets, &c, batch.temperature);
    let mut e = evaluate(model, device, full).await?;
    e.value.truncate(n);
    e.cross_entropy.truncate(n);
    e.label.truncate(n);
    e.margin.truncate(n);
    e.grad.truncate(n * inputs);
    Ok(e)
}
