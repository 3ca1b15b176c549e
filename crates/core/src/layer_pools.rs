//! Section 4.2's adversarial training as the paper words it: "a pool of adversarial examples a
//! random subset of which is continuously replaced by newly generated adversarial examples and
//! which is mixed into the original training set all the time", with pools "for each layer
//! separately" (the input and the hidden layers of an MLP; it found the higher layers' more
//! useful).
//!
//! Our reading of what it leaves open (`LayerPoolRecipe`): every `every` batches, `refresh`
//! random training digits per pooled layer are attacked with the pool's L-BFGS, the attack
//! seeing only the layers above that layer and moving its activations within [0, 1]. A success
//! is kept as its digit and the shift it found; once the layer's pool is full, each new example
//! replaces a random old one. Every batch then mixes in `per_batch` examples from each pool: a
//! hidden layer's example is its digit with the shift added to that layer's activations
//! (clipped to [0, 1]), and a pixel example is its digit plus the shift. All keep their true
//! labels. `blindspot train <mlp> --pools RECIPE` trains one ([`parse`]); no zoo model does,
//! since no recipe tried beat plain training (docs/models.md).

use crate::adversarial::pool_attack;
use crate::attack::{Goal, block_on, keep_going, lbfgs_each};
use crate::data::Digits;
use crate::experiment::wrong_label_by;
use crate::model::Classifier;
use crate::model::mlp::{Above, Mlp};
use crate::rng::Rng;
use crate::zoo::{LayerPoolRecipe, PoolAim};
use crate::{CLASSES, Error, Result};
use burn::prelude::*;

/// The recipe `--pools` starts from: all three layers of fc100-100-10, 2,000 examples each,
/// 50 digits per layer attacked every 100 batches, 8 examples of each in every batch of 32,
/// from the second epoch on, towards random wrong labels, every layer below learning.
pub const BASE: LayerPoolRecipe = LayerPoolRecipe {
    levels: 0b111,
    capacity: 2000,
    refresh: 50,
    every: 100,
    per_batch: 8,
    start_epoch: 1,
    aim: PoolAim::RandomWrong,
    train_below: true,
};

/// A recipe from `key=value` words over [`BASE`]: `levels=0,1,2` (0 the input, k hidden layer
/// k), `capacity`, `refresh`, `every`, `per-batch`, `from-epoch` (1-based), `aim=random|nearest`
/// and `below=learn|frozen`.
pub fn parse(text: &str) -> Result<LayerPoolRecipe> {
    let bad = |why: String| Error::Other(format!("--pools: {why}"));
    let mut r = BASE;
    for word in text.split_whitespace() {
        let (key, value) =
            (word.split_once('=')).ok_or_else(|| bad(format!("{word:?} is not key=value")))?;
        let number = || {
            (value.parse::<usize>().ok().filter(|&n| n > 0))
                .ok_or_else(|| bad(format!("{key} takes a whole number above 0, not {value:?}")))
        };
        match key {
            "levels" => {
                r.levels = 0;
                for level in value.split(',') {
                    let k = (level.parse::<u8>().ok().filter(|&k| k < 8))
                        .ok_or_else(|| bad(format!("a level is 0 to 7, not {level:?}")))?;
                    r.levels |= 1 << k;
                }
            }
            "capacity" => r.capacity = number()?,
            "refresh" => r.refresh = number()?,
            "every" => r.every = number()?,
            "per-batch" => r.per_batch = number()?,
            "from-epoch" => r.start_epoch = number()? - 1,
            "aim" => {
                r.aim = (PoolAim::ALL.into_iter().find(|a| a.word() == value))
                    .ok_or_else(|| bad(format!("aim is random or nearest, not {value:?}")))?
            }
            "below" => {
                r.train_below = match value {
                    "learn" => true,
                    "frozen" => false,
                    _ => return Err(bad(format!("below is learn or frozen, not {value:?}"))),
                }
            }
            _ => return Err(bad(format!("unknown key {key:?}"))),
        }
    }
    Ok(r)
}

/// The recipe in the words `--pools` reads, for the command on a model's card.
pub fn words(p: &LayerPoolRecipe) -> String {
    let levels: Vec<String> = p.levels().iter().map(|l| l.to_string()).collect();
    format!(
        "levels={} capacity={} refresh={} every={} per-batch={} from-epoch={} aim={} below={}",
        levels.join(","),
        p.capacity,
        p.refresh,
        p.every,
        p.per_batch,
        p.start_epoch + 1,
        p.aim.word(),
        if p.train_below { "learn" } else { "frozen" }
    )
}

/// The recipe in words, for model cards.
pub fn describe(p: &LayerPoolRecipe) -> String {
    let a = pool_attack();
    let layers: Vec<String> = (p.levels().iter())
        .map(|&l| match l {
            0 => "the input".to_string(),
            k => format!("hidden layer {k}"),
        })
        .collect();
    format!(
        "pools for {} (at most {} examples each): from epoch {} on, every {} batches {} random \
         training digits per pool are attacked at that layer (L-BFGS on the layers above it, \
         towards {}; memory {}, {} iterations, {} bracket steps, {} bisections, T {}), each \
         success replacing a random old example once the pool is full; every batch mixes in \
         {} examples of each pool (the digit with the shift found added to the layer's \
         activations, clipped to [0, 1]; its true label), which train {}",
        layers.join(", "),
        p.capacity,
        p.start_epoch + 1,
        p.every,
        p.refresh,
        match p.aim {
            PoolAim::RandomWrong => "a random wrong label",
            PoolAim::Nearest => "each other label, the nearest success kept",
        },
        a.memory,
        a.max_iterations,
        a.bracket_steps,
        a.bisections,
        a.temperature,
        p.per_batch,
        if p.train_below {
            "every layer"
        } else {
            "only the layers above a hidden layer"
        }
    )
}

/// One pooled example: a training digit and the shift of its activations at the pool's layer.
#[derive(Clone, Debug)]
struct Shifted {
    digit: usize,
    shift: Vec<f32>,
}

/// One layer's pool.
#[derive(Clone, Debug)]
struct LayerPool {
    level: usize,
    width: usize,
    examples: Vec<Shifted>,
}

/// The pools of a run, with the generator that picks what they attack and replace.
pub struct LayerPools {
    recipe: LayerPoolRecipe,
    pools: Vec<LayerPool>,
    rng: Rng,
}

/// The MLP inside `model`: only MLPs have the layers these pools shift.
fn mlp(model: &Classifier) -> Result<&Mlp> {
    match model {
        Classifier::Mlp(m) => Ok(m),
        Classifier::Conv(_) => Err(Error::Other(
            "pools for hidden layers are made for MLPs only".into(),
        )),
    }
}

impl LayerPools {
    /// Empty pools for `model`'s layers the recipe names; fails where it has no such layer.
    pub fn new(recipe: LayerPoolRecipe, model: &Classifier, seed: u64) -> Result<Self> {
        let m = mlp(model)?;
        let pools = (recipe.levels().into_iter())
            .map(|level| {
                let width = m.width(level).ok_or_else(|| {
                    Error::Other(format!("the model has no layer {level} below its output"))
                })?;
                Ok(LayerPool {
                    level,
                    width,
                    examples: Vec::new(),
                })
            })
            .collect::<Result<_>>()?;
        Ok(LayerPools {
            recipe,
            pools,
            rng: Rng::new(seed ^ 0x1A7E_9001),
        })
    }

    /// Examples held, per pool (input side first).
    pub fn sizes(&self) -> Vec<usize> {
        self.pools.iter().map(|p| p.examples.len()).collect()
    }

    /// Every example held, input side first: its layer, its digit and its shift.
    pub fn examples(&self) -> impl Iterator<Item = (usize, usize, &[f32])> {
        (self.pools.iter())
            .flat_map(|p| (p.examples.iter()).map(|e| (p.level, e.digit, e.shift.as_slice())))
    }

    /// Whether the refresh is due before batch `b` of epoch `epoch`.
    pub fn due(&self, epoch: usize, b: usize) -> bool {
        epoch >= self.recipe.start_epoch && b.is_multiple_of(self.recipe.every.max(1))
    }

    /// Attacks `recipe.refresh` random digits of `data` at each pooled layer of `model` (on
    /// the autodiff `device`) and puts the successes in that layer's pool.
    pub fn refresh(&mut self, model: &Classifier, device: &Device, data: &Digits) -> Result<()> {
        let m = mlp(model)?;
        for p in 0..self.pools.len() {
            let picked: Vec<usize> = (0..self.recipe.refresh)
                .map(|_| self.rng.below(data.len()))
                .collect();
            let digits = data.select(&picked);
            let goals: Vec<Goal> = (digits.labels.iter())
                .map(|&l| match self.recipe.aim {
                    PoolAim::RandomWrong => {
                        Goal::Target(wrong_label_by(l, self.rng.below(CLASSES - 1)).into())
                    }
                    PoolAim::Nearest => Goal::Untargeted,
                })
                .collect();
            let level = self.pools[p].level;
            let x = Tensor::<2>::from_data(
                TensorData::new(digits.floats(), [picked.len(), crate::PIXELS]),
                device,
            );
            let h = m.activations(x, level).into_data().try_into_vec_as::<f32>();
            let h = h.map_err(Error::device)?;
            let above = Above { mlp: m, level };
            let out = block_on(lbfgs_each(
                &above,
                device,
                &h,
                &digits.label_indices(),
                &goals,
                &pool_attack(),
                &mut keep_going,
            ))?;
            let width = self.pools[p].width;
            for (i, o) in out.iter().enumerate().filter(|(_, o)| o.success) {
                let before = &h[i * width..(i + 1) * width];
                let shift = (o.adversarial.iter().zip(before))
                    .map(|(a, b)| a - b)
                    .collect();
                self.keep(
                    p,
                    Shifted {
                        digit: picked[i],
                        shift,
                    },
                );
            }
        }
        Ok(())
    }

    /// Adds `example` to pool `p`, in place of a random old one once the pool is full.
    fn keep(&mut self, p: usize, example: Shifted) {
        let capacity = self.recipe.capacity;
        let pool = &mut self.pools[p].examples;
        if pool.len() < capacity {
            pool.push(example);
        } else if capacity > 0 {
            let at = self.rng.below(capacity);
            pool[at] = example;
        }
    }

    /// The loss on `per_batch` random examples of each non-empty pool (drawn with `rng`):
    /// summed cross-entropy, and how many examples it covers (`None` while all are empty).
    pub fn loss(
        &self,
        model: &Classifier,
        data: &Digits,
        device: &Device,
        rng: &mut Rng,
    ) -> Option<(Tensor<1>, usize)> {
        let Classifier::Mlp(m) = model else {
            return None; // `new` refused it
        };
        let mut total: Option<Tensor<1>> = None;
        let mut count = 0;
        for pool in self.pools.iter().filter(|p| !p.examples.is_empty()) {
            let drawn: Vec<&Shifted> = (0..self.recipe.per_batch)
                .map(|_| &pool.examples[rng.below(pool.examples.len())])
                .collect();
            let digits: Vec<usize> = drawn.iter().map(|e| e.digit).collect();
            let shifts: Vec<f32> = drawn.iter().flat_map(|e| e.shift.clone()).collect();
            let shift =
                Tensor::<2>::from_data(TensorData::new(shifts, [drawn.len(), pool.width]), device);
            let h = m.activations(data.batch(&digits, device), pool.level);
            let h = if self.recipe.train_below {
                h
            } else {
                h.detach()
            };
            let logits = m.shifted_logits(h, pool.level, shift);
            let ce = crate::train::cross_entropy(logits, data.batch_labels(&digits, device));
            let summed = ce.mul_scalar(drawn.len() as f32);
            total = Some(match total {
                Some(t) => t + summed,
                None => summed,
            });
            count += drawn.len();
        }
        total.map(|t| (t, count))
    }
}
