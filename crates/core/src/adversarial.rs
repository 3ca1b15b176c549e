//! Adversarial training (Section 4.2): a pool of adversarial examples, made with the L-BFGS
//! attack against the model *as it is being trained* and labelled with their true digit, is
//! mixed into every epoch's training data and refreshed continuously.
//!
//! Our reading of the paper's open details: from epoch `start_epoch` on, before each epoch,
//! `refresh` training digits (seeded choice) are attacked towards a random wrong label each;
//! the successes join the pool, whose oldest examples leave beyond `capacity`. Only the input
//! layer gets a pool here; `layer_pools.rs` reads the paper's pools for every layer, refreshed
//! every few batches (tried, not shipped).
//! Pool images are stored as 8-bit pixels, as all our training data.

use crate::attack::{Goal, LbfgsConfig, block_on, keep_going, lbfgs_each};
use crate::data::Digits;
use crate::experiment::wrong_label_by;
use crate::model::Classifier;
use crate::rng::Rng;
use crate::zoo::PoolRecipe;
use crate::{CLASSES, Result};
use burn::prelude::Device;
use std::collections::VecDeque;

/// The attack used to fill the pool: the paper's L-BFGS with a shorter c search than the one
/// that measures distortion (3 bracket steps, 2 bisections, 30 iterations), for speed. Its c
/// search is the one the zoo's adversarially trained model was trained with (from c = 1, ×10,
/// bisected), so that `blindspot train` still remakes that model.
pub fn pool_attack() -> LbfgsConfig {
    LbfgsConfig {
        max_iterations: 30,
        bracket_steps: 3,
        bisections: 2,
        c_start: Some(1.0),
        c_factor: 10.0,
        c_ratio: 1.01,
        guided: false,
        ..LbfgsConfig::default()
    }
}

/// The pool's recipe in words, for model cards.
pub fn describe(p: &PoolRecipe) -> String {
    let a = pool_attack();
    format!(
        "from epoch {} on, before each epoch {} random training digits are attacked \
         (L-BFGS towards a random wrong label; memory {}, {} iterations, {} bracket \
         steps, {} bisections, T {}); successes, with their true labels, join a \
         pool of at most {} (oldest leave first) mixed into the epoch's data; \
         input layer only",
        p.start_epoch + 1,
        p.refresh,
        a.memory,
        a.max_iterations,
        a.bracket_steps,
        a.bisections,
        a.temperature,
        p.capacity
    )
}

/// Attacked digits per batched attack call (the jobs a refresh is dealt as, in the page).
pub const ATTACK_BATCH: usize = 250;

/// The generator a run's pool draws from (which digits, which targets), seeded by the run's.
pub fn pool_rng(seed: u64) -> Rng {
    Rng::new(seed ^ 0xAD5)
}

/// One refresh's questions: which of `len` training digits to attack, and for each a draw
/// that picks its wrong label once its true one is known (`experiment::wrong_label`'s draw),
/// so that whoever holds the digits can set the targets.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Refresh {
    pub digits: Vec<u32>,
    pub draws: Vec<u8>,
}

impl Refresh {
    /// The next refresh from `rng`: first every digit's draw, then every target's.
    pub fn draw(recipe: &PoolRecipe, len: usize, rng: &mut Rng) -> Self {
        let digits = (0..recipe.refresh).map(|_| rng.below(len) as u32).collect();
        let draws = (0..recipe.refresh)
            .map(|_| rng.below(CLASSES - 1) as u8)
            .collect();
        Refresh { digits, draws }
    }

    /// The refresh in the batches it is attacked in.
    pub fn chunks(&self) -> Vec<Refresh> {
        (self.digits.chunks(ATTACK_BATCH))
            .zip(self.draws.chunks(ATTACK_BATCH))
            .map(|(d, w)| Refresh {
                digits: d.to_vec(),
                draws: w.to_vec(),
            })
            .collect()
    }
}

/// A pool example: an adversarial image in 8-bit pixels and its true label.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Example {
    #[serde(with = "crate::work::wire::bytes")]
    pub image: Vec<u8>,
    pub label: u8,
}

/// Attacks the refresh's digits of `data` (one batch) against `model` (on the autodiff
/// `device`), each towards its wrong label: the successes, as pool examples.
pub async fn attack(
    model: &Classifier,
    device: &Device,
    data: &Digits,
    refresh: &Refresh,
) -> Result<Vec<Example>> {
    let picked: Vec<usize> = refresh.digits.iter().map(|&d| d as usize).collect();
    if picked.iter().any(|&d| d >= data.len()) || picked.len() != refresh.draws.len() {
        return Err(crate::Error::Other(
            "a pool refresh names digits it does not have".into(),
        ));
    }
    let digits = data.select(&picked);
    let goals: Vec<Goal> = (digits.labels.iter().zip(&refresh.draws))
        .map(|(&l, &w)| Goal::Target(wrong_label_by(l, w as usize).into()))
        .collect();
    let out = lbfgs_each(
        model,
        device,
        &digits.floats(),
        &digits.label_indices(),
        &goals,
        &pool_attack(),
        &mut keep_going,
    )
    .await?;
    Ok((out.iter().zip(&digits.labels))
        .filter(|(o, _)| o.success)
        .map(|(o, &label)| Example {
            image: crate::levels::to_bytes(&o.adversarial),
            label,
        })
        .collect())
}

#[derive(Clone, Default)]
pub struct Pool {
    examples: VecDeque<Example>,
}

impl Pool {
    /// Attacks `recipe.refresh` digits of `data` against `model` (which must live on the
    /// autodiff `device`) and adds the successes, dropping the oldest beyond capacity.
    pub fn refresh(
        &mut self,
        model: &Classifier,
        device: &Device,
        data: &Digits,
        recipe: &PoolRecipe,
        rng: &mut Rng,
    ) -> Result<()> {
        let refresh = Refresh::draw(recipe, data.len(), rng);
        for chunk in refresh.chunks() {
            let found = block_on(attack(model, device, data, &chunk))?;
            self.add(found, recipe);
        }
        Ok(())
    }

    /// Adds examples, dropping the oldest beyond the recipe's capacity.
    pub fn add(&mut self, found: Vec<Example>, recipe: &PoolRecipe) {
        self.examples.extend(found);
        while self.examples.len() > recipe.capacity {
            self.examples.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.examples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.examples.is_empty()
    }

    /// Its `k`th example (oldest first).
    pub fn get(&self, k: usize) -> Option<&Example> {
        self.examples.get(k)
    }

    /// The clean data with the pool appended.
    pub fn mixed_with(&self, data: &Digits) -> Digits {
        let mut mixed = data.clone();
        for e in &self.examples {
            mixed.push(&e.image, e.label);
        }
        mixed
    }
}
