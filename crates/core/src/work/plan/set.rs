//! Adversarial examples for many digits (Tables 1–4): batches of the runner's size, each the one
//! batch a single engine would attack, so the merged set is that engine's; progress summed
//! over the batches.

use super::{OnProgress, Runner};
use crate::PIXELS;
use crate::attack::Progress;
use crate::data::Digits;
use crate::experiment::AdversarialSet;
use crate::work::{Failure, Job, SetDone, SetJob};
use std::cell::RefCell;
use std::rc::Rc;

/// The jobs for `digits` of `model`, with their data-set `indices` and `seed` (which pick each
/// digit's target), in batches of `batch`.
pub fn jobs(model: &str, digits: &Digits, indices: &[usize], seed: u64, batch: usize) -> Vec<Job> {
    (0..digits.len())
        .step_by(batch)
        .map(|start| {
            let end = (start + batch).min(digits.len());
            Job::AdversarialSet(SetJob {
                model: model.to_string(),
                pixels: digits.images[start * PIXELS..end * PIXELS].to_vec(),
                labels: digits.labels[start..end].to_vec(),
                indices: indices[start..end].to_vec(),
                seed,
            })
        })
        .collect()
}

/// The batches' sets in order, and whether Stop cut any short (or kept it from starting).
pub fn merged(batches: Vec<Option<SetDone>>) -> (AdversarialSet, bool) {
    let mut set = AdversarialSet::default();
    let mut stopped = false;
    for batch in batches {
        match batch {
            Some(done) => {
                set.append(done.set);
                stopped |= done.stopped;
            }
            None => stopped = true,
        }
    }
    (set, stopped)
}

/// Attacks `digits` on `runner` (see [`jobs`]); `status` hears the digits finished of all.
pub async fn run(
    runner: &impl Runner,
    model: &str,
    digits: &Digits,
    indices: &[usize],
    seed: u64,
    status: impl Fn(&Progress) + 'static,
) -> Result<(AdversarialSet, bool), Failure> {
    let jobs = jobs(model, digits, indices, seed, runner.batch());
    let n = digits.len();
    let finished = RefCell::new(vec![0usize; jobs.len()]);
    let progress: OnProgress = Rc::new(move |b, p: &Progress| {
        finished.borrow_mut()[b] = p.finished;
        let sum = finished.borrow().iter().sum();
        status(&Progress {
            finished: sum,
            problems: n,
            ..*p
        });
    });
    let answers = runner.run_all(jobs, progress).await?;
    let batches = answers
        .into_iter()
        .map(|a| a.map(SetDone::try_from).transpose())
        .collect::<Result<Vec<_>, Failure>>()?;
    Ok(merged(batches))
}
