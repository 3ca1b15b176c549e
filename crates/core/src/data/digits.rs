//! A set of labelled 28×28 digits held as bytes, and its conversion to model input.

use crate::{PIXELS, Result, data::idx};
use burn::prelude::*;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Digits {
    /// `len × 784` bytes, row-major, 0 = background, 255 = ink.
    pub images: Vec<u8>,
    pub labels: Vec<u8>,
}

impl Digits {
    pub fn new(images: Vec<u8>, labels: Vec<u8>) -> Result<Self> {
        if images.len() != labels.len() * PIXELS {
            return Err(crate::Error::Idx(format!(
                "{} images but {} labels",
                images.len() / PIXELS,
                labels.len()
            )));
        }
        Ok(Digits { images, labels })
    }

    /// Decodes an image file and a label file (IDX, raw or gzip) given as bytes.
    pub fn from_idx(images: Vec<u8>, labels: Vec<u8>) -> Result<Self> {
        let images = idx::parse_images(&idx::maybe_gunzip(images)?)?;
        let labels = idx::parse_labels(&idx::maybe_gunzip(labels)?)?;
        Digits::new(images, labels)
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels as class indices, as the attacks take them.
    pub fn label_indices(&self) -> Vec<usize> {
        self.labels.iter().map(|&l| usize::from(l)).collect()
    }

    /// Image `i` as 784 floats in [0, 1].
    pub fn pixels(&self, i: usize) -> Vec<f32> {
        self.images[i * PIXELS..(i + 1) * PIXELS]
            .iter()
            .map(|&p| p as f32 / 255.0)
            .collect()
    }

    /// Every image as floats in [0, 1], `len × 784` row-major.
    pub fn floats(&self) -> Vec<f32> {
        self.images.iter().map(|&p| p as f32 / 255.0).collect()
    }

    /// Digit `i`'s image and label, if there is one.
    pub fn get(&self, i: usize) -> Option<(&[u8], u8)> {
        let label = *self.labels.get(i)?;
        Some((&self.images[i * PIXELS..(i + 1) * PIXELS], label))
    }

    /// Appends a digit (`image`: 784 bytes).
    pub fn push(&mut self, image: &[u8], label: u8) {
        debug_assert_eq!(image.len(), PIXELS);
        self.images.extend_from_slice(image);
        self.labels.push(label);
    }

    /// The digits at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Digits {
        let mut images = Vec::with_capacity(indices.len() * PIXELS);
        for &i in indices {
            images.extend_from_slice(&self.images[i * PIXELS..(i + 1) * PIXELS]);
        }
        Digits {
            images,
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
        }
    }

    /// The digits `start..end`.
    pub fn range(&self, start: usize, end: usize) -> Digits {
        Digits {
            images: self.images[start * PIXELS..end * PIXELS].to_vec(),
            labels: self.labels[start..end].to_vec(),
        }
    }

    /// Images `indices` as a `[n, 784]` tensor of floats in [0, 1].
    pub fn batch(&self, indices: &[usize], device: &Device) -> Tensor<2> {
        let mut x = Vec::with_capacity(indices.len() * PIXELS);
        for &i in indices {
            x.extend(
                self.images[i * PIXELS..(i + 1) * PIXELS]
                    .iter()
                    .map(|&p| p as f32 / 255.0),
            );
        }
        Tensor::from_data(TensorData::new(x, [indices.len(), PIXELS]), device)
    }

    /// Labels `indices` as an integer tensor `[n]`.
    pub fn batch_labels(&self, indices: &[usize], device: &Device) -> Tensor<1, Int> {
        let y: Vec<i64> = indices.iter().map(|&i| self.labels[i] as i64).collect();
        Tensor::from_data(TensorData::new(y, [indices.len()]), device)
    }

    /// Encodes the set as a pair of gzip-compressed IDX files (images, labels).
    pub fn to_idx_gz(&self) -> (Vec<u8>, Vec<u8>) {
        use std::io::Write;
        let gz = |raw: Vec<u8>| {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            enc.write_all(&raw).expect("writing to memory");
            enc.finish().expect("writing to memory")
        };
        (
            gz(idx::encode_u8(
                &[self.len(), crate::SIDE, crate::SIDE],
                &self.images,
            )),
            gz(idx::encode_u8(&[self.len()], &self.labels)),
        )
    }
}
