//! Challenge links: a task (model, gallery digit, target, a budget on one norm, the means
//! allowed) written as a token with a check, read back (refused when changed by hand), whether
//! a candidate solves it, and the completion code a solution earns (a hash of the task and the
//! solution, so no code exists without a solution). Plain functions, tested natively; the
//! page checks every attempt itself and sends nothing anywhere.

use crate::ui::link::GALLERY;
use blindspot_core::attack::Distortion;
use blindspot_core::levels::to_bytes;
use blindspot_core::zoo;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The norm a budget bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Norm {
    Rms,
    L0,
    Linf,
}

impl Norm {
    pub const ALL: [Norm; 3] = [Norm::Rms, Norm::L0, Norm::Linf];

    /// Its name in a token and a menu.
    pub fn as_str(self) -> &'static str {
        match self {
            Norm::Rms => "rms",
            Norm::L0 => "l0",
            Norm::Linf => "linf",
        }
    }

    /// What a person reads.
    pub fn title(self) -> &'static str {
        match self {
            Norm::Rms => "RMS",
            Norm::L0 => "pixels changed (L0)",
            Norm::Linf => "largest pixel change (L∞)",
        }
    }

    pub fn parse(text: &str) -> Option<Norm> {
        Norm::ALL.into_iter().find(|n| n.as_str() == text)
    }

    /// The size of the change `d` in this norm.
    pub fn of(self, d: &Distortion) -> f64 {
        match self {
            Norm::Rms => d.rms as f64,
            Norm::L0 => d.changed as f64,
            Norm::Linf => d.linf as f64,
        }
    }
}

/// What a student may use: the brush only, or the attacks too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Means {
    Hand,
    Any,
}

impl Means {
    pub fn as_str(self) -> &'static str {
        match self {
            Means::Hand => "hand",
            Means::Any => "any",
        }
    }

    pub fn parse(text: &str) -> Option<Means> {
        [Means::Hand, Means::Any]
            .into_iter()
            .find(|m| m.as_str() == text)
    }
}

/// A challenge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub model: String,
    pub digit: usize,
    pub target: u8,
    pub norm: Norm,
    /// The most the change may measure in `norm`.
    pub most: f64,
    pub means: Means,
}

/// Hex digits of a token's check.
const CHECK: usize = 8;
/// Characters of a completion code.
pub const CODE: usize = 10;

/// The first `n` hex digits of the SHA-256 of `parts`, each ended by a NUL.
fn digest(parts: &[&[u8]], n: usize) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
        hash.update([0]);
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    hex[..n].to_string()
}

impl Task {
    /// The task without its check: `model~digit~target~norm~most~means`.
    fn payload(&self) -> String {
        format!(
            "{}~{}~{}~{}~{}~{}",
            self.model,
            self.digit,
            self.target,
            self.norm.as_str(),
            self.most,
            self.means.as_str()
        )
    }

    /// The token a link carries (`challenge=…`): the task and its check.
    pub fn write(&self) -> String {
        let payload = self.payload();
        let check = digest(&[b"blindspot challenge", payload.as_bytes()], CHECK);
        format!("{payload}~{check}")
    }

    /// The task of `token`; `Err` says why it is not one (a value out of range, or a check
    /// that does not match: the link was changed after it was made).
    pub fn read(token: &str) -> Result<Task, String> {
        let parts: Vec<&str> = token.split('~').collect();
        let [model, digit, target, norm, most, means, _check] = parts[..] else {
            return Err("is not a challenge (model~digit~target~norm~budget~means~check)".into());
        };
        let spec = zoo::spec(model).map_err(|_| "names a model not in the zoo".to_string())?;
        let task = Task {
            model: spec.name.into(),
            digit: (digit.parse().ok())
                .filter(|&d| d < GALLERY)
                .ok_or("names no gallery digit")?,
            target: (target.parse().ok())
                .filter(|&t| t < 10)
                .ok_or("names no target digit")?,
            norm: Norm::parse(norm).ok_or("names no norm (rms, l0, linf)")?,
            most: (most.parse().ok())
                .filter(|&m: &f64| m.is_finite() && m > 0.0)
                .ok_or("has no positive budget")?,
            means: Means::parse(means).ok_or("names no means (hand, any)")?,
        };
        if task.write() != token {
            return Err("was changed after it was made (its check does not match)".into());
        }
        Ok(task)
    }

    /// What the task asks, in a sentence.
    pub fn sentence(&self) -> String {
        let most = match self.norm {
            Norm::L0 => format!("{}", self.most),
            _ => format!("{:.3}", self.most),
        };
        let means = match self.means {
            Means::Hand => "by hand",
            Means::Any => "by hand or with any attack",
        };
        format!(
            "Make {} read {} on gallery digit {}, changing it by at most {most} in {} ({means}).",
            self.model,
            self.target,
            self.digit,
            self.norm.title()
        )
    }

    /// Whether `candidate`, which the model reads as `label`, solves the task for the digit
    /// `original`; `Err` says what it misses.
    pub fn check(&self, original: &[f32], candidate: &[f32], label: u8) -> Result<(), String> {
        let size = self.norm.of(&Distortion::between(original, candidate));
        if label != self.target {
            return Err(format!("the model reads {label}, not {}", self.target));
        }
        if size > self.most {
            return Err(format!(
                "the change measures {size:.4} in {}, more than {}",
                self.norm.title(),
                self.most
            ));
        }
        Ok(())
    }

    /// The completion code of `candidate` (its 8-bit levels) for this task.
    pub fn code(&self, candidate: &[f32]) -> String {
        let code = digest(
            &[
                b"blindspot solution",
                self.write().as_bytes(),
                &to_bytes(candidate),
            ],
            CODE,
        );
        code.to_uppercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> Task {
        Task {
            model: "fc100-100-10".into(),
            digit: 17,
            target: 3,
            norm: Norm::Rms,
            most: 0.05,
            means: Means::Any,
        }
    }

    #[test]
    fn a_token_round_trips_and_a_changed_one_is_refused() {
        let token = task().write();
        assert!(
            token.starts_with("fc100-100-10~17~3~rms~0.05~any~"),
            "{token}"
        );
        assert_eq!(Task::read(&token), Ok(task()));
        let easier = token.replace("~0.05~", "~0.5~");
        assert!(Task::read(&easier).unwrap_err().contains("changed after"));
        for bad in [
            "",
            "x",
            "resnet~1~3~rms~0.05~any~00",
            "fc100-100-10~1000~3~rms~1~any~0",
        ] {
            assert!(Task::read(bad).is_err(), "{bad}");
        }
        let hand = Task {
            norm: Norm::L0,
            most: 12.0,
            means: Means::Hand,
            ..task()
        };
        assert_eq!(Task::read(&hand.write()), Ok(hand.clone()));
        assert!(hand.sentence().contains("at most 12 in pixels changed"));
    }

    #[test]
    fn a_solution_reaches_the_target_within_budget_and_earns_a_stable_code() {
        let original = vec![0.0; 784];
        let mut candidate = original.clone();
        candidate[..4].fill(1.0); // RMS 2/28 ≈ 0.071
        let t = task();
        assert!(
            t.check(&original, &candidate, 5)
                .unwrap_err()
                .contains("reads 5")
        );
        assert!(
            t.check(&original, &candidate, 3)
                .unwrap_err()
                .contains("more than")
        );
        let wider = Task {
            most: 0.08,
            ..t.clone()
        };
        assert_eq!(wider.check(&original, &candidate, 3), Ok(()));
        let code = wider.code(&candidate);
        assert_eq!(code.len(), CODE);
        assert_eq!(
            code,
            wider.code(&candidate),
            "the same solution, the same code"
        );
        let mut other = candidate.clone();
        other[5] = 0.5;
        assert_ne!(code, wider.code(&other), "another solution, another code");
        assert_ne!(code, t.code(&candidate), "another task, another code");
    }
}
