//! The measurable form of the paper's Section 3 claim: top-k rows of single units are no more
//! coherent than those of random directions. Per layer, the mean and spread of two scores
//! over many units and as many random directions.

use super::coherence::{Spread, label_purity, pixel_similarity};
use super::{Direction, Features, extremes};
use crate::data::Digits;
use crate::model::ProbeLayer;

#[derive(Clone, Debug, serde::Serialize)]
pub struct Scores {
    /// Fraction of the top k sharing their most common label.
    pub purity: Spread,
    /// Mean pairwise cosine similarity of the top k images' pixels.
    pub similarity: Spread,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct LayerStudy {
    pub layer: String,
    pub width: usize,
    pub k: usize,
    /// Units whose activation is the same on every image (no ranking; left out).
    pub constant_units: usize,
    pub units: Scores,
    pub random: Scores,
}

fn scores(features: &Features, digits: &Digits, directions: &[Direction], k: usize) -> Scores {
    let (mut purity, mut similarity) = (Vec::new(), Vec::new());
    for d in directions {
        let (top, _) = extremes(features, &d.vector(features.width), k);
        let labels: Vec<u8> = top.iter().map(|&i| digits.labels[i]).collect();
        purity.push(label_purity(&labels));
        similarity.push(pixel_similarity(digits, &top));
    }
    Scores {
        purity: Spread::of(&purity),
        similarity: Spread::of(&similarity),
    }
}

/// Compares up to `count` units (evenly spaced over the non-constant ones) with `count`
/// random directions (seeds `seed`, `seed + 1`, …) on one layer's features of `digits`.
pub fn study(
    layer: &ProbeLayer,
    features: &Features,
    digits: &Digits,
    k: usize,
    count: usize,
    seed: u64,
) -> LayerStudy {
    let live = features.live_units();
    let picked: Vec<Direction> = (0..count.min(live.len()))
        .map(|j| Direction::Unit(live[j * live.len() / count.min(live.len())]))
        .collect();
    let random: Vec<Direction> = (0..picked.len() as u64)
        .map(|j| Direction::Random(seed + j))
        .collect();
    LayerStudy {
        layer: layer.name.clone(),
        width: layer.width,
        k,
        constant_units: features.width - live.len(),
        units: scores(features, digits, &picked, k),
        random: scores(features, digits, &random, k),
    }
}
