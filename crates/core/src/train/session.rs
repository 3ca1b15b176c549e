//! A training run driven one step at a time from outside (the page's Train panel, whose
//! workers compute the shards and the pool's attacks): the model and its optimizer, where the
//! run is, the next batch's shards and the step that applies their gradients, and, for the
//! paper's pool, the refresh due before an epoch. It makes the batches, learning rates, pool
//! and updates `train_on` makes for the same spec and data, so a course trained in the page is
//! the one `blindspot train` would give.

use super::course::Course;
use super::shards::{self, Shard, ShardGradient};
use super::{epoch_order, learning_rate, optimizer};
use crate::Result;
use crate::adversarial::{Example, Pool, Refresh, pool_rng};
use crate::model::Classifier;
use crate::rng::Rng;
use crate::zoo::{Defence, ModelSpec, PoolRecipe};
use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::prelude::{Device, Tensor};

pub struct Session {
    pub course: Course,
    spec: ModelSpec,
    /// On the session's autodiff device.
    model: Classifier,
    optim: ModuleOptimizer,
    /// Clean digits an epoch visits.
    len: usize,
    /// Batches done in all (each batch's shards are seeded by it).
    step: usize,
    /// The epoch under way, and its batches done.
    epoch: usize,
    batch: usize,
    /// The epoch's order over its data: the clean digits, then the pool (`None` until the
    /// epoch's pool refresh is in).
    order: Option<Vec<usize>>,
    /// Changes only between epochs (at a refresh), so an epoch reads it as it began.
    pool: Pool,
    pool_rng: Rng,
    /// The refresh drawn and not yet answered (a Stop during it asks it again on Resume).
    pending: Option<Refresh>,
}

impl Session {
    /// A new run of `course` over `len` digits, its model initialised as `train_watched`
    /// initialises it (the device seeded with the course's seed). `device` has autodiff.
    pub fn new(course: Course, len: usize, device: &Device) -> Result<Self> {
        let spec = course.spec()?;
        device.seed(spec.recipe.seed);
        let model = spec.arch.build(device);
        // Burn draws a parameter's initial values when it is first read, so the run's first
        // forward pass (as `train_on`'s first batch) fixes the order of the draws.
        let _ = model.forward(Tensor::zeros([1, crate::PIXELS], device));
        Ok(Session {
            course,
            spec,
            model,
            optim: optimizer(&spec.recipe),
            len: len.min(course.digits),
            step: 0,
            epoch: 0,
            batch: 0,
            order: None,
            pool: Pool::default(),
            pool_rng: pool_rng(spec.recipe.seed),
            pending: None,
        })
    }

    /// Batches a clean epoch has (the learning rate's unit).
    fn per_epoch(&self) -> usize {
        self.len.div_ceil(self.spec.recipe.batch)
    }

    /// Batches done in all.
    pub fn step(&self) -> usize {
        self.step
    }

    /// Batches in all, as far as it is known: the epochs left counted at this one's size
    /// (a pool makes an epoch longer as it fills).
    pub fn steps(&self) -> usize {
        let this = self.epoch_batches();
        self.step - self.batch + this * (self.spec.recipe.epochs - self.epoch)
    }

    /// Whole epochs done.
    pub fn epochs_done(&self) -> usize {
        self.epoch
    }

    /// Whether the last step ended an epoch.
    pub fn epoch_ended(&self) -> bool {
        self.step > 0 && self.batch == 0
    }

    pub fn finished(&self) -> bool {
        self.epoch >= self.spec.recipe.epochs
    }

    /// The pool's recipe, where the course has one.
    fn pool_recipe(&self) -> Option<PoolRecipe> {
        match self.spec.recipe.defence {
            Defence::Pool(p) => Some(p),
            _ => None,
        }
    }

    /// The pool refresh due before the epoch's first batch, if one is: its digits and draws,
    /// taken from the run's generator once (answer with [`Session::refill`]).
    pub fn refresh_due(&mut self) -> Option<Refresh> {
        let p = self.pool_recipe()?;
        if self.order.is_some() || self.epoch < p.start_epoch || self.finished() {
            return None;
        }
        let (len, rng) = (self.len, &mut self.pool_rng);
        Some(
            self.pending
                .get_or_insert_with(|| Refresh::draw(&p, len, rng))
                .clone(),
        )
    }

    /// The due refresh's successes join the pool (in the refresh's order), and the epoch's
    /// data is the clean digits and the pool.
    pub fn refill(&mut self, found: Vec<Example>) {
        if let (Some(p), Some(_)) = (self.pool_recipe(), self.pending.take()) {
            self.pool.add(found, &p);
        }
        self.begin_epoch();
    }

    /// Fixes the epoch's data and order.
    fn begin_epoch(&mut self) {
        let n = self.len + self.pool.len();
        self.order = Some(epoch_order(self.spec.recipe.seed, self.epoch, n));
    }

    /// Batches this epoch has.
    fn epoch_batches(&self) -> usize {
        (self.len + self.pool.len()).div_ceil(self.spec.recipe.batch)
    }

    /// The next batch, cut into the course's shards: digits below the clean count index the
    /// training data, the others [`Session::pooled`]. Call [`Session::refresh_due`] first.
    pub fn shards(&mut self) -> Vec<Shard> {
        if self.order.is_none() {
            // No refresh due (none asked for, or no pool this epoch).
            self.begin_epoch();
        }
        let order = self.order.as_deref().unwrap_or_default();
        let recipe = &self.spec.recipe;
        let batch = order
            .chunks(recipe.batch)
            .nth(self.batch)
            .unwrap_or_default();
        shards::cut(self.step, batch, recipe.shards)
    }

    /// The pool examples `shards` name, with their places in the epoch's data.
    pub fn pooled(&self, shards: &[Shard]) -> Vec<(u32, Example)> {
        (shards.iter().flat_map(|s| &s.digits))
            .filter_map(|&d| {
                let k = (d as usize).checked_sub(self.len)?;
                Some((d, self.pool.get(k)?.clone()))
            })
            .collect()
    }

    /// Applies the next batch's shard gradients (in shard order) and answers the batch's loss.
    /// The learning rate runs over the run in clean epochs, as `train_on`'s does.
    pub fn apply(&mut self, parts: &[ShardGradient]) -> Result<f32> {
        let (grads, loss) = shards::merge(&self.model, parts)?;
        let per_epoch = self.per_epoch();
        let at = self.epoch * per_epoch + self.batch * per_epoch / self.epoch_batches();
        let steps = per_epoch * self.spec.recipe.epochs;
        let lr = learning_rate(self.spec.recipe.lr, at, steps);
        self.model = self.optim.step(lr, self.model.clone(), grads);
        self.step += 1;
        self.batch += 1;
        if self.batch == self.epoch_batches() {
            (self.epoch, self.batch, self.order) = (self.epoch + 1, 0, None);
        }
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
