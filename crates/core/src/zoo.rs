//! The model zoo: every model the paper studies (plus a modern convnet), with the exact recipe
//! that trains it. `blindspot train <name>` follows these specs; the cards in `models/` record
//! what came out.

use crate::data::Split;
use crate::defence::Perturbation;
use crate::model::Arch;
use crate::{Error, Result};

/// How a model is trained: mini-batches of mean cross-entropy + Σ_k (λ_k/2) ‖W_k‖²
/// (weights only, no biases), learning rate on a cosine schedule from `lr` down to `lr / 20`.
#[derive(Clone, Copy, Debug)]
pub struct Recipe {
    pub optimizer: Optimizer,
    pub epochs: usize,
    pub batch: usize,
    pub lr: f64,
    pub seed: u64,
    /// Epochs of denoising-autoencoder pre-training of the first layer (AE400-10 only).
    pub pretrain_epochs: usize,
    /// How training defends the model against adversarial examples.
    pub defence: Defence,
    /// Shards each batch's gradient is taken over (`train/shards.rs`): the units of
    /// data-parallel work. 1 is the whole batch at once.
    pub shards: usize,
}

/// Adversarial training, if any: the paper's pool, or every batch perturbed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Defence {
    None,
    /// Section 4.2's pool of L-BFGS examples mixed into every epoch (`adversarial.rs`).
    Pool(PoolRecipe),
    /// Section 4.2's pools for the input and hidden layers, refreshed every few batches and
    /// mixed into every batch (`layer_pools.rs`; MLPs only, natively only).
    LayerPools(LayerPoolRecipe),
    /// Every batch replaced by adversarial examples of itself (`defence.rs`).
    Perturbed(Perturbation),
}

impl Defence {
    /// The defence in words, for model cards (`None` for none).
    pub fn describe(&self) -> Option<String> {
        match self {
            Defence::None => None,
            Defence::Pool(p) => Some(crate::adversarial::describe(p)),
            Defence::LayerPools(p) => Some(crate::layer_pools::describe(p)),
            Defence::Perturbed(p) => Some(p.describe()),
        }
    }
}

/// Cut-down recipes for the training tests (on the CPU, `tests/architectures.rs`, and on wgpu,
/// the CLI's `tests/training.rs`), which must agree on what they train.
impl Recipe {
    /// 20 epochs of Adam in batches of 50 at lr 0.01: on a few hundred digits, 200 steps in
    /// which even the sigmoid layers learn.
    pub fn short(self) -> Recipe {
        Recipe {
            optimizer: Optimizer::Adam,
            epochs: 20,
            batch: 50,
            lr: 1e-2,
            ..self
        }
    }

    /// One epoch, at most one of pre-training, and a pool (where there is one) of 20 examples
    /// refreshed by 10 from the first epoch: every step of the recipe, briefly.
    pub fn every_step_once(self) -> Recipe {
        Recipe {
            epochs: 1,
            pretrain_epochs: self.pretrain_epochs.min(1),
            defence: match self.defence {
                Defence::Pool(_) => Defence::Pool(PoolRecipe {
                    capacity: 20,
                    refresh: 10,
                    start_epoch: 0,
                }),
                Defence::LayerPools(p) => Defence::LayerPools(LayerPoolRecipe {
                    capacity: 20,
                    refresh: 10,
                    every: 5,
                    start_epoch: 0,
                    ..p
                }),
                other => other,
            },
            ..self
        }
    }
}

/// Adversarial training's pool (see `adversarial.rs`): how many examples it keeps, how many
/// digits are attacked before each epoch, and from which epoch on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PoolRecipe {
    pub capacity: usize,
    /// Digits attacked before each epoch.
    pub refresh: usize,
    /// First epoch (0-based) that sees a pool; earlier epochs are clean.
    pub start_epoch: usize,
}

/// Pools for an MLP's layers (see `layer_pools.rs`): which layers, how many examples each
/// keeps, how many digits each refresh attacks per layer and how often, how many examples of
/// each pool every batch mixes in, from which epoch on, which label the attack aims at, and
/// which layers a hidden layer's examples train.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerPoolRecipe {
    /// Layers with a pool, as bits: bit 0 the input, bit k hidden layer k.
    pub levels: u8,
    pub capacity: usize,
    /// Digits attacked per pool at each refresh.
    pub refresh: usize,
    /// Batches from one refresh to the next.
    pub every: usize,
    /// Examples of each pool in every batch.
    pub per_batch: usize,
    /// First epoch (0-based) with pools; earlier epochs are clean.
    pub start_epoch: usize,
    /// Towards a random wrong label (as Table 1's attacks), or the nearest one.
    pub aim: PoolAim,
    /// Whether a hidden layer's examples train the layers below it too, or only those above.
    pub train_below: bool,
}

/// Which label a pool's attack aims at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PoolAim {
    /// A seeded random wrong label.
    RandomWrong,
    /// Each of the nine others, keeping the nearest success (nine times the attacks).
    Nearest,
}

impl PoolAim {
    pub const ALL: [PoolAim; 2] = [PoolAim::RandomWrong, PoolAim::Nearest];

    /// Its word in `--pools` recipes.
    pub fn word(self) -> &'static str {
        match self {
            PoolAim::RandomWrong => "random",
            PoolAim::Nearest => "nearest",
        }
    }
}

impl LayerPoolRecipe {
    /// The layers with a pool, input side first.
    pub fn levels(&self) -> Vec<usize> {
        (0..8).filter(|k| self.levels & (1 << k) != 0).collect()
    }
}

/// The paper's figures for a model (Tables 1 and 3), where it has them.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct PaperFigures {
    pub train_error: Option<f64>,
    pub test_error: f64,
    pub min_distortion: f64,
}

#[derive(Clone, Copy, Debug)]
pub struct ModelSpec {
    pub name: &'static str,
    pub arch: Arch,
    /// One λ per weight layer, input side first (the convnet has one for all layers).
    pub lambdas: &'static [f32],
    pub split: Split,
    pub recipe: Recipe,
    pub paper: Option<PaperFigures>,
    /// The test error this model must reach (fraction); `tests/shipped_models.rs` checks it.
    pub target_test_error: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Optimizer {
    /// Adam (β1 0.9, β2 0.999, ε 1e-5).
    Adam,
    /// SGD with momentum 0.9 (no dampening).
    Momentum,
}

const fn recipe(epochs: usize, lr: f64, seed: u64) -> Recipe {
    Recipe {
        optimizer: Optimizer::Adam,
        epochs,
        batch: 100,
        lr,
        seed,
        pretrain_epochs: 0,
        defence: Defence::None,
        shards: 1,
    }
}

const fn paper(train_error: f64, test_error: f64, min_distortion: f64) -> Option<PaperFigures> {
    Some(PaperFigures {
        train_error: Some(train_error),
        test_error,
        min_distortion,
    })
}

const SIGMOID_LAMBDAS: &[f32] = &[1e-5, 1e-5, 1e-6];

/// The sigmoid MLPs' recipe: SGD with momentum 0.9, batch 32. It generalised better than Adam
/// on fc100-100-10 (1.78% test error against 1.89–1.97% with Adam at three settings); the
/// learning rate is per model (0.1 or 0.3), and fc123-456-10-p1 kept Adam (README lists the runs).
const fn sigmoid_recipe(epochs: usize, lr: f64, seed: u64) -> Recipe {
    Recipe {
        optimizer: Optimizer::Momentum,
        batch: 32,
        ..recipe(epochs, lr, seed)
    }
}

pub const ZOO: &[ModelSpec] = &[
    ModelSpec {
        name: "fc10-1e-4",
        arch: Arch::Mlp(&[]),
        lambdas: &[1e-4],
        split: Split::Full,
        recipe: recipe(15, 1e-3, 1),
        paper: paper(0.067, 0.074, 0.062),
        target_test_error: 0.074 + 0.015,
    },
    ModelSpec {
        name: "fc10-1e-2",
        arch: Arch::Mlp(&[]),
        lambdas: &[1e-2],
        split: Split::Full,
        recipe: recipe(15, 1e-3, 2),
        paper: paper(0.10, 0.094, 0.1),
        target_test_error: 0.094 + 0.015,
    },
    ModelSpec {
        name: "fc10-1",
        arch: Arch::Mlp(&[]),
        lambdas: &[1.0],
        split: Split::Full,
        recipe: recipe(15, 1e-3, 3),
        paper: paper(0.212, 0.20, 0.14),
        target_test_error: 0.20 + 0.015,
    },
    ModelSpec {
        name: "fc100-100-10",
        arch: Arch::Mlp(&[100, 100]),
        lambdas: SIGMOID_LAMBDAS,
        split: Split::Full,
        recipe: sigmoid_recipe(30, 0.1, 4),
        paper: paper(0.0, 0.0164, 0.058),
        target_test_error: 0.019,
    },
    ModelSpec {
        name: "fc200-200-10",
        arch: Arch::Mlp(&[200, 200]),
        lambdas: SIGMOID_LAMBDAS,
        split: Split::Full,
        recipe: sigmoid_recipe(30, 0.3, 5),
        paper: paper(0.0, 0.0154, 0.065),
        target_test_error: 0.018,
    },
    ModelSpec {
        name: "ae400-10",
        arch: Arch::Mlp(&[400]),
        lambdas: &[1e-6, 1e-6],
        split: Split::Full,
        recipe: Recipe {
            pretrain_epochs: 5,
            ..sigmoid_recipe(30, 0.3, 6)
        },
        paper: paper(0.0057, 0.019, 0.086),
        target_test_error: 0.022,
    },
    ModelSpec {
        name: "fc100-100-10-p1",
        arch: Arch::Mlp(&[100, 100]),
        lambdas: SIGMOID_LAMBDAS,
        split: Split::P1,
        recipe: sigmoid_recipe(45, 0.3, 7),
        paper: Some(PaperFigures {
            train_error: Some(0.0),
            test_error: 0.02,
            min_distortion: 0.062,
        }),
        target_test_error: 0.024,
    },
    ModelSpec {
        name: "fc123-456-10-p1",
        arch: Arch::Mlp(&[123, 456]),
        lambdas: SIGMOID_LAMBDAS,
        split: Split::P1,
        recipe: Recipe {
            batch: 50,
            ..recipe(60, 2e-3, 8)
        },
        paper: Some(PaperFigures {
            train_error: Some(0.0),
            test_error: 0.021,
            min_distortion: 0.059,
        }),
        target_test_error: 0.024,
    },
    ModelSpec {
        name: "fc100-100-10-p2",
        arch: Arch::Mlp(&[100, 100]),
        lambdas: SIGMOID_LAMBDAS,
        split: Split::P2,
        recipe: sigmoid_recipe(45, 0.3, 9),
        paper: Some(PaperFigures {
            train_error: Some(0.0),
            test_error: 0.021,
            min_distortion: 0.058,
        }),
        target_test_error: 0.024,
    },
    ModelSpec {
        name: "fc100-100-10-adv",
        arch: Arch::Mlp(&[100, 100]),
        lambdas: SIGMOID_LAMBDAS,
        split: Split::Full,
        recipe: Recipe {
            defence: Defence::Pool(PoolRecipe {
                capacity: 2000,
                refresh: 1000,
                start_epoch: 1,
            }),
            ..sigmoid_recipe(30, 0.1, 11)
        },
        // The paper gives only its test error ("< 1.2%", Section 4.2). Ours came out at 2.30%
        // (2.42% with a pool of 5,000): more robust, less accurate than fc100-100-10 (1.78%);
        // REPRODUCTION.md discusses it. The bound keeps the shipped weights from drifting.
        paper: None,
        target_test_error: 0.024,
    },
    ModelSpec {
        name: "fc100-100-10-fgsm",
        arch: Arch::Mlp(&[100, 100]),
        lambdas: SIGMOID_LAMBDAS,
        split: Split::Full,
        // Goodfellow et al.'s FGSM training (half of the loss on the clean batch, half on its
        // FGSM examples), at ε = 0.05: the best of the radii tried (0.02 to 0.1; docs/models.md
        // lists every recipe tried and its test error).
        recipe: Recipe {
            defence: Defence::Perturbed(Perturbation::fgsm(0.05)),
            ..sigmoid_recipe(30, 0.1, 11)
        },
        paper: None,
        target_test_error: 0.015,
    },
    ModelSpec {
        name: "convnet",
        arch: Arch::ConvNet,
        lambdas: &[1e-5],
        split: Split::Full,
        recipe: recipe(6, 1e-3, 10),
        paper: None,
        target_test_error: 0.010,
    },
    ModelSpec {
        name: "convnet-fgsm",
        arch: Arch::ConvNet,
        lambdas: &[1e-5],
        split: Split::Full,
        // The convnet's recipe with every batch replaced by FGSM examples of itself from a
        // random start (Wong et al. 2020) at ε = 0.1, the radius of the robustness targets.
        // Each batch in 8 shards, so that up to 8 workers can share it (`train/shards.rs`).
        recipe: Recipe {
            defence: Defence::Perturbed(Perturbation::fgsm_random_start(0.1)),
            shards: 8,
            ..recipe(6, 1e-3, 12)
        },
        paper: None,
        target_test_error: 0.015,
    },
    ModelSpec {
        name: "convnet-pgd",
        arch: Arch::ConvNet,
        lambdas: &[1e-5],
        split: Split::Full,
        // Madry et al.'s PGD training at ε = 0.1 with 7 steps (their MNIST
        // network: ε = 0.3, 40 steps): 4× FGSM training's cost per batch.
        recipe: Recipe {
            defence: Defence::Perturbed(Perturbation::pgd(0.1, 7)),
            shards: 8,
            ..recipe(6, 1e-3, 13)
        },
        paper: None,
        target_test_error: 0.015,
    },
    ModelSpec {
        name: "convnet-pgd-l2",
        arch: Arch::ConvNet,
        lambdas: &[1e-5],
        split: Split::Full,
        // PGD-7 in the L2 ball of RMS 0.1 (L2 2.8), the paper's measure, with three quarters
        // of the loss clean: the Train panel's "PGD-7 in L2" course at ε 0.1, seed 1, 5 epochs,
        // the one course measured to reach 1.5× the plain convnet's smallest L-BFGS change
        // with ≥ 98% clean on the panel's checkup (1.46× on 1,000 test digits; BENCHMARKS.md,
        // "Training").
        recipe: Recipe {
            defence: Defence::Perturbed(Perturbation::pgd_rms(0.1, 7)),
            shards: 8,
            ..recipe(5, 1e-3, 1)
        },
        paper: None,
        target_test_error: 0.020,
    },
];

/// The model the app starts with: the modern convnet.
pub const DEFAULT: &str = "convnet";

/// The spec of the model called `name`.
pub fn spec(name: &str) -> Result<&'static ModelSpec> {
    ZOO.iter()
        .find(|m| m.name == name)
        .ok_or_else(|| Error::UnknownModel {
            name: name.to_string(),
            known: ZOO.iter().map(|m| m.name).collect::<Vec<_>>().join(", "),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_has_one_lambda_per_layer_and_a_unique_name() {
        for m in ZOO {
            let expected = if m.arch == Arch::ConvNet {
                1
            } else {
                m.arch.weight_layers()
            };
            assert_eq!(m.lambdas.len(), expected, "{}", m.name);
            assert_eq!(ZOO.iter().filter(|o| o.name == m.name).count(), 1);
        }
        assert!(!spec(DEFAULT).unwrap().arch.probe_layers().is_empty());
        assert!(
            spec("nope")
                .unwrap_err()
                .to_string()
                .contains("fc100-100-10")
        );
    }
}
