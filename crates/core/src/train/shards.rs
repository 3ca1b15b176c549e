//! Data-parallel training steps: a batch cut into a fixed number of shards, each shard's share
//! of the loss differentiated apart (by whichever worker holds it, or here one after another),
//! the gradients passed as flat vectors and summed in shard order. The sum does not depend on
//! who computed which shard, so 1 and N workers give bit-identical weights at the same seed.

use crate::data::Digits;
use crate::rng::Rng;
use crate::{Error, Result};
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;

/// One shard of a training batch.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// Batches done before this one in the run: with `index`, it seeds the shard's noise.
    pub step: usize,
    /// Its place in the batch (the order the gradients are summed in).
    pub index: usize,
    /// Which digits of the epoch's data it holds.
    pub digits: Vec<u32>,
    /// Digits in the whole batch: the shard's loss is weighted by its share of them.
    pub batch_len: usize,
}

impl Shard {
    /// The generator for this shard's noise (random starts), from the run's `seed`: the same
    /// wherever the shard is computed.
    pub fn rng(&self, seed: u64) -> Rng {
        let mut mix = Rng::new(seed ^ (self.step as u64).wrapping_mul(0x9E37_79B9));
        Rng::new(mix.next_u64() ^ self.index as u64)
    }
}

/// The batch `digits` (step `step` of the run) cut into `count` contiguous shards of equal
/// size but for the last (fewer where the batch is smaller than `count`).
pub fn cut(step: usize, digits: &[usize], count: usize) -> Vec<Shard> {
    let size = digits.len().div_ceil(count.max(1)).max(1);
    digits
        .chunks(size)
        .enumerate()
        .map(|(index, chunk)| Shard {
            step,
            index,
            digits: chunk.iter().map(|&d| d as u32).collect(),
            batch_len: digits.len(),
        })
        .collect()
}

/// A shard's part of a step: its share of the batch's loss and the gradient of that share
/// with respect to every parameter, flat, in the module's visiting order.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShardGradient {
    pub loss: f32,
    #[serde(with = "crate::work::wire::floats")]
    pub values: Vec<f32>,
}

/// Differentiates the shard's share of the batch loss, `loss(model, x, y, rng)` on the shard's
/// digits weighted by shard size / batch size (a loss that is a batch mean plus a penalty sums
/// over the shards to the whole batch's). `model` lives on an autodiff device. The loss and
/// every gradient come back in one asynchronous read (a WebGPU device allows no other).
pub async fn gradient<M: Module>(
    model: &M,
    data: &Digits,
    shard: &Shard,
    seed: u64,
    device: &Device,
    loss: &impl super::Loss<M>,
) -> Result<ShardGradient> {
    let digits: Vec<usize> = shard.digits.iter().map(|&d| d as usize).collect();
    let (x, y) = (
        data.batch(&digits, device),
        data.batch_labels(&digits, device),
    );
    let mut l = loss(model, x, y, &mut shard.rng(seed));
    if digits.len() != shard.batch_len {
        l = l.mul_scalar(digits.len() as f32 / shard.batch_len as f32);
    }
    let value = l.clone().detach();
    let grads = GradientsParams::from_grads(l.backward(), model);
    let mut flat = Flatten {
        grads: &grads,
        parts: Vec::new(),
    };
    model.visit(&mut flat);
    flat.parts.push(value.inner()); // the loss, last
    let all = Tensor::cat(flat.parts, 0).into_data_async().await;
    let mut values = (all.map_err(Error::device)?)
        .try_into_vec_as::<f32>()
        .map_err(Error::device)?;
    let loss = values
        .pop()
        .ok_or_else(|| Error::Other("an empty gradient".into()))?;
    Ok(ShardGradient { loss, values })
}

/// The shards' gradients summed in their order, as the optimizer takes them for `model`, and
/// the batch's loss. Fails where a gradient does not fit the model (a worker's bad answer).
pub fn merge<M: Module>(model: &M, parts: &[ShardGradient]) -> Result<(GradientsParams, f32)> {
    let (first, rest) = parts
        .split_first()
        .ok_or_else(|| Error::Other("a training step with no shards".into()))?;
    let mut sum = first.values.clone();
    for part in rest {
        if part.values.len() != sum.len() {
            return Err(Error::Other("the shards' gradients differ in size".into()));
        }
        sum.iter_mut().zip(&part.values).for_each(|(s, v)| *s += v);
    }
    let mut unflatten = Unflatten {
        values: &sum,
        at: 0,
        grads: GradientsParams::new(),
    };
    model.visit(&mut unflatten);
    if unflatten.at != sum.len() {
        return Err(Error::Other(format!(
            "a gradient of {} values for a model of {}",
            sum.len(),
            unflatten.at
        )));
    }
    let loss = rest.iter().fold(first.loss, |l, part| l + part.loss);
    Ok((unflatten.grads, loss))
}

/// Every float parameter's values, flat, in the module's visiting order (the order gradients
/// travel in): what a worker needs to compute a shard on the model as it is now.
pub fn flat_weights<M: Module>(model: &M) -> Vec<f32> {
    struct Values(Vec<f32>);
    impl ModuleVisitor for Values {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            self.0.extend(param.val().into_data().iter::<f32>());
        }
    }
    let mut values = Values(Vec::new());
    model.visit(&mut values);
    values.0
}

/// `model` with its float parameters replaced by `values` ([`flat_weights`]' order), each on
/// its parameter's device and keeping whether it is differentiated. Fails where `values` does
/// not fit the model.
pub fn with_weights<M: Module>(model: M, values: &[f32]) -> Result<M> {
    let mut load = Load { values, at: 0 };
    let model = model.map(&mut load);
    if load.at != values.len() {
        return Err(Error::Other(format!(
            "weights of {} values for a model of {}",
            values.len(),
            load.at
        )));
    }
    Ok(model)
}

/// Replaces each float parameter by its slice of `values` (left as it is where they run out).
struct Load<'a> {
    values: &'a [f32],
    at: usize,
}

impl ModuleMapper for Load<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        param.map(|tensor| {
            let shape = tensor.shape();
            let end = self.at + shape.num_elements();
            let slice = self.values.get(self.at..end);
            self.at = end;
            match slice {
                Some(slice) => {
                    let grad = tensor.is_require_grad();
                    let data = TensorData::new(slice.to_vec(), shape);
                    Tensor::from_data(data, &tensor.device()).set_require_grad(grad)
                }
                None => tensor,
            }
        })
    }
}

/// Collects each float parameter's gradient (zeros where it has none), flat, on the device the
/// gradients live on (without autodiff).
struct Flatten<'a> {
    grads: &'a GradientsParams,
    parts: Vec<Tensor<1>>,
}

impl ModuleVisitor for Flatten<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let n = param.val().shape().num_elements();
        self.parts.push(match self.grads.get::<D>(param.id) {
            Some(g) => g.reshape([n]),
            None => Tensor::zeros([n], &param.val().inner().device()),
        });
    }
}

/// Registers each float parameter's slice of `values` as its gradient, on the device the
/// optimizer expects (the parameter's, without autodiff).
struct Unflatten<'a> {
    values: &'a [f32],
    at: usize,
    grads: GradientsParams,
}

impl ModuleVisitor for Unflatten<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val().inner();
        let shape = value.shape();
        let end = self.at + shape.num_elements();
        if let Some(slice) = self.values.get(self.at..end) {
            let data = TensorData::new(slice.to_vec(), shape);
            self.grads
                .register::<D>(param.id, Tensor::from_data(data, &value.device()));
        }
        self.at = end;
    }
}
