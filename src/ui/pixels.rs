//! Canvases: painting RGBA onto them, reading it back; downloads (PNG, CSV). The colour maps
//! that make the RGBA are in `colour`.

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

/// Downloads `rgba` (`width × height`) as a PNG named `name`.
pub fn download_png(rgba: &[u8], width: u32, height: u32, name: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(canvas) = doc
        .create_element("canvas")
        .ok()
        .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
    else {
        return;
    };
    paint_rgba(&canvas, width, height, rgba);
    download_url(&png_url(&canvas), name);
}

/// Downloads `text` as a CSV file named `name`.
pub fn download_csv(text: &str, name: &str) {
    let encoded = String::from(js_sys::encode_uri_component(text));
    download_url(&format!("data:text/csv;charset=utf-8,{encoded}"), name);
}

/// Downloads `bytes` as a file named `name` (through a blob: address, freed after the click).
pub fn download_bytes(bytes: &[u8], name: &str) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&parts) else {
        return;
    };
    if let Ok(href) = web_sys::Url::create_object_url_with_blob(&blob) {
        download_url(&href, name);
        let _ = web_sys::Url::revoke_object_url(&href);
    }
}

/// Saves what the data or blob URL `href` holds as a file named `name` (a link clicked for the person).
fn download_url(href: &str, name: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        let _ = a.set_attribute("href", href);
        let _ = a.set_attribute("download", name);
        if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
            a.click();
        }
    }
}
