//! Between canvases and 784-pixel digits: painting, reading, and the perturbation colour map.

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

pub fn context(canvas: &HtmlCanvasElement) -> CanvasRenderingContext2d {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .expect("every browser has a 2d canvas context")
}

/// Paints RGBA bytes (`width × height`) onto a canvas of that size.
pub fn paint_rgba(canvas: &HtmlCanvasElement, width: u32, height: u32, rgba: &[u8]) {
    canvas.set_width(width);
    canvas.set_height(height);
    if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height) {
        let _ = context(canvas).put_image_data(&image, 0.0, 0.0);
    }
}

/// A digit as MNIST shows it: white ink on black.
pub fn digit_rgba(pixels: &[f32]) -> Vec<u8> {
    pixels
        .iter()
        .flat_map(|&v| {
            let g = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            [g, g, g, 255]
        })
        .collect()
}

/// Signed colour map for r × gain: red where ink was added, blue where it was taken away,
/// white for no change; saturates at ±1.
pub fn perturbation_rgba(original: &[f32], adversarial: &[f32], gain: f32) -> Vec<u8> {
    original
        .iter()
        .zip(adversarial)
        .flat_map(|(a, b)| {
            let v = ((b - a) * gain).clamp(-1.0, 1.0);
            let fade = (255.0 * (1.0 - v.abs())).round() as u8;
            if v >= 0.0 {
                [255, fade, fade, 255]
            } else {
                [fade, fade, 255, 255]
            }
        })
        .collect()
}

/// The canvas's pixels as RGBA bytes.
pub fn read_rgba(canvas: &HtmlCanvasElement) -> Option<(usize, usize, Vec<u8>)> {
    let (w, h) = (canvas.width(), canvas.height());
    let data = context(canvas)
        .get_image_data(0.0, 0.0, w as f64, h as f64)
        .ok()?;
    Some((w as usize, h as usize, data.data().0))
}

/// Encodes a canvas as a PNG data URL (for downloads).
pub fn png_url(canvas: &HtmlCanvasElement) -> String {
    canvas
        .to_data_url_with_type("image/png")
        .unwrap_or_default()
}
