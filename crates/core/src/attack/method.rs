//! The attack vocabulary every caller shares (the page, the WebGPU worker, the CLI, the
//! experiments): which method, parsed from its name in one place, and one entry point that runs
//! it over a batch with a goal per image.

use super::cw::{CwConfig, cw_each};
use super::deepfool::deepfool_each;
use super::fgsm::{FgsmConfig, pgd_each};
use super::jsma::{GAMMA, check_gamma, jsma_each};
use super::lbfgs::{LbfgsConfig, lbfgs_each};
use super::{Goal, Outcome, Progress};
use crate::model::Network;
use crate::{Error, Result};
use burn::prelude::Device;

/// Which attack to run, with the settings that belong to it.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Method {
    /// The paper's box-constrained L-BFGS with its search over c.
    Lbfgs,
    /// One signed-gradient step of L∞ size ε (Goodfellow et al.).
    Fgsm { epsilon: f32 },
    /// Iterated, projected FGSM from a random start in the ε-ball (Madry et al.).
    Pgd { epsilon: f32, steps: usize },
    /// Steps to the nearest linearised boundary until the label changes (Moosavi-Dezfooli et al.).
    DeepFool,
    /// Carlini–Wagner L2: Adam on ‖r‖² plus a margin hinge, with a search over its weight.
    Cw(CwConfig),
    /// The Jacobian saliency map attack: raises the most salient pixel pairs, at most a share γ.
    Jsma { gamma: f32 },
}

/// A method by name alone, without its settings: what a person picks from a list or writes
/// in a link or a flag (`lbfgs`, `fgsm`, `pgd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MethodName {
    Lbfgs,
    Fgsm,
    Pgd,
    Deepfool,
    Cw,
    Jsma,
}

/// What a person sets beside a method's name; each method takes its own (see
/// [`MethodName::with`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// FGSM's and PGD's L∞ budget.
    pub epsilon: f32,
    /// PGD's iterations.
    pub steps: usize,
    pub cw: CwConfig,
    /// JSMA's largest share of pixels changed.
    pub gamma: f32,
}

impl Default for Settings {
    /// ε = 0.1, [`Method::PGD_STEPS`], the C&W paper's κ and budget, JSMA's paper γ.
    fn default() -> Self {
        Settings {
            epsilon: 0.1,
            steps: Method::PGD_STEPS,
            cw: CwConfig::PAPER,
            gamma: GAMMA,
        }
    }
}

impl MethodName {
    /// Every method, in the order the page lists them.
    pub const ALL: [MethodName; 6] = [
        MethodName::Lbfgs,
        MethodName::Fgsm,
        MethodName::Pgd,
        MethodName::Deepfool,
        MethodName::Cw,
        MethodName::Jsma,
    ];

    /// The methods that look for the smallest perturbation that reaches a goal, each by its own
    /// measure (FGSM and PGD spend a fixed budget ε instead): the ones the Compare view sets
    /// side by side.
    pub const MINIMAL: [MethodName; 4] = [
        MethodName::Lbfgs,
        MethodName::Deepfool,
        MethodName::Cw,
        MethodName::Jsma,
    ];

    /// The method called `text`; the error lists the names there are.
    pub fn parse(text: &str) -> Result<MethodName> {
        MethodName::ALL
            .into_iter()
            .find(|m| m.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = MethodName::ALL.iter().map(|m| m.as_str()).collect();
                Error::Other(format!("method '{text}' is not {}", names.join(", ")))
            })
    }

    /// The name [`MethodName::parse`] reads back.
    pub fn as_str(self) -> &'static str {
        match self {
            MethodName::Lbfgs => "lbfgs",
            MethodName::Fgsm => "fgsm",
            MethodName::Pgd => "pgd",
            MethodName::Deepfool => "deepfool",
            MethodName::Cw => "cw",
            MethodName::Jsma => "jsma",
        }
    }

    /// Whether the method takes an L∞ budget ε (the others find their own size).
    pub fn takes_epsilon(self) -> bool {
        matches!(self, MethodName::Fgsm | MethodName::Pgd)
    }

    /// The method with its own settings from `settings` (the others ignored).
    pub fn with(self, settings: &Settings) -> Method {
        let Settings {
            epsilon,
            steps,
            cw,
            gamma,
        } = *settings;
        match self {
            MethodName::Lbfgs => Method::Lbfgs,
            MethodName::Fgsm => Method::Fgsm { epsilon },
            MethodName::Pgd => Method::Pgd { epsilon, steps },
            MethodName::Deepfool => Method::DeepFool,
            MethodName::Cw => Method::Cw(cw),
            MethodName::Jsma => Method::Jsma { gamma },
        }
    }
}

impl Method {
    /// PGD's iterations unless a caller asks for others.
    pub const PGD_STEPS: usize = 40;

    /// The method called `name` with its settings from `settings`, checked.
    pub fn parse(name: &str, settings: &Settings) -> Result<Method> {
        let method = MethodName::parse(name)?.with(settings);
        method.check()?;
        Ok(method)
    }

    pub fn name(&self) -> MethodName {
        match self {
            Method::Lbfgs => MethodName::Lbfgs,
            Method::Fgsm { .. } => MethodName::Fgsm,
            Method::Pgd { .. } => MethodName::Pgd,
            Method::DeepFool => MethodName::Deepfool,
            Method::Cw(_) => MethodName::Cw,
            Method::Jsma { .. } => MethodName::Jsma,
        }
    }

    /// The settings, or what is wrong with them.
    pub fn check(&self) -> Result<()> {
        let epsilon = |e: f32| {
            if e > 0.0 && e <= 1.0 {
                Ok(())
            } else {
                Err(Error::Other(format!(
                    "ε (epsilon) must be in (0, 1], not {e}"
                )))
            }
        };
        match *self {
            Method::Lbfgs | Method::DeepFool => Ok(()),
            Method::Fgsm { epsilon: e } => epsilon(e),
            Method::Pgd { epsilon: e, steps } if steps > 0 => epsilon(e),
            Method::Pgd { .. } => Err(Error::Other("PGD needs at least one step".into())),
            Method::Cw(config) => config.check(),
            Method::Jsma { gamma } => check_gamma(gamma),
        }
    }
}

/// A method with everything it runs with: L-BFGS's settings, and the seed of PGD's random start.
#[derive(Clone, Copy, Debug)]
pub struct Attack {
    pub method: Method,
    pub lbfgs: LbfgsConfig,
    pub seed: u64,
}

impl Attack {
    /// `method` with the default L-BFGS settings and seed 0.
    pub fn new(method: Method) -> Self {
        Attack {
            method,
            lbfgs: LbfgsConfig::default(),
            seed: 0,
        }
    }

    /// Attacks every image (rows of `images`, true labels `labels`), each towards its own goal,
    /// as one batch. `progress` hears after every evaluation and may stop the attack (the best
    /// results so far are returned).
    pub async fn run(
        &self,
        model: &dyn Network,
        device: &Device,
        images: &[f32],
        labels: &[usize],
        goals: &[Goal],
        progress: &mut dyn FnMut(&Progress) -> super::Control,
    ) -> Result<Vec<Outcome>> {
        self.method.check()?;
        match self.method {
            Method::Lbfgs => {
                lbfgs_each(model, device, images, labels, goals, &self.lbfgs, progress).await
            }
            Method::Fgsm { epsilon } => {
                let config = FgsmConfig {
                    epsilon,
                    steps: 1,
                    random_start: None,
                };
                pgd_each(model, device, images, labels, goals, config, progress).await
            }
            Method::Pgd { epsilon, steps } => {
                let config = FgsmConfig {
                    epsilon,
                    steps,
                    random_start: Some(self.seed),
                };
                pgd_each(model, device, images, labels, goals, config, progress).await
            }
            Method::DeepFool => deepfool_each(model, device, images, labels, goals, progress).await,
            Method::Cw(config) => {
                cw_each(model, device, images, labels, goals, config, progress).await
            }
            Method::Jsma { gamma } => {
                jsma_each(model, device, images, labels, goals, gamma, progress).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_itself_and_others_are_refused() {
        let settings = Settings::default();
        for name in MethodName::ALL {
            let method = Method::parse(name.as_str(), &settings).unwrap();
            assert_eq!(method.name(), name);
        }
        let err = Method::parse("boundary", &settings)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("lbfgs, fgsm, pgd, deepfool, cw, jsma"),
            "{err}"
        );
    }

    #[test]
    fn bad_settings_are_refused_with_what_is_wrong() {
        let bad = |name: &str, settings: Settings| {
            Method::parse(name, &settings).unwrap_err().to_string()
        };
        let mut cw = CwConfig::PAPER;
        cw.kappa = -1.0;
        let cw = Settings {
            cw,
            ..Settings::default()
        };
        assert!(bad("cw", cw).contains("kappa"));
        let gamma = Settings {
            gamma: 1.5,
            ..Settings::default()
        };
        assert!(bad("jsma", gamma).contains("gamma"));
        let epsilon = Settings {
            epsilon: 0.0,
            ..Settings::default()
        };
        assert!(bad("pgd", epsilon).contains("epsilon"));
        // Each method checks only its own settings.
        assert!(Method::parse("deepfool", &gamma).is_ok());
    }
}
