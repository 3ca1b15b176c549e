//! The app's Units game: a deal of live units and random directions of a layer, each with the
//! images that excite it most. The browser's workers each take a slice of the images; what they
//! find about their slices merges to the whole deal (`tests/units.rs` checks it).

use super::{Direction, Features, best_first, by_best};
use crate::rng::Rng;

/// One row of the game: a direction and the images that excite it most.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Dealt {
    pub direction: Direction,
    /// The `k` images with the largest ⟨φ(x), v⟩, largest first.
    pub top: Vec<usize>,
}

/// Which units of a layer vary over a slice of images: each unit's value on the slice's first
/// image, and whether any other differs. Consecutive slices merge with [`Liveness::then`].
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Liveness {
    first: Vec<f32>,
    varies: Vec<bool>,
}

impl Liveness {
    pub fn of(features: &Features) -> Self {
        let width = features.width;
        let first: Vec<f32> = features.values.iter().take(width).copied().collect();
        let mut varies = vec![false; first.len()];
        for row in features.values.chunks(width.max(1)).skip(1) {
            for ((v, f), moved) in row.iter().zip(&first).zip(varies.iter_mut()) {
                *moved |= v != f;
            }
        }
        Liveness { first, varies }
    }

    /// This slice followed by `next`.
    pub fn then(self, next: Liveness) -> Self {
        if self.first.is_empty() {
            return next;
        }
        let varies = (self.varies.iter().zip(&next.varies))
            .zip(self.first.iter().zip(&next.first))
            .map(|((&a, &b), (x, y))| a || b || x != y)
            .collect();
        Liveness {
            first: self.first,
            varies,
        }
    }

    /// The units that vary (dead ReLU units are constant).
    pub fn live(&self) -> Vec<usize> {
        (0..self.varies.len()).filter(|&u| self.varies[u]).collect()
    }
}

/// The directions of a deal seeded by `round`: `per_kind` of the `live` units and `per_kind`
/// random directions, shuffled.
pub fn directions(mut live: Vec<usize>, round: u64, per_kind: usize) -> Vec<Direction> {
    let mut rng = Rng::new(round.wrapping_mul(0x9e37) ^ 0x0417);
    rng.shuffle(&mut live);
    let mut directions: Vec<Direction> = live
        .into_iter()
        .take(per_kind)
        .map(Direction::Unit)
        .collect();
    directions.extend((0..per_kind as u64).map(|j| Direction::Random(round * 100 + j)));
    rng.shuffle(&mut directions);
    directions
}

/// For each direction, the `k` best images of a slice that starts at image `offset`, as
/// (score, index in the whole set), best first.
pub fn tops(
    features: &Features,
    directions: &[Direction],
    k: usize,
    offset: usize,
) -> Vec<Vec<(f32, usize)>> {
    directions
        .iter()
        .map(|d| {
            let scored = best_first(features, &d.vector(features.width));
            scored
                .into_iter()
                .take(k)
                .map(|(s, i)| (s, i + offset))
                .collect()
        })
        .collect()
}

/// The slices' [`tops`] merged: for each direction, the indices of the `k` best images of all.
pub fn merged_tops(slices: Vec<Vec<Vec<(f32, usize)>>>, k: usize) -> Vec<Vec<usize>> {
    let count = slices.first().map_or(0, Vec::len);
    let mut all: Vec<Vec<(f32, usize)>> = vec![Vec::new(); count];
    for slice in slices {
        for (into, from) in all.iter_mut().zip(slice) {
            into.extend(from);
        }
    }
    all.into_iter()
        .map(|mut scored| {
            scored.sort_by(by_best);
            scored.into_iter().take(k).map(|s| s.1).collect()
        })
        .collect()
}

/// A whole deal on `features`, seeded by `round`, `k` images a row.
pub fn deal(features: &Features, round: u64, per_kind: usize, k: usize) -> Vec<Dealt> {
    let directions = directions(features.live_units(), round, per_kind);
    let top = merged_tops(vec![tops(features, &directions, k, 0)], k);
    directions
        .into_iter()
        .zip(top)
        .map(|(direction, top)| Dealt { direction, top })
        .collect()
}
