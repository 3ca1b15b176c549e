//! Reads the pictures people have — JPEG, PNG, WebP or GIF (its first frame) — as 8-bit RGBA,
//! turned upright by their EXIF orientation as browsers show them, so the CLI sees what the
//! app's upload sees; as grayscale for digits, as RGBA for ImageNet photos. The size limit is
//! checked from the header, before decoding. Writes the CLI's pictures as PNG.

use blindspot_core::preprocess::{Gray, check_size};
use blindspot_core::{Error, Result};
use image::{DynamicImage, ImageDecoder, ImageReader};
use std::path::Path;

/// The formats [`read`] decodes, for messages and `--help`.
pub const FORMATS: &str = "JPEG, PNG, WebP or GIF";

/// Decodes the picture at `path` to a grayscale [`Gray`].
pub fn read(path: &Path) -> Result<Gray> {
    let rgba = read_rgba(path)?;
    Gray::from_rgba(rgba.width() as usize, rgba.height() as usize, rgba.as_raw())
}

/// Decodes the picture at `path` to 8-bit RGBA, upright.
pub fn read_rgba(path: &Path) -> Result<image::RgbaImage> {
    let bad = |e: &dyn std::fmt::Display| {
        Error::Image(format!(
            "{}: not a readable {FORMATS} picture ({e})",
            path.display()
        ))
    };
    let reader = ImageReader::open(path)
        .map_err(|e| Error::io(path, e))?
        .with_guessed_format()
        .map_err(|e| Error::io(path, e))?;
    let mut decoder = reader.into_decoder().map_err(|e| bad(&e))?;
    let (w, h) = decoder.dimensions();
    check_size(w as usize, h as usize)?;
    let orientation = decoder.orientation().map_err(|e| bad(&e))?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| bad(&e))?;
    picture.apply_orientation(orientation);
    Ok(picture.into_rgba8())
}

/// Writes 8-bit `data` (`width × height` pixels of `color`, rows) to `path` as PNG.
pub fn write_png(
    path: &Path,
    width: usize,
    height: usize,
    color: png::ColorType,
    data: &[u8],
) -> Result<()> {
    let failed = |e: png::EncodingError| Error::Other(format!("{}: {e}", path.display()));
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width as u32, height as u32);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(data).map_err(failed)?;
    writer.finish().map_err(failed)
}
