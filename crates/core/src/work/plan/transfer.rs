//! A block of a transfer table (Tables 2 and 4): every column model tested on every set of
//! examples, then on the noise rows. Each set goes in slices of `batch` digits (their wrong
//! counts add up), each noise row whole (its noise is drawn over all its digits). After Stop
//! the block ends before the first row not finished. The CLI runs it serially, the page over
//! its pool; `crates/core/tests/plans.rs` checks it against every column on each whole set.

use super::{Runner, quiet};
use crate::PIXELS;
use crate::experiment::{Examples, NoiseRows, TransferBlock, TransferRow, gaussian_name};
use crate::levels::to_bytes;
use crate::work::{Counted, Failure, Job, RowExamples, RowJob};

/// Every job with the row it counts for, in row order.
pub fn jobs(
    columns: &[String],
    examples: &[Examples<'_>],
    noise: &NoiseRows<'_>,
    batch: usize,
) -> Vec<(usize, Job)> {
    let job = |labels: &[u8], examples| {
        Job::WrongCounts(RowJob {
            columns: columns.to_vec(),
            labels: labels.to_vec(),
            examples,
        })
    };
    let mut jobs = Vec::new();
    for (row, e) in examples.iter().enumerate() {
        for start in (0..e.labels.len()).step_by(batch) {
            let end = (start + batch).min(e.labels.len());
            let pixels = e.pixels[start * PIXELS..end * PIXELS].to_vec();
            jobs.push((row, job(&e.labels[start..end], RowExamples::Made(pixels))));
        }
    }
    for (k, &stddev) in noise.stddevs.iter().enumerate() {
        let made = RowExamples::Noise {
            stddev,
            seed: noise.seed,
            pixels: to_bytes(noise.pixels),
        };
        jobs.push((examples.len() + k, job(noise.labels, made)));
    }
    jobs
}

/// The block from each job's answer (`rows[k]`: the row job `k` counts for).
pub fn merged(
    columns: usize,
    examples: &[Examples<'_>],
    noise: &NoiseRows<'_>,
    rows: &[usize],
    answers: Vec<Option<Counted>>,
) -> TransferBlock {
    let count = examples.len() + noise.stddevs.len();
    // Per row: the summed counts (and noise RMS), or None once a slice is missing.
    let mut counted: Vec<Option<Counted>> = (0..count)
        .map(|_| {
            Some(Counted {
                wrong: vec![0; columns],
                noise_rms: None,
            })
        })
        .collect();
    for (&row, answer) in rows.iter().zip(answers) {
        let Some(sum) = counted[row].as_mut() else {
            continue;
        };
        let Some(answer) = answer else {
            counted[row] = None;
            continue;
        };
        for (total, w) in sum.wrong.iter_mut().zip(&answer.wrong) {
            *total += w;
        }
        sum.noise_rms = answer.noise_rms;
    }
    let mut block = TransferBlock::default();
    for (row, c) in counted.into_iter().map_while(|c| c).enumerate() {
        match examples.get(row) {
            Some(e) => block.examples.push(TransferRow::from_counts(
                &e.made_for,
                e.distortion,
                e.labels.len(),
                &c.wrong,
            )),
            None => {
                let stddev = noise.stddevs[row - examples.len()];
                let (name, rms) = (gaussian_name(stddev), c.noise_rms.unwrap_or_default());
                let row = TransferRow::from_counts(&name, rms, noise.labels.len(), &c.wrong);
                block.noise.push(row);
            }
        }
    }
    block
}

/// Runs the block on `runner`.
pub async fn run(
    runner: &impl Runner,
    columns: &[String],
    examples: &[Examples<'_>],
    noise: &NoiseRows<'_>,
) -> Result<TransferBlock, Failure> {
    let (rows, jobs): (Vec<usize>, Vec<Job>) = jobs(columns, examples, noise, runner.batch())
        .into_iter()
        .unzip();
    let answers = runner.run_all(jobs, quiet()).await?;
    let counted = answers
        .into_iter()
        .map(|a| a.map(Counted::try_from).transpose())
        .collect::<Result<Vec<_>, Failure>>()?;
    Ok(merged(columns.len(), examples, noise, &rows, counted))
}
