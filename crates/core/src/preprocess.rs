//! Turns any picture of a digit into the 28×28 input a model expects, the way MNIST itself was
//! made: crop to the ink, scale into a 20×20 box keeping the aspect ratio (with area-averaging
//! anti-aliasing), then place it in a 28×28 field so its centre of mass is at the centre.
//! The CLI (`predict`) and the app's canvas and upload share this code.

use crate::{Error, Result, SIDE};

/// Largest picture accepted (20 megapixels), so a huge upload fails fast and clearly.
pub const MAX_PIXELS: usize = 20_000_000;
/// Inked pixels below this (on a 0–1 scale, after background removal) are paper noise.
pub const NOISE: f32 = 0.2;
/// Side of the box the digit is scaled into.
const BOX: usize = 20;

/// A grayscale picture: luminance in [0, 1] (0 black, 1 white), row-major.
#[derive(Clone, Debug)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub luma: Vec<f32>,
}

impl Gray {
    /// From 8-bit RGBA (a canvas's `ImageData`, a decoded PNG): transparent pixels count as
    /// white paper, so a transparent drawing with dark strokes reads like ink on paper.
    pub fn from_rgba(width: usize, height: usize, rgba: &[u8]) -> Result<Self> {
        check_size(width, height)?;
        if rgba.len() != width * height * 4 {
            return Err(Error::Image(format!(
                "{} bytes is not {width}×{height} RGBA",
                rgba.len()
            )));
        }
        let luma = rgba
            .chunks_exact(4)
            .map(|p| {
                let y = (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32) / 255.0;
                let a = p[3] as f32 / 255.0;
                y * a + (1.0 - a)
            })
            .collect();
        Ok(Gray {
            width,
            height,
            luma,
        })
    }

    /// Ink in [0, 1] (1 = darkest stroke): inverted when the background is light (paper),
    /// kept when it is dark (a canvas with white strokes, an MNIST digit), with the background
    /// level subtracted, stretched to full contrast, and faint noise zeroed.
    pub fn ink(&self) -> Vec<f32> {
        let background = border_median(self);
        let light = background > 0.5;
        let ink: Vec<f32> = self
            .luma
            .iter()
            .map(|&v| if light { 1.0 - v } else { v })
            .collect();
        let floor = if light { 1.0 - background } else { background };
        let peak = ink.iter().copied().fold(0.0f32, f32::max);
        let span = (peak - floor).max(1e-6);
        ink.iter()
            .map(|&v| {
                let s = ((v - floor) / span).clamp(0.0, 1.0);
                if s < NOISE { 0.0 } else { s }
            })
            .collect()
    }
}

/// Refuses empty pictures and pictures over [`MAX_PIXELS`] (before decoding them, where it can).
pub fn check_size(width: usize, height: usize) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Error::Image("the picture is empty (0 pixels)".into()));
    }
    if width.saturating_mul(height) > MAX_PIXELS {
        return Err(Error::Image(format!(
            "{width}×{height} is over the {} megapixel limit",
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

/// Median luminance of the outermost rows and columns: the paper or canvas colour.
fn border_median(g: &Gray) -> f32 {
    let (w, h) = (g.width, g.height);
    let mut border: Vec<f32> = (0..w)
        .flat_map(|x| [g.luma[x], g.luma[(h - 1) * w + x]])
        .collect();
    border.extend((0..h).flat_map(|y| [g.luma[y * w], g.luma[y * w + w - 1]]));
    border.sort_by(f32::total_cmp);
    border[border.len() / 2]
}

/// Full pipeline: picture → 784 floats in [0, 1] (1 = ink), MNIST-style.
pub fn to_mnist(g: &Gray) -> Result<Vec<f32>> {
    center_ink(&g.ink(), g.width, g.height)
}

/// Crops `ink` (`width × height`, 0 = background) to its bounding box, scales it into 20×20
/// keeping the aspect ratio, and centres its mass in 28×28.
pub fn center_ink(ink: &[f32], width: usize, height: usize) -> Result<Vec<f32>> {
    check_size(width, height)?;
    let inked = |x: usize, y: usize| ink[y * width + x] > 0.0;
    let rows: Vec<usize> = (0..height)
        .filter(|&y| (0..width).any(|x| inked(x, y)))
        .collect();
    let cols: Vec<usize> = (0..width)
        .filter(|&x| (0..height).any(|y| inked(x, y)))
        .collect();
    let (Some(&top), Some(&bottom), Some(&left), Some(&right)) =
        (rows.first(), rows.last(), cols.first(), cols.last())
    else {
        return Err(Error::Image("no ink found: the picture is blank".into()));
    };
    let (cw, ch) = (right - left + 1, bottom - top + 1);
    let scale = BOX as f32 / cw.max(ch) as f32;
    let (ow, oh) = (
        ((cw as f32 * scale).round() as usize).max(1),
        ((ch as f32 * scale).round() as usize).max(1),
    );
    let crop: Vec<f32> = (top..=bottom)
        .flat_map(|y| (left..=right).map(move |x| ink[y * width + x]))
        .collect();
    let small = area_resize(&crop, cw, ch, ow, oh);

    // Centre of mass of the scaled digit, then the integer shift that puts it at (14, 14).
    let mass: f32 = small.iter().sum();
    let (mut mx, mut my) = (0.0f32, 0.0f32);
    for y in 0..oh {
        for x in 0..ow {
            let v = small[y * ow + x];
            mx += v * (x as f32 + 0.5);
            my += v * (y as f32 + 0.5);
        }
    }
    let half = SIDE as f32 / 2.0;
    let ox = (half - mx / mass).round() as isize;
    let oy = (half - my / mass).round() as isize;
    let mut out = vec![0.0f32; SIDE * SIDE];
    for y in 0..oh {
        for x in 0..ow {
            let (tx, ty) = (x as isize + ox, y as isize + oy);
            if (0..SIDE as isize).contains(&tx) && (0..SIDE as isize).contains(&ty) {
                out[ty as usize * SIDE + tx as usize] = small[y * ow + x];
            }
        }
    }
    let peak = out.iter().copied().fold(0.0f32, f32::max);
    Ok(out.iter().map(|v| v / peak).collect())
}

/// Box-filter (area-averaging) resize: each output pixel is the mean of the input area it
/// covers, with fractional coverage at the edges, so thin strokes anti-alias instead of vanishing.
fn area_resize(src: &[f32], sw: usize, sh: usize, dw: usize, dh: usize) -> Vec<f32> {
    let weights = |s: usize, d: usize| -> Vec<Vec<(usize, f32)>> {
        let step = s as f32 / d as f32;
        (0..d)
            .map(|o| {
                let (a, b) = (o as f32 * step, (o + 1) as f32 * step);
                (a.floor() as usize..(b.ceil() as usize).min(s))
                    .map(|i| (i, ((i + 1) as f32).min(b) - (i as f32).max(a)))
                    .filter(|&(_, w)| w > 0.0)
                    .collect()
            })
            .collect()
    };
    let (wx, wy) = (weights(sw, dw), weights(sh, dh));
    let area = (sw as f32 / dw as f32) * (sh as f32 / dh as f32);
    let mut out = vec![0.0; dw * dh];
    for (oy, ry) in wy.iter().enumerate() {
        for (ox, rx) in wx.iter().enumerate() {
            let mut acc = 0.0;
            for &(y, fy) in ry {
                for &(x, fx) in rx {
                    acc += src[y * sw + x] * fx * fy;
                }
            }
            out[oy * dw + ox] = acc / area;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1-pixel-wide "7"-like stroke pattern drawn at (ox, oy) on a `w × h` white page.
    fn page_with_digit(w: usize, h: usize, ox: usize, oy: usize) -> Gray {
        let mut luma = vec![1.0; w * h];
        for i in 0..60 {
            luma[oy * w + ox + i] = 0.0; // top bar
            luma[(oy + i * 2) * w + ox + 59 - i / 2] = 0.0; // diagonal
            luma[(oy + i * 2) * w + ox + 58 - i / 2] = 0.1;
        }
        Gray {
            width: w,
            height: h,
            luma,
        }
    }

    #[test]
    fn shifted_digit_gives_the_same_28x28() {
        let a = to_mnist(&page_with_digit(200, 200, 10, 20)).unwrap();
        let b = to_mnist(&page_with_digit(300, 180, 150, 40)).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn digit_fits_20x20_and_mass_is_centred() {
        let d = to_mnist(&page_with_digit(200, 200, 10, 20)).unwrap();
        let inked: Vec<(usize, usize)> = (0..784)
            .filter(|&i| d[i] > 0.0)
            .map(|i| (i % 28, i / 28))
            .collect();
        let (xs, ys): (Vec<_>, Vec<_>) = inked.iter().copied().unzip();
        let span = |v: &[usize]| v.iter().max().unwrap() - v.iter().min().unwrap() + 1;
        assert_eq!(span(&ys), 20, "the longer side is scaled to 20");
        assert!(span(&xs) <= 20);
        let m: f32 = d.iter().sum();
        let cx: f32 = (0..784)
            .map(|i| d[i] * ((i % 28) as f32 + 0.5))
            .sum::<f32>()
            / m;
        let cy: f32 = (0..784)
            .map(|i| d[i] * ((i / 28) as f32 + 0.5))
            .sum::<f32>()
            / m;
        assert!(
            (cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5,
            "{cx} {cy}"
        );
        assert_eq!(d.iter().copied().fold(0.0, f32::max), 1.0);
    }

    #[test]
    fn dark_background_is_not_inverted_and_light_is() {
        let light = page_with_digit(100, 150, 5, 5);
        let dark = Gray {
            luma: light.luma.iter().map(|v| 1.0 - v).collect(),
            ..light.clone()
        };
        assert_eq!(to_mnist(&light).unwrap(), to_mnist(&dark).unwrap());
    }

    #[test]
    fn paper_noise_is_removed() {
        let mut g = page_with_digit(200, 200, 10, 20);
        let clean = to_mnist(&g).unwrap();
        for (i, v) in g.luma.iter_mut().enumerate() {
            if *v == 1.0 {
                *v = 0.9 + 0.1 * ((i * 7919 % 13) as f32 / 13.0); // grey, speckled paper
            }
        }
        assert_eq!(
            to_mnist(&g).unwrap().iter().filter(|&&v| v > 0.0).count(),
            clean.iter().filter(|&&v| v > 0.0).count()
        );
    }

    #[test]
    fn bad_pictures_are_errors_not_panics() {
        let blank = Gray {
            width: 50,
            height: 50,
            luma: vec![1.0; 2500],
        };
        assert!(to_mnist(&blank).unwrap_err().to_string().contains("blank"));
        assert!(Gray::from_rgba(0, 10, &[]).is_err());
        assert!(
            Gray::from_rgba(5000, 5000, &[])
                .unwrap_err()
                .to_string()
                .contains("megapixel")
        );
        assert!(Gray::from_rgba(2, 2, &[0; 15]).is_err());
    }

    #[test]
    fn transparent_pixels_are_paper() {
        let g = Gray::from_rgba(2, 1, &[0, 0, 0, 0, 0, 0, 0, 255]).unwrap();
        assert_eq!(g.luma, vec![1.0, 0.0]);
    }
}
