//! The drawing pad's ink: its pen, and its pixels read the way MNIST digits were made (crop to
//! the ink, scale into 20×20 keeping the aspect ratio, place by centre of mass in 28×28).

use crate::ui::pixels::{context, read_rgba};
use blindspot_core::preprocess::{Gray, to_mnist};
use web_sys::HtmlCanvasElement;

/// Side of the drawing canvas in canvas pixels, and the pen's width: a 20 px-wide MNIST digit
/// drawn across most of the canvas has strokes about 2 px wide, as MNIST's have.
pub const SIDE: u32 = 280;
pub const PEN: f64 = 18.0;

/// One pen-down-to-pen-up path, in canvas pixels.
pub type Stroke = Vec<(f64, f64)>;

/// Paints the strokes with the pen: white ink on black, as MNIST digits are.
pub fn paint_strokes(canvas: &HtmlCanvasElement, strokes: &[Stroke]) {
    let ctx = context(canvas);
    ctx.set_fill_style_str("black");
    ctx.fill_rect(0.0, 0.0, SIDE as f64, SIDE as f64);
    ctx.set_stroke_style_str("white");
    ctx.set_line_width(PEN);
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    for stroke in strokes {
        ctx.begin_path();
        for (i, &(x, y)) in stroke.iter().enumerate() {
            if i == 0 {
                ctx.move_to(x, y)
            } else {
                ctx.line_to(x, y)
            }
        }
        if stroke.len() == 1 {
            ctx.line_to(stroke[0].0 + 0.1, stroke[0].1);
        }
        ctx.stroke();
    }
}

/// The model's 28×28 input for what the drawing canvas shows.
pub fn mnist_input(canvas: &HtmlCanvasElement) -> Result<Vec<f32>, String> {
    let (w, h, rgba) = read_rgba(canvas).ok_or("cannot read the canvas's pixels")?;
    mnist_from_rgba(w, h, &rgba)
}

/// The model's 28×28 input for a picture of a digit (drawn, or an uploaded photo).
pub fn mnist_from_rgba(width: usize, height: usize, rgba: &[u8]) -> Result<Vec<f32>, String> {
    let gray = Gray::from_rgba(width, height, rgba).map_err(|e| e.to_string())?;
    to_mnist(&gray).map_err(|e| e.to_string())
}

/// An uploaded picture of a digit as the model's 28×28 input (`name` for its errors).
pub async fn upload_input(file: web_sys::File) -> Result<Vec<f32>, String> {
    let name = file.name();
    let bitmap = crate::ui::picture::decode(&file, &name).await?;
    let rgba = crate::ui::picture::whole(&bitmap).map_err(|e| format!("{name}: {e}"))?;
    mnist_from_rgba(rgba.width, rgba.height, &rgba.bytes).map_err(|e| format!("{name}: {e}"))
}
