//! How the training jobs run on a workshop: a step's shards differentiated on the weights the
//! coordinator sent, and one measure of a checkup.

use super::{CheckupJob, Failure, ShardsJob, Workshop};
use crate::attack::{Control, Progress};
use crate::model::Classifier;
use crate::train::checkup::measure;
use crate::train::classifier_loss;
use crate::train::course::Base;
use crate::train::shards::{self, ShardGradient};
use crate::zoo;
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
    let data = w.training().await?;
    let in_range = |s: &shards::Shard| s.digits.iter().all(|&d| (d as usize) < data.len());
    if !job.shards.iter().all(in_range) {
        return Err(Failure::Job(
            "a shard names digits the job does not carry".into(),
        ));
    }
    let loss = classifier_loss(&spec);
    let seed = spec.recipe.seed;
    Ok((job.shards.iter())
        .map(|s| shards::gradient(&model, &data, s, seed, w.device(), &loss))
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
