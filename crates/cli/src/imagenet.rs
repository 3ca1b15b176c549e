//! `imagenet`: photos through EfficientNet-Lite0 (`models/imagenet/`, made by
//! `python3 scripts/lib/imagenet_weights.py`), cut to the 224×224 the model sees as the app
//! cuts them.

use crate::Dirs;
use crate::out::outln;
use crate::photo::read_rgba;
use blindspot_core::attack::block_on;
use blindspot_core::imagenet::{self, Card, Classes, EfficientNetLite0, Ranked};
use blindspot_core::{Error, Result};
use burn::prelude::Device;
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ImagenetCommand {
    /// The five most probable ImageNet classes of a photo
    Classify {
        /// The photo: JPEG, PNG, WebP or GIF (its first frame), any size up to 20 megapixels
        photo: PathBuf,
    },
}

pub fn run(dirs: &Dirs, command: &ImagenetCommand, json: bool) -> Result<()> {
    match command {
        ImagenetCommand::Classify { photo } => classify(dirs, photo, json),
    }
}

/// The model and its class names, both checked against the card.
struct Loaded {
    model: EfficientNetLite0,
    classes: Classes,
}

fn load(dirs: &Dirs, device: &Device) -> Result<Loaded> {
    let dir = dirs.models.join(imagenet::DIR);
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).map_err(|e| {
            Error::Weights(format!(
                "{}: {e}; python3 scripts/lib/imagenet_weights.py makes it",
                path.display()
            ))
        })
    };
    let card = Card::parse(&read(imagenet::CARD)?)?;
    let text = card.classes.check(read(&card.classes.file)?)?;
    let classes = Classes::parse(&String::from_utf8_lossy(&text))?;
    let model = imagenet::model(&card, read(&card.weights.file)?, device)?;
    Ok(Loaded { model, classes })
}

/// The photo at `path` as the model's input.
fn input(path: &Path) -> Result<Vec<f32>> {
    let rgba = read_rgba(path)?;
    imagenet::crop(rgba.width() as usize, rgba.height() as usize, rgba.as_raw())
}

fn classify(dirs: &Dirs, photo: &Path, json: bool) -> Result<()> {
    let device = Device::flex();
    let pixels = input(photo)?;
    let loaded = load(dirs, &device)?;
    let top = imagenet::top(
        &loaded.classes,
        &block_on(imagenet::probabilities(&loaded.model, &pixels, &device))?,
        5,
    );
    if json {
        outln!("{}", serde_json::json!(top));
    } else {
        outln!("{}:", photo.display());
        for Ranked {
            label,
            name,
            probability,
        } in &top
        {
            outln!("  {:5.1}%  {name} ({label})", 100.0 * probability);
        }
    }
    Ok(())
}
