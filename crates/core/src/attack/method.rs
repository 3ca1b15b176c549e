//! The attack vocabulary every caller shares (the page, the WebGPU worker, the CLI, the
//! experiments): which method, parsed from its name in one place, and one entry point that runs
//! it over a batch with a goal per image.

use super::fgsm::{FgsmConfig, pgd_each};
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
}

/// A method by name alone, without its settings: what a person picks from a list or writes
/// in a link or a flag (`lbfgs`, `fgsm`, `pgd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MethodName {
    Lbfgs,
    Fgsm,
    Pgd,
}

impl MethodName {
    /// Every method, in the order the page lists them.
    pub const ALL: [MethodName; 3] = [MethodName::Lbfgs, MethodName::Fgsm, MethodName::Pgd];

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
        }
    }

    /// Whether the method takes an L∞ budget ε (L-BFGS finds its own size).
    pub fn takes_epsilon(self) -> bool {
        self != MethodName::Lbfgs
    }

    /// The method with its L∞ budget `epsilon` and PGD's `steps` (each ignored where the
    /// method has no such setting).
    pub fn with(self, epsilon: f32, steps: usize) -> Method {
        match self {
            MethodName::Lbfgs => Method::Lbfgs,
            MethodName::Fgsm => Method::Fgsm { epsilon },
            MethodName::Pgd => Method::Pgd { epsilon, steps },
        }
    }
}

impl Method {
    /// PGD's iterations unless a caller asks for others.
    pub const PGD_STEPS: usize = 40;

    /// The method called `name` with `epsilon` and `steps` (see [`MethodName::with`]).
    pub fn parse(name: &str, epsilon: f32, steps: usize) -> Result<Method> {
        Ok(MethodName::parse(name)?.with(epsilon, steps))
    }

    pub fn name(&self) -> MethodName {
        match self {
            Method::Lbfgs => MethodName::Lbfgs,
            Method::Fgsm { .. } => MethodName::Fgsm,
            Method::Pgd { .. } => MethodName::Pgd,
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_itself_and_others_are_refused() {
        for name in MethodName::ALL {
            let method = Method::parse(name.as_str(), 0.1, 40).unwrap();
            assert_eq!(method.name(), name);
        }
        let err = Method::parse("deepfool", 0.1, 40).unwrap_err().to_string();
        assert!(err.contains("lbfgs, fgsm, pgd"), "{err}");
    }
}
