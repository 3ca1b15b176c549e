//! A training run driven one step at a time from outside (the page's Train panel, whose
//! workers compute the shards): the model and its optimizer, where the run is, the next
//! batch's shards and the step that applies their gradients. It makes the batches, learning
//! rates and updates `train_on` makes for the same spec and data, so a course trained in the
//! page is the one `blindspot train` would give.

use super::course::Course;
use super::shards::{self, Shard, ShardGradient};
use super::{epoch_order, learning_rate, optimizer};
use crate::Result;
use crate::model::Classifier;
use crate::zoo::ModelSpec;
use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::prelude::{Device, Tensor};

pub struct Session {
    pub course: Course,
    spec: ModelSpec,
    /// On the session's autodiff device.
    model: Classifier,
    optim: ModuleOptimizer,
    /// Digits an epoch visits.
    len: usize,
    /// Batches done.
    step: usize,
    /// The current epoch's order (computed once an epoch).
    order: (usize, Vec<usize>),
}

impl Session {
    /// A new run of `course` over `len` digits, its model initialised as `train` initialises
    /// it (the device seeded with the course's seed). `device` has autodiff.
    pub fn new(course: Course, len: usize, device: &Device) -> Result<Self> {
        let spec = course.spec()?;
        device.seed(spec.recipe.seed);
        let model = spec.arch.build(device);
        // Burn draws a parameter's initial values when it is first read, so the run's first
        // forward pass (as `train_on`'s first batch) fixes the order of the draws.
        let _ = model.forward(Tensor::zeros([1, crate::PIXELS], device));
        let len = len.min(course.digits);
        Ok(Session {
            course,
            spec,
            model,
            optim: optimizer(&spec.recipe),
            len,
            step: 0,
            order: (0, epoch_order(spec.recipe.seed, 0, len)),
        })
    }

    /// Batches an epoch has.
    pub fn per_epoch(&self) -> usize {
        self.len.div_ceil(self.spec.recipe.batch)
    }

    /// Batches done, and in all.
    pub fn step(&self) -> usize {
        self.step
    }

    pub fn steps(&self) -> usize {
        self.per_epoch() * self.spec.recipe.epochs
    }

    /// Whole epochs done.
    pub fn epochs_done(&self) -> usize {
        self.step / self.per_epoch()
    }

    pub fn finished(&self) -> bool {
        self.step >= self.steps()
    }

    /// The next batch, cut into the course's shards; their digits index the training data.
    pub fn shards(&mut self) -> Vec<Shard> {
        let recipe = &self.spec.recipe;
        let (epoch, b) = (self.step / self.per_epoch(), self.step % self.per_epoch());
        if self.order.0 != epoch {
            self.order = (epoch, epoch_order(recipe.seed, epoch, self.len));
        }
        let batch = self.order.1.chunks(recipe.batch).nth(b).unwrap_or_default();
        shards::cut(self.step, batch, recipe.shards)
    }

    /// Applies the next batch's shard gradients (in shard order) and answers the batch's loss.
    pub fn apply(&mut self, parts: &[ShardGradient]) -> Result<f32> {
        let (grads, loss) = shards::merge(&self.model, parts)?;
        let lr = learning_rate(self.spec.recipe.lr, self.step, self.steps());
        self.model = self.optim.step(lr, self.model.clone(), grads);
        self.step += 1;
        Ok(loss)
    }

    /// The model's weights as the workers take them.
    pub fn weights(&self) -> Vec<f32> {
        shards::flat_weights(&self.model)
    }

    /// The model as it is now, without autodiff (to save or measure).
    pub fn model(&self) -> Classifier {
        self.model.valid()
    }
}
