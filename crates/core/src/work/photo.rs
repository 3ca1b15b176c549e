//! How the photo jobs run on a workshop: a photo read, a photo attacked whole, and the parts
//! of an attack the page's plan deals over its workers (`plan::photo`): a round of L-BFGS
//! solves, and the outcome judged.

use super::{Failure, JudgeJob, PhotoAttacked, PhotoJob, Workshop};
use crate::attack::solver::{Local, Rows, Solver, Solves};
use crate::attack::{Control, Progress};
use crate::imagenet::{self, Ranked, attacks};
use crate::levels::{from_bytes, to_bytes};
use burn::module::Module;

/// A photo's bytes as the model's input, refused unless it is `[3, 224, 224]`.
fn pixels(bytes: &[u8]) -> Result<Vec<f32>, Failure> {
    if bytes.len() != imagenet::INPUT {
        return Err(Failure::Job(format!(
            "a photo of {} values, not 3×224×224",
            bytes.len()
        )));
    }
    Ok(from_bytes(bytes))
}

/// The photo's most probable classes.
pub(super) async fn ranked(w: &impl Workshop, bytes: &[u8]) -> Result<Vec<Ranked>, Failure> {
    let pixels = pixels(bytes)?;
    let loaded = w.imagenet().await?;
    let model = loaded.model.valid();
    Ok(attacks::ranked(&model, &loaded.classes, w.plain(), &pixels).await?)
}

/// A photo attack, judged on the 8-bit photo it gives (as the CLI judges it).
pub(super) async fn attack(
    w: &impl Workshop,
    job: PhotoJob,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<PhotoAttacked, Failure> {
    let pixels = pixels(&job.pixels)?;
    let attack = attacks::attack(job.method, job.epsilon_levels, job.steps, 1)?;
    let loaded = w.imagenet().await?;
    let (model, classes) = (&loaded.model, &loaded.classes);
    let report = attacks::attack_photo(
        model,
        classes,
        w.device(),
        &pixels,
        job.goal,
        &attack,
        progress,
    )
    .await?;
    let adversarial = to_bytes(&report.adversarial);
    Ok(PhotoAttacked {
        report,
        adversarial,
    })
}

/// A round of a photo's L-BFGS solves, with the photos' settings.
pub(super) async fn solve(
    w: &impl Workshop,
    rows: Rows,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Solves, Failure> {
    if rows.x0.len() != rows.targets.len() * imagenet::INPUT
        || rows.start.len() != rows.x0.len()
        || rows.cs.len() != rows.targets.len()
        || rows.bounds.len() != rows.targets.len()
        || rows.targets.iter().any(|&t| t >= imagenet::CLASSES)
    {
        return Err(Failure::Job("a photo solve's rows do not agree".into()));
    }
    let loaded = w.imagenet().await?;
    let local = Local {
        model: &loaded.model,
        device: w.device(),
    };
    Ok(local.solve(rows, &attacks::lbfgs(), progress).await?)
}

/// A photo attack's outcome (found by the plan's search) judged as [`attack`] judges its own.
pub(super) async fn judge(w: &impl Workshop, job: JudgeJob) -> Result<PhotoAttacked, Failure> {
    let pixels = pixels(&job.pixels)?;
    if job.outcome.adversarial.len() != pixels.len() {
        return Err(Failure::Job("the outcome is not a photo".into()));
    }
    let loaded = w.imagenet().await?;
    let (model, classes) = (&loaded.model, &loaded.classes);
    let before = attacks::ranked(model, classes, w.device(), &pixels).await?;
    let device = w.device();
    let report = attacks::judge(
        model,
        classes,
        device,
        &pixels,
        job.goal,
        before,
        &job.outcome,
    )
    .await?;
    let adversarial = to_bytes(&report.adversarial);
    Ok(PhotoAttacked {
        report,
        adversarial,
    })
}
