//! How the training jobs run on a workshop: a step's shards differentiated on the weights the
//! coordinator sent, one measure of a checkup, and a trained model's errors for its card.

use super::{CheckupJob, ErrorSet, ErrorsJob, Failure, ShardsJob, Workshop};
use crate::attack::{Control, Progress};
use crate::eval::error_rate;
use crate::model::Classifier;
use crate::train::checkup::measure;
use crate::train::classifier_loss;
use crate::train::course::Base;
use crate::train::shards::{self, ShardGradient};
use crate::zoo;
use burn::module::Module;
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
    let data = &mnist.train;
    let in_range = |s: &shards::Shard| s.digits.iter().all(|&d| (d as usize) < data.len());
    if !job.shards.iter().all(in_range) {
        return Err(Failure::Job(
            "a shard names digits the job does not carry".into(),
        ));
    }
    let loss = classifier_loss(&spec);
    let seed = spec.recipe.seed;
    Ok((job.shards.iter())
        .map(|s| shards::gradient(&model, data, s, seed, w.device(), &loss))
        .collect())
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
