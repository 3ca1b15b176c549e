//! A training run a student sets up in the page's Train panel: which zoo architecture, which
//! defence at which ε, how many epochs on how many digits, which seed. It becomes a
//! [`ModelSpec`]: the plain zoo twin's recipe with the defence, seed and epochs changed and
//! every batch cut into [`SHARDS`] shards, so that the CPU workers can share it.

use crate::defence::Perturbation;
use crate::zoo::{self, Defence, ModelSpec, PoolRecipe, Recipe};
use crate::{Error, Result};

/// Shards each batch of a course is cut into: the most workers that can share a step.
pub const SHARDS: usize = 8;
/// PGD training's steps (as `convnet-pgd`).
pub const PGD_STEPS: usize = 7;
/// The paper's pool for a course over `digits` digits, in `fc100-100-10-adv`'s proportions:
/// for 60,000 digits, 1,000 attacked before each epoch from the second on and 2,000 kept.
pub fn pool(digits: usize) -> PoolRecipe {
    let refresh = digits.div_ceil(60);
    PoolRecipe {
        capacity: 2 * refresh,
        refresh,
        start_epoch: 1,
    }
}

/// The architectures a course can train: each is a zoo model's, whose recipe it starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Base {
    Fc100,
    ConvNet,
}

impl Base {
    pub const ALL: [Base; 2] = [Base::ConvNet, Base::Fc100];

    /// The plain zoo model of this architecture (the course's recipe and reference).
    pub fn twin(self) -> &'static str {
        match self {
            Base::Fc100 => "fc100-100-10",
            Base::ConvNet => "convnet",
        }
    }

    /// The base whose twin is `name`.
    pub fn parse(name: &str) -> Option<Base> {
        Base::ALL.into_iter().find(|b| b.twin() == name)
    }
}

/// How a course defends its model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Guard {
    None,
    /// FGSM from a random start (Wong et al. 2020), `convnet-fgsm`'s recipe.
    Fgsm,
    /// PGD-[`PGD_STEPS`] (Madry et al. 2018), `convnet-pgd`'s recipe.
    Pgd,
    /// Section 4.2's pool of L-BFGS examples ([`pool`]), `fc100-100-10-adv`'s recipe.
    Pool,
    /// PGD-[`PGD_STEPS`] in the L2 ball of RMS change ε (the paper's measure; L2 2.8 at ε 0.1),
    /// three quarters of the loss clean: `convnet-pgd-l2`'s recipe ([`Perturbation::pgd_rms`]).
    PgdL2,
}

impl Guard {
    pub const ALL: [Guard; 5] = [
        Guard::None,
        Guard::Fgsm,
        Guard::Pgd,
        Guard::PgdL2,
        Guard::Pool,
    ];

    /// Its name in a link and in the panel's menu value.
    pub fn as_str(self) -> &'static str {
        match self {
            Guard::None => "none",
            Guard::Fgsm => "fgsm",
            Guard::Pgd => "pgd",
            Guard::Pool => "pool",
            Guard::PgdL2 => "pgd-l2",
        }
    }

    pub fn parse(text: &str) -> Option<Guard> {
        Guard::ALL.into_iter().find(|g| g.as_str() == text)
    }

    /// What a person reads.
    pub fn title(self) -> &'static str {
        match self {
            Guard::None => "none",
            Guard::Fgsm => "FGSM, random start",
            Guard::Pgd => "PGD-7",
            Guard::Pool => "the paper's L-BFGS pool",
            Guard::PgdL2 => "PGD-7 in L2 (ε as RMS)",
        }
    }
}

/// One training run's settings.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Course {
    pub base: Base,
    pub guard: Guard,
    /// The defence's L∞ radius, and the one the checkups' PGD attacks within.
    pub epsilon: f32,
    pub epochs: usize,
    pub seed: u64,
    /// Training digits an epoch visits: the first this many of MNIST's 60,000.
    pub digits: usize,
}

/// The most epochs and the radii a course accepts (a link or a form can ask for anything).
pub const MOST_EPOCHS: usize = 20;
pub const EPSILONS: std::ops::RangeInclusive<f32> = 0.01..=0.5;

impl Course {
    /// The course's recipe as a zoo spec (named after its twin).
    pub fn spec(&self) -> Result<ModelSpec> {
        self.check()?;
        let twin = zoo::spec(self.base.twin())?;
        let defence = match self.guard {
            Guard::None => Defence::None,
            Guard::Fgsm => Defence::Perturbed(Perturbation::fgsm_random_start(self.epsilon)),
            Guard::Pgd => Defence::Perturbed(Perturbation::pgd(self.epsilon, PGD_STEPS)),
            Guard::Pool => Defence::Pool(pool(self.digits)),
            Guard::PgdL2 => Defence::Perturbed(Perturbation::pgd_rms(self.epsilon, PGD_STEPS)),
        };
        Ok(ModelSpec {
            recipe: Recipe {
                defence,
                seed: self.seed,
                epochs: self.epochs,
                shards: SHARDS,
                ..twin.recipe
            },
            ..*twin
        })
    }

    /// Refuses settings no run should take.
    pub fn check(&self) -> Result<()> {
        let bad = |why: String| Err(Error::Other(why));
        if !(1..=MOST_EPOCHS).contains(&self.epochs) {
            return bad(format!(
                "epochs must be 1 to {MOST_EPOCHS}, not {}",
                self.epochs
            ));
        }
        // ε is also the radius the checkups attack at, with or without a defence.
        if !EPSILONS.contains(&self.epsilon) {
            return bad(format!(
                "ε must be {} to {}, not {}",
                EPSILONS.start(),
                EPSILONS.end(),
                self.epsilon
            ));
        }
        if !(1..=crate::data::mnist::TRAIN_DIGITS).contains(&self.digits) {
            return bad(format!(
                "a course visits 1 to 60,000 digits, not {}",
                self.digits
            ));
        }
        Ok(())
    }

    /// The model's name in menus after `epochs` epochs, e.g. "yours: convnet, PGD-7 ε=0.1,
    /// 3 epochs".
    pub fn title(&self, epochs: usize) -> String {
        let guard = match self.guard {
            Guard::None => "no defence".to_string(),
            // The pool's attack has no radius.
            Guard::Pool => Guard::Pool.title().to_string(),
            Guard::PgdL2 => format!("PGD-7 in L2, RMS ε={}", self.epsilon),
            g => format!("{} ε={}", g.title(), self.epsilon),
        };
        let s = if epochs == 1 { "" } else { "s" };
        format!("yours: {}, {guard}, {epochs} epoch{s}", self.base.twin())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        Course {
            base: Base::ConvNet,
            guard: Guard::Fgsm,
            epsilon: 0.1,
            epochs: 3,
            seed: 5,
            digits: 60_000,
        }
    }

    #[test]
    fn a_course_is_its_twins_recipe_with_its_own_defence_seed_and_epochs() {
        let spec = course().spec().unwrap();
        let twin = zoo::spec("convnet").unwrap();
        assert_eq!(spec.arch, twin.arch);
        assert_eq!(spec.recipe.batch, twin.recipe.batch);
        assert_eq!((spec.recipe.seed, spec.recipe.epochs), (5, 3));
        assert_eq!(spec.recipe.shards, SHARDS);
        assert_eq!(
            spec.recipe.defence,
            zoo::spec("convnet-fgsm").unwrap().recipe.defence
        );
        assert_eq!(
            course().title(3),
            "yours: convnet, FGSM, random start ε=0.1, 3 epochs"
        );
    }

    #[test]
    fn the_l2_course_at_0_1_is_convnet_pgd_l2s_recipe() {
        let l2 = Course {
            guard: Guard::PgdL2,
            epochs: 5,
            seed: 1,
            ..course()
        };
        let (spec, zoo) = (l2.spec().unwrap(), zoo::spec("convnet-pgd-l2").unwrap());
        assert_eq!(format!("{:?}", spec.recipe), format!("{:?}", zoo.recipe));
        assert_eq!(crate::defence::RMS_TO_L2, (crate::PIXELS as f32).sqrt());
        assert_eq!(
            l2.title(5),
            "yours: convnet, PGD-7 in L2, RMS ε=0.1, 5 epochs"
        );
    }

    #[test]
    fn bad_settings_are_refused() {
        for bad in [
            Course {
                epochs: 0,
                ..course()
            },
            Course {
                epochs: 999,
                ..course()
            },
            Course {
                epsilon: 2.0,
                ..course()
            },
            Course {
                epsilon: f32::NAN,
                ..course()
            },
            Course {
                digits: 0,
                ..course()
            },
        ] {
            assert!(bad.spec().is_err(), "{bad:?}");
        }
        let plain = Course {
            guard: Guard::None,
            epsilon: 9.0,
            ..course()
        };
        assert!(plain.spec().is_err(), "ε is the checkups' radius too");
    }
}
