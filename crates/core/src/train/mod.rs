//! Training: one seeded mini-batch loop for every architecture, with the optimizer the
//! model's recipe names (Adam, or SGD with momentum), each batch's gradient taken over the
//! recipe's shards (`shards.rs`). A run driven step by step from outside (the page's Train
//! panel) is a `session::Session` over a `course::Course`.

pub mod checkup;
pub mod course;
pub mod session;
pub mod shards;

use crate::adversarial::Pool;
use crate::attack::block_on;
use crate::data::Digits;
use crate::defence;
use crate::layer_pools::LayerPools;
use crate::model::{Autoencoder, Classifier};
use crate::rng::Rng;
use crate::zoo::{Defence, ModelSpec, Optimizer, Recipe};
use crate::{Error, Result};
use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamConfig, ModuleOptimizer, SgdConfig};
use burn::prelude::*;
use std::cell::RefCell;

/// What the training loop reports after each mini-batch.
#[derive(Clone, Copy, Debug)]
pub struct TrainingStep {
    /// Name of the phase: "pretrain" (autoencoder) or "train".
    pub phase: &'static str,
    pub epoch: usize,
    pub epochs: usize,
    /// Batches done in this phase, and in all.
    pub step: usize,
    pub steps: usize,
    pub loss: f32,
}

/// Cosine decay from `lr` to `lr / 20` over `steps`.
pub fn learning_rate(lr: f64, step: usize, steps: usize) -> f64 {
    let t = step as f64 / steps.max(1) as f64;
    lr * (0.05 + 0.95 * 0.5 * (1.0 + (std::f64::consts::PI * t).cos()))
}

/// A named stretch of training: "pretrain" or "train", and its number of epochs.
#[derive(Clone, Copy)]
struct Phase(&'static str, usize);

/// The optimizer the recipe names, fresh.
pub fn optimizer(recipe: &Recipe) -> ModuleOptimizer {
    match recipe.optimizer {
        Optimizer::Adam => AdamConfig::new().init(),
        Optimizer::Momentum => SgdConfig::new()
            .with_momentum(Some(
                MomentumConfig::new().with_momentum(0.9).with_dampening(0.0),
            ))
            .init(),
    }
}

/// The order an epoch visits `n` digits in: a permutation seeded by the recipe's seed and the
/// epoch.
pub fn epoch_order(seed: u64, epoch: usize, n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    Rng::new(seed.wrapping_mul(1000) + epoch as u64).shuffle(&mut order);
    order
}

/// A batch's loss, `loss(model, x, y, rng)`, with a generator for its noise.
pub trait Loss<M>: Fn(&M, Tensor<2>, Tensor<1, Int>, &mut Rng) -> Tensor<1> {}
impl<M, F: Fn(&M, Tensor<2>, Tensor<1, Int>, &mut Rng) -> Tensor<1>> Loss<M> for F {}

/// Runs the phase's epochs of the recipe's optimizer over `data`, minimising `loss`. Batches
/// come from [`epoch_order`]; each batch's gradient is the sum of its shards' (`shards.rs`).
fn fit<M: Module>(
    model: M,
    data: &Digits,
    recipe: &Recipe,
    phase: Phase,
    device: &Device,
    loss: impl Loss<M>,
    progress: &mut dyn FnMut(TrainingStep),
) -> Result<M> {
    let hooks = Hooks {
        epoch: &mut |_, _| Ok(None),
        batch: &mut |_, _, _| Ok(()),
    };
    fit_mixed(model, data, recipe, phase, device, loss, hooks, progress)
}

/// What adversarial training changes between [`fit_mixed`]'s steps.
struct Hooks<'a, M> {
    /// `epoch(epoch, model)`, before each epoch: may replace its data (the paper's pool as
    /// `adversarial.rs` reads it adds its examples there).
    epoch: &'a mut dyn FnMut(usize, &M) -> Result<Option<Digits>>,
    /// `batch(epoch, b, model)`, before batch `b` of the epoch (pools for every layer are
    /// refreshed there).
    batch: &'a mut dyn FnMut(usize, usize, &M) -> Result<()>,
}

/// [`fit`] with `hooks` called before each epoch and batch. The learning-rate schedule runs
/// over fractional epochs.
#[allow(clippy::too_many_arguments)]
fn fit_mixed<M: Module>(
    mut model: M,
    data: &Digits,
    recipe: &Recipe,
    Phase(phase, epochs): Phase,
    device: &Device,
    loss: impl Loss<M>,
    hooks: Hooks<M>,
    progress: &mut dyn FnMut(TrainingStep),
) -> Result<M> {
    let mut optim = optimizer(recipe);
    let per_epoch = data.len().div_ceil(recipe.batch);
    let steps = per_epoch * epochs;
    let mut step = 0;
    for epoch in 0..epochs {
        let mixed = (hooks.epoch)(epoch, &model)?;
        let data = mixed.as_ref().unwrap_or(data);
        let order = epoch_order(recipe.seed, epoch, data.len());
        let batches = order.len().div_ceil(recipe.batch);
        for (b, batch) in order.chunks(recipe.batch).enumerate() {
            (hooks.batch)(epoch, b, &model)?;
            let parts = (shards::cut(step, batch, recipe.shards).iter())
                .map(|s| {
                    block_on(shards::gradient(
                        &model,
                        data,
                        s,
                        recipe.seed,
                        device,
                        &loss,
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            let (grads, value) = shards::merge(&model, &parts)?;
            // Position in the run in units of clean-epoch batches (equals `step` without a pool).
            let at = (epoch * per_epoch) + b * per_epoch / batches;
            model = optim.step(learning_rate(recipe.lr, at, steps), model, grads);
            step += 1;
            progress(TrainingStep {
                phase,
                epoch,
                epochs,
                step,
                steps,
                loss: value,
            });
        }
    }
    Ok(model)
}

/// Mean cross-entropy of `logits` `[n, 10]` against labels `[n]`.
pub(crate) fn cross_entropy(logits: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1> {
    CrossEntropyLossConfig::new()
        .init(&logits.device())
        .forward(logits, labels)
}

/// Fraction of pixels zeroed by the denoising autoencoder's masking noise.
pub const MASKING_NOISE: f64 = 0.25;

/// Pre-trains a denoising autoencoder: reconstruct x (squared error) from x with a random
/// quarter of its pixels zeroed, with Adam at 1e-3 (the summed squared error is too steep for
/// the classifiers' SGD step). The masks come from a seeded generator.
pub fn pretrain_autoencoder(
    hidden: usize,
    data: &Digits,
    recipe: &Recipe,
    device: &Device,
    progress: &mut dyn FnMut(TrainingStep),
) -> Result<Autoencoder> {
    let ae = Autoencoder::new(hidden, device);
    let mask_rng = std::cell::RefCell::new(Rng::new(recipe.seed ^ 0xAE));
    // Sequential masks, whatever the shards (the committed AE400-10 was trained with them).
    let loss = |m: &Autoencoder, x: Tensor<2>, _y: Tensor<1, Int>, _: &mut Rng| {
        let [n, p] = x.dims();
        let mask: Vec<f32> = (0..n * p)
            .map(|_| (mask_rng.borrow_mut().uniform() >= MASKING_NOISE) as u8 as f32)
            .collect();
        let mask = Tensor::<2>::from_data(TensorData::new(mask, [n, p]), &x.device());
        let reconstruction = m.forward(x.clone() * mask); // [n, 784]
        (reconstruction - x).powf_scalar(2.0).sum_dim(1).mean()
    };
    let adam = Recipe {
        optimizer: Optimizer::Adam,
        lr: 1e-3,
        ..*recipe
    };
    fit(
        ae,
        data,
        &adam,
        Phase("pretrain", recipe.pretrain_epochs),
        device,
        loss,
        progress,
    )
}

/// What hears of each finished epoch: its number (from 0) and the model as it is then (on the
/// training device). An error stops the training.
pub type EpochEnd<'a> = &'a mut dyn FnMut(usize, &Classifier) -> Result<()>;

/// Trains the model `spec` describes on `data` (its split of MNIST, or a course's digits), on
/// `device` (with autodiff; the zoo was trained on the CPU, Flex) seeded with the recipe's
/// seed, with `epoch_end` told of each finished epoch (`blindspot train --watch`), and returns
/// it without autodiff, ready to evaluate and save.
pub fn train_watched(
    spec: &ModelSpec,
    data: &Digits,
    device: &Device,
    progress: &mut dyn FnMut(TrainingStep),
    epoch_end: EpochEnd,
) -> Result<Classifier> {
    device.seed(spec.recipe.seed);
    train_on_watched(spec, data, device, progress, epoch_end)
}

/// The loss a classifier trains on under `spec`: the cross-entropy of each batch (perturbed,
/// where its defence perturbs batches) plus the weight penalty.
pub fn classifier_loss(spec: &ModelSpec) -> impl Loss<Classifier> + '_ {
    |m: &Classifier, x: Tensor<2>, y: Tensor<1, Int>, rng: &mut Rng| {
        let fit = match &spec.recipe.defence {
            Defence::Perturbed(p) => defence::loss(m, x, y, p, rng),
            _ => cross_entropy(m.forward(x), y),
        };
        fit + m.weight_penalty(spec.lambdas)
    }
}

/// [`train_watched`] without seeding the device or watching epochs (the caller seeds; tests
/// train on a small slice).
pub fn train_on(
    spec: &ModelSpec,
    data: &Digits,
    device: &Device,
    progress: &mut dyn FnMut(TrainingStep),
) -> Result<Classifier> {
    train_on_watched(spec, data, device, progress, &mut |_, _| Ok(()))
}

/// [`train_on`], with `epoch_end` told of each finished epoch.
pub fn train_on_watched(
    spec: &ModelSpec,
    data: &Digits,
    device: &Device,
    progress: &mut dyn FnMut(TrainingStep),
    epoch_end: EpochEnd,
) -> Result<Classifier> {
    let recipe = &spec.recipe;
    let mut model = spec.arch.build(device);
    if recipe.pretrain_epochs > 0 {
        let no_encoder = || Error::Other(format!("{} has no dense first layer", spec.name));
        let width = model.encoder_width().ok_or_else(no_encoder)?;
        let ae = pretrain_autoencoder(width, data, recipe, device, progress)?;
        model = model.with_encoder(ae.encoder)?;
    }
    let layer_pools = match recipe.defence {
        Defence::LayerPools(p) => Some(RefCell::new(LayerPools::new(p, &model, recipe.seed)?)),
        _ => None,
    };
    let plain = classifier_loss(spec);
    let loss = |m: &Classifier, x: Tensor<2>, y: Tensor<1, Int>, rng: &mut Rng| {
        let pooled = (layer_pools.as_ref()).and_then(|p| p.borrow().loss(m, data, device, rng));
        match pooled {
            // The pools' examples count as digits of the batch: one mean over all of them.
            Some((summed, count)) => {
                let n = x.dims()[0];
                let clean = cross_entropy(m.forward(x), y).mul_scalar(n as f32);
                (clean + summed).div_scalar((n + count) as f32) + m.weight_penalty(spec.lambdas)
            }
            None => plain(m, x, y, rng),
        }
    };
    let mut pool = Pool::default();
    let mut rng = crate::adversarial::pool_rng(recipe.seed);
    // Called before each epoch: the end of the one before, then the pool's refresh.
    let mut mix = |epoch: usize, m: &Classifier| {
        if epoch > 0 {
            epoch_end(epoch - 1, m)?;
        }
        match recipe.defence {
            Defence::Pool(p) if epoch >= p.start_epoch => {
                pool.refresh(m, device, data, &p, &mut rng)?;
                Ok(Some(pool.mixed_with(data)))
            }
            _ => Ok(None),
        }
    };
    let mut refresh = |epoch: usize, b: usize, m: &Classifier| match &layer_pools {
        Some(p) if p.borrow().due(epoch, b) => p.borrow_mut().refresh(m, device, data),
        _ => Ok(()),
    };
    let hooks = Hooks {
        epoch: &mut mix,
        batch: &mut refresh,
    };
    let phase = Phase("train", recipe.epochs);
    let trained = fit_mixed(model, data, recipe, phase, device, loss, hooks, progress)?;
    if recipe.epochs > 0 {
        epoch_end(recipe.epochs - 1, &trained)?;
    }
    Ok(trained.valid())
}
