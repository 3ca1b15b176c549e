//! Section 3: do single units of a hidden layer "mean" more than random directions of it?
//! For a layer φ and a direction v (a basis vector e_i or a seeded random Gaussian direction),
//! rank held-out images by ⟨φ(x), v⟩ and look at the top k. [`coherence`] turns the paper's
//! visual judgement into numbers.

pub mod coherence;
pub mod deal;
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
        deal::Liveness::of(self).live()
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
    let scored = best_first(features, v);
    let top = scored.iter().take(k).map(|s| s.1).collect();
    let mut lowest = scored;
    lowest.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let bottom = lowest.iter().take(k).map(|s| s.1).collect();
    (top, bottom)
}

/// Every image's (⟨φ(x), v⟩, index), largest first (ties: lower index first).
pub fn best_first(features: &Features, v: &[f32]) -> Vec<(f32, usize)> {
    let mut scored: Vec<(f32, usize)> = features.project(v).into_iter().zip(0..).collect();
    scored.sort_by(by_best);
    scored
}

/// The order of [`best_first`]: larger score first, then lower index.
pub fn by_best(a: &(f32, usize), b: &(f32, usize)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}
