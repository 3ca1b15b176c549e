//! A deal of the Units game (`units::deal::deal` run serially) over the gallery's digits in
//! one slice per part: first which units vary on each slice, then, for the deal's directions,
//! each slice's best images. The merge is the whole deal (`crates/core/tests/units.rs`).

use super::{Runner, all, quiet};
use crate::units::Direction;
use crate::units::deal::{Dealt, Liveness, directions, merged_tops};
use crate::work::{Failure, Job, SliceFound, UnitsJob};

/// A deal's question.
pub struct Deal<'a> {
    pub model: &'a str,
    pub layer: &'a str,
    /// Seeds the directions.
    pub round: u64,
    /// Gallery digits dealt from (the first `n`).
    pub n: usize,
    /// Rows of each kind (live units, random directions).
    pub per_kind: usize,
    /// Digits shown per row.
    pub shown: usize,
}

/// Runs the deal on `runner`, one slice of the digits per part.
pub async fn run(runner: &impl Runner, deal: &Deal<'_>) -> Result<Vec<Dealt>, Failure> {
    let parts = runner.parts().min(deal.n).max(1);
    let per = deal.n.div_ceil(parts);
    let ask = |directions: &[Direction]| {
        let jobs = (0..parts)
            .map(|k| {
                Job::UnitsSlice(UnitsJob {
                    model: deal.model.to_string(),
                    layer: deal.layer.to_string(),
                    start: k * per,
                    end: ((k + 1) * per).min(deal.n),
                    directions: directions.to_vec(),
                    k: deal.shown,
                })
            })
            .collect();
        runner.run_all(jobs, quiet())
    };
    let first: Vec<SliceFound> = all(ask(&[]).await?)?;
    let live = (first.into_iter().map(|f| f.liveness))
        .reduce(Liveness::then)
        .map_or_else(Vec::new, |l| l.live());
    let chosen = directions(live, deal.round, deal.per_kind);
    let second: Vec<SliceFound> = all(ask(&chosen).await?)?;
    let top = merged_tops(second.into_iter().map(|f| f.tops).collect(), deal.shown);
    Ok((chosen.into_iter().zip(top))
        .map(|(direction, top)| Dealt { direction, top })
        .collect())
}
