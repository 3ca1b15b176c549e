//! Section 3: do single units of a hidden layer "mean" more than random directions of it?
//! For a layer φ and a direction v (a basis vector e_i or a seeded random Gaussian direction),
//! rank held-out images by ⟨φ(x), v⟩ and look at the top k. [`coherence`] turns the paper's
//! visual judgement into numbers.

pub mod coherence;
pub mod study;

use crate::data::Digits;
use crate::model::{Classifier, ProbeLayer};
use crate::rng::Rng;
use crate::{Error, Result};
use burn::prelude::*;

/// The probe-able layers of a model, input side first: `h1`, `h2`, … for the MLPs; `conv`
/// (the pooled convolutional features) and `dense` (the 128 ReLU units) for the convnet.
pub fn layers(model: &Classifier) -> Vec<ProbeLayer> {
    model.probe_layers()
}

/// The layer called `name`, or an error listing the model's layers.
pub fn find_layer(model: &Classifier, name: &str) -> Result<ProbeLayer> {
    let all = layers(model);
    let names: Vec<String> = all.iter().map(|l| l.name.clone()).collect();
    all.into_iter().find(|l| l.name == name).ok_or_else(|| {
        Error::Other(if names.is_empty() {
            "this model has no hidden layer (softmax regression on pixels)".into()
        } else {
            format!("layer '{name}' is not one of {}", names.join(", "))
        })
    })
}

/// Activations φ(x) of one layer on a set of images: `len × width`, row-major.
pub struct Features {
    pub width: usize,
    pub values: Vec<f32>,
}

impl Features {
    pub fn len(&self) -> usize {
        self.values.len() / self.width.max(1)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Units whose activation is not the same on every image (dead ReLU units are constant).
    pub fn live_units(&self) -> Vec<usize> {
        (0..self.width)
            .filter(|&u| {
                let mut column = self.values.iter().skip(u).step_by(self.width);
                let first = column.next().copied().unwrap_or(0.0);
                column.any(|&v| v != first)
            })
            .collect()
    }

    /// ⟨φ(x_j), v⟩ for every image j.
    pub fn project(&self, v: &[f32]) -> Vec<f32> {
        self.values
            .chunks(self.width)
            .map(|row| row.iter().zip(v).map(|(a, b)| a * b).sum())
            .collect()
    }
}

/// φ(x) for every digit, in batches (async: a WebGPU device is read asynchronously).
pub async fn features(
    model: &Classifier,
    layer: &ProbeLayer,
    digits: &Digits,
    device: &Device,
) -> Result<Features> {
    let mut values = Vec::with_capacity(digits.len() * layer.width);
    let indices: Vec<usize> = (0..digits.len()).collect();
    for chunk in indices.chunks(1000) {
        let x = digits.batch(chunk, device);
        let h = model
            .probe(x, &layer.name)
            .ok_or_else(|| Error::Other(format!("this model has no layer '{}'", layer.name)))?;
        let data = h.into_data_async().await.map_err(Error::device)?;
        values.extend(data.iter::<f32>());
    }
    Ok(Features {
        width: layer.width,
        values,
    })
}

/// A direction in a layer's activation space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Direction {
    /// The natural basis vector e_i: one unit.
    Unit(usize),
    /// A Gaussian vector from this seed, normalised to length 1.
    Random(u64),
}

impl Direction {
    pub fn vector(&self, width: usize) -> Vec<f32> {
        match *self {
            Direction::Unit(i) => (0..width).map(|j| (i == j) as u8 as f32).collect(),
            Direction::Random(seed) => {
                let mut rng = Rng::new(seed);
                let v: Vec<f64> = (0..width).map(|_| rng.gaussian()).collect();
                let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
                v.iter().map(|x| (x / norm) as f32).collect()
            }
        }
    }
}

/// Indices of the `k` images with the largest ⟨φ(x), v⟩ (best first), and of the `k` with
/// the smallest (lowest first). Ties keep the lower index first.
pub fn extremes(features: &Features, v: &[f32], k: usize) -> (Vec<usize>, Vec<usize>) {
    let scores = features.project(v);
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let top = order.iter().take(k).copied().collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(a.cmp(&b)));
    let bottom = order.iter().take(k).copied().collect();
    (top, bottom)
}

/// One row of the app's Units game: a direction and the images that excite it most.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Dealt {
    pub direction: Direction,
    /// The `k` images with the largest ⟨φ(x), v⟩, largest first.
    pub top: Vec<usize>,
}

/// A deal of the Units game, seeded by `round`: `per_kind` live units of the layer and
/// `per_kind` random directions, shuffled, each with its `k` most exciting images.
pub fn deal(features: &Features, round: u64, per_kind: usize, k: usize) -> Vec<Dealt> {
    let mut rng = Rng::new(round.wrapping_mul(0x9e37) ^ 0x0417);
    let mut picked = features.live_units();
    rng.shuffle(&mut picked);
    let mut directions: Vec<Direction> = picked
        .into_iter()
        .take(per_kind)
        .map(Direction::Unit)
        .collect();
    directions.extend((0..per_kind as u64).map(|j| Direction::Random(round * 100 + j)));
    rng.shuffle(&mut directions);
    directions
        .into_iter()
        .map(|direction| Dealt {
            top: extremes(features, &direction.vector(features.width), k).0,
            direction,
        })
        .collect()
}
