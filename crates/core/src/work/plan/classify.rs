//! Many models on a few images (the Transfer panel): one job per model and image.

use super::{Runner, all, quiet};
use crate::work::{Failure, Job};

/// Each of `models`' probabilities on each of `images`: `[model][image]`.
pub async fn everywhere(
    runner: &impl Runner,
    models: &[&str],
    images: &[Vec<f32>],
) -> Result<Vec<Vec<Vec<f32>>>, Failure> {
    let jobs = (models.iter())
        .flat_map(|m| {
            images.iter().map(|x| Job::Classify {
                model: m.to_string(),
                pixels: x.clone(),
            })
        })
        .collect();
    let answers: Vec<Vec<f32>> = all(runner.run_all(jobs, quiet()).await?)?;
    Ok(answers
        .chunks(images.len().max(1))
        .map(<[Vec<f32>]>::to_vec)
        .collect())
}
