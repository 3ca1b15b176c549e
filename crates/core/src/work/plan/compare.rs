//! The Compare view's plan: one digit, one model, one goal, attacked by every method that
//! looks for the smallest perturbation (one job each, spread over the runner's parts), each
//! answer with its own time.

use super::{OnProgress, Runner};
use crate::attack::{Goal, Method, MethodName, Settings, refuse_own_label};
use crate::work::{AttackJob, Attacked, Failure, Job};

/// What every method attacks, and the settings each takes its own from.
#[derive(Clone, Debug)]
pub struct Compare {
    pub model: String,
    pub pixels: Vec<f32>,
    /// The label the model gives the digit.
    pub label: u8,
    pub goal: Goal,
    pub settings: Settings,
}

impl Compare {
    /// Each method with its settings, in [`MethodName::MINIMAL`]'s order.
    pub fn methods(&self) -> Vec<Method> {
        (MethodName::MINIMAL.iter())
            .map(|name| name.with(&self.settings))
            .collect()
    }

    /// One attack job per method, in [`Compare::methods`]' order.
    pub fn jobs(&self) -> Vec<Job> {
        (self.methods().into_iter())
            .map(|method| {
                Job::Attack(AttackJob {
                    model: self.model.clone(),
                    pixels: self.pixels.clone(),
                    label: self.label,
                    goal: self.goal,
                    method,
                })
            })
            .collect()
    }
}

/// Every method's answer, in [`MethodName::MINIMAL`]'s order (`None` where Stop came first; a
/// stopped method answers with what it had). The digit's own label as the target is refused
/// before anything runs.
pub async fn run(
    runner: &impl Runner,
    compare: &Compare,
    progress: OnProgress,
) -> Result<Vec<Option<Attacked>>, Failure> {
    refuse_own_label(&[compare.label.into()], &[compare.goal])?;
    let answers = runner.run_all(compare.jobs(), progress).await?;
    answers
        .into_iter()
        .map(|answer| answer.map(Attacked::try_from).transpose())
        .collect()
}
