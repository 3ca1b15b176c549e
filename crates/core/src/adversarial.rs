//! Adversarial training (Section 4.2): a pool of adversarial examples, made with the L-BFGS
//! attack against the model *as it is being trained* and labelled with their true digit, is
//! mixed into every epoch's training data and refreshed continuously.
//!
//! Our reading of the paper's open details: from epoch `start_epoch` on, before each epoch,
//! `refresh` training digits (seeded choice) are attacked towards a random wrong label each;
//! the successes join the pool, whose oldest examples leave beyond `capacity`. Only the input
//! layer gets a pool (the paper also mentions pools for higher layers; we do not make them).
//! Pool images are stored as 8-bit pixels, as all our training data.

use crate::attack::{Goal, LbfgsConfig, block_on, keep_going, lbfgs_each};
use crate::data::Digits;
use crate::experiment::wrong_label;
use crate::model::Classifier;
use crate::rng::Rng;
use crate::zoo::PoolRecipe;
use crate::{PIXELS, Result};
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

/// Attacked digits per batched attack call.
const ATTACK_BATCH: usize = 250;

#[derive(Default)]
pub struct Pool {
    examples: VecDeque<(Vec<u8>, u8)>,
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
        let picked: Vec<usize> = (0..recipe.refresh).map(|_| rng.below(data.len())).collect();
        for chunk in picked.chunks(ATTACK_BATCH) {
            let digits = data.select(chunk);
            let goals: Vec<Goal> = digits
                .labels
                .iter()
                .map(|&l| Goal::Target(wrong_label(l, rng).into()))
                .collect();
            let pixels = digits.floats();
            let config = pool_attack();
            let out = block_on(lbfgs_each(
                model,
                device,
                &pixels,
                &digits.label_indices(),
                &goals,
                &config,
                &mut keep_going,
            ))?;
            for (o, &label) in out.iter().zip(&digits.labels) {
                if o.success {
                    let bytes = crate::levels::to_bytes(&o.adversarial);
                    self.examples.push_back((bytes, label));
                }
            }
        }
        while self.examples.len() > recipe.capacity {
            self.examples.pop_front();
        }
        Ok(())
    }

    /// The clean data with the pool appended.
    pub fn mixed_with(&self, data: &Digits) -> Digits {
        let mut images = data.images.clone();
        let mut labels = data.labels.clone();
        for (image, label) in &self.examples {
            debug_assert_eq!(image.len(), PIXELS);
            images.extend_from_slice(image);
            labels.push(*label);
        }
        Digits { images, labels }
    }
}
