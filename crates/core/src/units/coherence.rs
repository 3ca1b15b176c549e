//! Scores for "is this row of images semantically coherent?", so that units and random
//! directions can be compared over many directions instead of by eye.

use crate::PIXELS;
use crate::data::Digits;

/// Fraction of the images carrying their most common label (1 = all the same digit; a random
/// set of 10 test digits scores about 0.26).
pub fn label_purity(labels: &[u8]) -> f64 {
    let mut counts = [0usize; crate::CLASSES];
    labels.iter().for_each(|&l| counts[l as usize] += 1);
    *counts.iter().max().unwrap_or(&0) as f64 / labels.len().max(1) as f64
}

/// Mean cosine similarity of the pixel vectors over all pairs of the images.
pub fn pixel_similarity(digits: &Digits, indices: &[usize]) -> f64 {
    let images: Vec<&[u8]> = indices
        .iter()
        .map(|&i| &digits.images[i * PIXELS..(i + 1) * PIXELS])
        .collect();
    let dot =
        |a: &[u8], b: &[u8]| -> f64 { a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum() };
    let (mut sum, mut pairs) = (0.0, 0usize);
    for i in 0..images.len() {
        for j in i + 1..images.len() {
            let denom = (dot(images[i], images[i]) * dot(images[j], images[j])).sqrt();
            sum += if denom > 0.0 {
                dot(images[i], images[j]) / denom
            } else {
                0.0
            };
            pairs += 1;
        }
    }
    sum / pairs.max(1) as f64
}

/// Mean and standard deviation of a score over many directions.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Spread {
    pub mean: f64,
    pub std: f64,
    pub count: usize,
}

impl Spread {
    pub fn of(values: &[f64]) -> Self {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Spread {
            mean,
            std: var.sqrt(),
            count: values.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purity_and_similarity_score_what_they_say() {
        assert_eq!(label_purity(&[3, 3, 3, 1]), 0.75);
        assert_eq!(label_purity(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 0.1);
        let mut images = vec![0u8; 3 * PIXELS];
        images[0] = 255; // image 0 and 1: same single pixel; image 2: another pixel
        images[PIXELS] = 255;
        images[2 * PIXELS + 5] = 255;
        let digits = Digits::new(images, vec![0, 0, 0]).unwrap();
        assert!((pixel_similarity(&digits, &[0, 1]) - 1.0).abs() < 1e-12);
        assert!((pixel_similarity(&digits, &[0, 1, 2]) - 1.0 / 3.0).abs() < 1e-12);
        let s = Spread::of(&[1.0, 3.0]);
        assert_eq!((s.mean, s.std, s.count), (2.0, 1.0, 2));
    }
}
