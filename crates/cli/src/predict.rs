//! `predict`: classify a picture of a digit with the preprocessing the app uses.

use crate::Dirs;
use crate::out::outln;

use blindspot_core::preprocess::to_mnist;
use blindspot_core::{Result, eval};
use std::path::Path;

pub fn run(dirs: &Dirs, name: &str, image: &Path, json: bool) -> Result<()> {
    let gray = crate::photo::read(image)?;
    let pixels = to_mnist(&gray)?;
    let device = dirs.compute.device()?;
    let (model, _) = blindspot_core::yours::load(&dirs.models, name, &device)?;
    let probs = blindspot_core::attack::block_on(eval::probabilities(&model, &pixels, &device))?;
    let label = eval::argmax(&probs);
    if json {
        outln!(
            "{}",
            serde_json::json!({"model": name, "image": image, "label": label, "probabilities": probs})
        );
    } else {
        outln!(
            "{}: {label} ({:.1}%)",
            image.display(),
            100.0 * probs[label as usize]
        );
    }
    Ok(())
}
