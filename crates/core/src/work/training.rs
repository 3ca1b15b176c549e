//! How the training jobs run on a workshop: a step's shards differentiated on the weights the
//! coordinator sent, part of a pool refresh, one measure of a checkup, and a trained model's
//! errors for its card.

use super::{CheckupJob, ErrorSet, ErrorsJob, Failure, PoolJob, ShardsJob, Workshop};
use crate::PIXELS;
use crate::adversarial::{self, Example};
use crate::attack::{Control, Progress};
use crate::data::Digits;
use crate::eval::error_rate;
use crate::model::Classifier;
use crate::train::checkup::measure;
use crate::train::classifier_loss;
use crate::train::course::Base;
use crate::train::shards::{self, Shard, ShardGradient};
use crate::zoo;
use burn::module::Module;
use std::collections::HashMap;
use std::rc::Rc;

/// The course's architecture with `weights`, on the workshop's autodiff device.
fn model_with(w: &impl Workshop, base: Base, weights: &[f32]) -> Result<Classifier, Failure> {
    let arch = zoo::spec(base.twin())?.arch;
    Ok(shards::with_weights(arch.build(w.device()), weights)?)
}

/// Each shard's gradient, in the job's order.
pub(super) async fn train_shards(
    w: &impl Workshop,
    job: ShardsJob,
) -> Result<Vec<ShardGradient>, Failure> {
    let spec = job.course.spec()?;
    let model = model_with(w, job.course.base, &job.weights)?;
    let mnist = w.training().await?;
    let (shards, data) = carried(&job, &mnist.train)?;
    let loss = classifier_loss(&spec);
    let seed = spec.recipe.seed;
    let mut gradients = Vec::with_capacity(shards.len());
    for s in &shards {
        gradients.push(shards::gradient(&model, &data, s, seed, w.device(), &loss).await?);
    }
    Ok(gradients)
}

/// The job's shards over the digits they name alone (training digits, then the pool examples
/// it carries), renumbered in that order: the batches they make are the epoch's.
fn carried(job: &ShardsJob, train: &Digits) -> Result<(Vec<Shard>, Digits), Failure> {
    let pooled: HashMap<u32, &Example> = job.pooled.iter().map(|(d, e)| (*d, e)).collect();
    let (mut data, mut shards) = (Digits::default(), Vec::new());
    for shard in &job.shards {
        let mut renumbered = Vec::with_capacity(shard.digits.len());
        for &d in &shard.digits {
            // The session numbers pool examples after its clean digits.
            let (image, label) = match (pooled.get(&d), train.get(d as usize)) {
                (Some(e), _) if e.image.len() == PIXELS => (&e.image[..], e.label),
                (None, Some(digit)) => digit,
                _ => {
                    return Err(Failure::Job(format!(
                        "a shard names digit {d}, not carried"
                    )));
                }
            };
            renumbered.push(data.len() as u32);
            data.push(image, label);
        }
        shards.push(Shard {
            digits: renumbered,
            ..shard.clone()
        });
    }
    Ok((shards, data))
}

/// Part of a pool refresh: the digits attacked against the course's model, its successes.
pub(super) async fn pool_attack(w: &impl Workshop, job: PoolJob) -> Result<Vec<Example>, Failure> {
    let model = model_with(w, job.course.base, &job.weights)?;
    let mnist = w.training().await?;
    Ok(adversarial::attack(&model, w.device(), &mnist.train, &job.refresh).await?)
}

/// One measure of the model's checkup on the gallery.
pub(super) async fn checkup(
    w: &impl Workshop,
    job: CheckupJob,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<f64, Failure> {
    let model = match job.weights.is_empty() {
        true => w.model(job.base.twin()).await?,
        false => Rc::new(model_with(w, job.base, &job.weights)?),
    };
    let gallery = w.gallery().await?;
    let device = w.device();
    Ok(measure(&model, device, &gallery, &job.watch, job.measure, progress).await?)
}

/// The model's error rate on the job's set of digits.
pub(super) async fn errors(w: &impl Workshop, job: ErrorsJob) -> Result<f64, Failure> {
    let model = model_with(w, job.course.base, &job.weights)?.valid();
    let digits = match job.set {
        ErrorSet::Train { start, end } => {
            let train = &w.training().await?.train;
            train.range(start.min(train.len()), end.min(train.len()))
        }
        ErrorSet::Test => w.training().await?.test.clone(),
        ErrorSet::Slice => (*w.gallery().await?).clone(),
    };
    Ok(error_rate(&model, &digits, w.plain())?)
}
