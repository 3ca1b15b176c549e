//! Pictures people give the page (uploads, dropped files, the sample photos): decoded by the
//! browser, refused clearly when they are empty, not images, corrupt or too large, and read
//! back as RGBA.

use blindspot_core::imagenet;
use blindspot_core::levels::to_bytes;
use blindspot_core::preprocess::MAX_PIXELS;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, HtmlCanvasElement, ImageBitmap};

/// Decoded RGBA rows.
pub struct Rgba {
    pub width: usize,
    pub height: usize,
    pub bytes: Vec<u8>,
}

/// Decodes any image the browser can (PNG, JPEG, WebP, GIF's first frame); `name` is what the
/// errors call it.
pub async fn decode(blob: &Blob, name: &str) -> Result<ImageBitmap, String> {
    if blob.size() == 0.0 {
        return Err(format!("{name} is empty"));
    }
    let window = web_sys::window().ok_or("no window")?;
    let promise = window
        .create_image_bitmap_with_blob(blob)
        .map_err(|_| format!("{name} is not an image"))?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|_| format!("{name} is not an image this browser can decode (or it is corrupt)"))?
        .unchecked_into();
    let (w, h) = (bitmap.width(), bitmap.height());
    if (w as usize).saturating_mul(h as usize) > MAX_PIXELS {
        return Err(format!(
            "{name} is {w}×{h}, over the {} megapixel limit",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(bitmap)
}

/// The part (`sx`, `sy`, `sw`, `sh`) of `bitmap` drawn at `dw`×`dh` (smoothed when it
/// shrinks), read back as RGBA.
pub fn read(
    bitmap: &ImageBitmap,
    (sx, sy, sw, sh): (u32, u32, u32, u32),
    (dw, dh): (u32, u32),
) -> Result<Rgba, String> {
    let canvas: HtmlCanvasElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into().ok())
        .ok_or("cannot create a canvas")?;
    canvas.set_width(dw);
    canvas.set_height(dh);
    let ctx = crate::ui::pixels::context(&canvas);
    // web-sys has no binding for it; browsers without it smooth at their default quality.
    let _ = js_sys::Reflect::set(&ctx, &"imageSmoothingQuality".into(), &"high".into());
    ctx.draw_image_with_image_bitmap_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
        bitmap,
        f64::from(sx),
        f64::from(sy),
        f64::from(sw),
        f64::from(sh),
        0.0,
        0.0,
        f64::from(dw),
        f64::from(dh),
    )
    .map_err(|_| "cannot draw the picture".to_string())?;
    let (width, height, bytes) =
        crate::ui::pixels::read_rgba(&canvas).ok_or("cannot read the picture's pixels")?;
    Ok(Rgba {
        width,
        height,
        bytes,
    })
}

/// The whole of `bitmap` as RGBA.
pub fn whole(bitmap: &ImageBitmap) -> Result<Rgba, String> {
    let (w, h) = (bitmap.width(), bitmap.height());
    read(bitmap, (0, 0, w, h), (w, h))
}

/// Squares wider than this are first shrunk by the browser to it (then [`imagenet::crop`]
/// averages 4×4 areas): reading and averaging a 20-megapixel photo on the page's thread would
/// block it for a second. Up to it, the crop is exactly the CLI's.
pub const MOST_SQUARE: u32 = 4 * imagenet::SIDE as u32;

/// A photo as EfficientNet-Lite0 sees it: its centred square, 224×224, `[3, 224, 224]` in
/// 8-bit levels (see [`imagenet::crop`]).
pub async fn photo_crop(blob: &Blob, name: &str) -> Result<Vec<u8>, String> {
    let bitmap = decode(blob, name).await?;
    let (w, h) = (bitmap.width(), bitmap.height());
    let side = w.min(h);
    let shown = side.min(MOST_SQUARE);
    let square = read(
        &bitmap,
        ((w - side) / 2, (h - side) / 2, side, side),
        (shown, shown),
    )
    .map_err(|e| format!("{name}: {e}"))?;
    let pixels = imagenet::crop(square.width, square.height, &square.bytes)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(to_bytes(&pixels))
}
