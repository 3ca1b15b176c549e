//! `predict`: classify a PNG with the preprocessing the app uses.

use crate::Dirs;
use blindspot_core::card::load_model;
use blindspot_core::preprocess::{Gray, MAX_PIXELS, to_mnist};
use blindspot_core::{Error, Result, eval, zoo};
use burn::prelude::Device;
use std::path::Path;

pub fn run(dirs: &Dirs, name: &str, image: &Path, json: bool) -> Result<()> {
    let spec = zoo::spec(name)?;
    let gray = read_png(image)?;
    let pixels = to_mnist(&gray)?;
    let device = Device::flex();
    let (model, _) = load_model(&dirs.models, spec, &device)?;
    let probs = blindspot_core::attack::block_on(eval::probabilities(&model, &pixels, &device));
    let label = (0..probs.len())
        .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
        .unwrap_or(0);
    if json {
        println!(
            "{}",
            serde_json::json!({"model": name, "image": image, "label": label, "probabilities": probs})
        );
    } else {
        println!(
            "{}: {label} ({:.1}%)",
            image.display(),
            100.0 * probs[label]
        );
    }
    Ok(())
}

/// Decodes any PNG (gray, RGB, palette, 16-bit, with or without alpha) to 8-bit RGBA.
fn read_png(path: &Path) -> Result<Gray> {
    let bad = |e: &dyn std::fmt::Display| {
        Error::Image(format!("{}: not a readable PNG ({e})", path.display()))
    };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let header = decoder.read_header_info().map_err(|e| bad(&e))?;
    let (w, h) = (header.width as usize, header.height as usize);
    if w.saturating_mul(h) > MAX_PIXELS {
        return Err(Error::Image(format!(
            "{w}×{h} is over the {} megapixel limit",
            MAX_PIXELS / 1_000_000
        )));
    }
    let mut reader = decoder.read_info().map_err(|e| bad(&e))?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).map_err(|e| bad(&e))?;
    let buf = &buf[..info.buffer_size()];
    let rgba: Vec<u8> = match info.color_type {
        png::ColorType::Rgba => buf.to_vec(),
        png::ColorType::Rgb => buf
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        png::ColorType::GrayscaleAlpha => buf
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Grayscale => buf.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Indexed => return Err(bad(&"palette not expanded")),
    };
    Gray::from_rgba(w, h, &rgba)
}
