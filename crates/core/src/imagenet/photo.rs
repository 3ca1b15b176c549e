//! A photo as EfficientNet-Lite0 sees it: its centred largest square, resized to 224×224 by
//! area averaging (each output pixel the mean of the source area it covers, so nothing aliases
//! when a large photo shrinks), RGB in [0, 1], channels first.

use super::{INPUT, SIDE};
use crate::Result;
use crate::preprocess::check_size;

/// `rgba` (`width`×`height`, 8-bit RGBA rows) → `[3, 224, 224]` in [0, 1], in 8-bit levels
/// (each value a multiple of 1/255). Transparent pixels
/// are taken as they are stored (their RGB), as the browser's canvas gives them.
pub fn crop(width: usize, height: usize, rgba: &[u8]) -> Result<Vec<f32>> {
    check_size(width, height)?;
    if rgba.len() != width * height * 4 {
        return Err(crate::Error::Image(format!(
            "{} bytes for a {width}×{height} RGBA picture",
            rgba.len()
        )));
    }
    let square = width.min(height);
    let (left, top) = ((width - square) / 2, (height - square) / 2);
    let columns = spans(square, SIDE);
    let rows = spans(square, SIDE);
    let mut out = vec![0.0f32; INPUT];
    for (y, row_span) in rows.iter().enumerate() {
        for (x, column_span) in columns.iter().enumerate() {
            let mut sum = [0.0f64; 3];
            for &(sy, wy) in row_span {
                for &(sx, wx) in column_span {
                    let at = ((top + sy) * width + left + sx) * 4;
                    for (c, s) in sum.iter_mut().enumerate() {
                        *s += wy * wx * f64::from(rgba[at + c]);
                    }
                }
            }
            for (c, s) in sum.iter().enumerate() {
                // Rounded to an 8-bit level: the crop is a picture like any other, so the one
                // the page shows, a saved PNG and the model's input are the same.
                out[c * SIDE * SIDE + y * SIDE + x] = (s.round() / 255.0) as f32;
            }
        }
    }
    Ok(out)
}

/// For each of `to` output pixels along one axis of `from` source pixels: the source pixels it
/// covers and the share of the output pixel each covers (summing to 1). Upscaling (`from` <
/// `to`) gives each output pixel the one source pixel under its centre.
fn spans(from: usize, to: usize) -> Vec<Vec<(usize, f64)>> {
    let scale = from as f64 / to as f64;
    (0..to)
        .map(|i| {
            if scale <= 1.0 {
                let centre = ((i as f64 + 0.5) * scale) as usize;
                return vec![(centre.min(from - 1), 1.0)];
            }
            let (start, end) = (i as f64 * scale, (i + 1) as f64 * scale);
            (start.floor() as usize..(end.ceil() as usize).min(from))
                .map(|s| {
                    let covered = (end.min(s as f64 + 1.0) - start.max(s as f64)).max(0.0);
                    (s, covered / scale)
                })
                .filter(|&(_, w)| w > 0.0)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(width: usize, height: usize, rgb: [u8; 3]) -> Vec<u8> {
        (0..width * height)
            .flat_map(|_| [rgb[0], rgb[1], rgb[2], 255])
            .collect()
    }

    #[test]
    fn a_solid_photo_keeps_its_colour_at_any_size() {
        for (w, h) in [(224, 224), (451, 300), (100, 640), (1000, 999)] {
            let out = crop(w, h, &solid(w, h, [255, 51, 0])).unwrap();
            assert_eq!(out.len(), INPUT);
            for (c, want) in [1.0, 0.2, 0.0].into_iter().enumerate() {
                let channel = &out[c * SIDE * SIDE..(c + 1) * SIDE * SIDE];
                assert!(
                    channel.iter().all(|v| (v - want).abs() < 1e-5),
                    "{w}×{h} channel {c}"
                );
            }
        }
    }

    #[test]
    fn the_centred_square_is_kept_and_a_224_square_is_unchanged() {
        // A 448×224 photo: the left and right quarters (red) are cut, the middle (green) kept.
        let (w, h) = (448, 224);
        let mut rgba = solid(w, h, [255, 0, 0]);
        for y in 0..h {
            for x in 112..336 {
                rgba[(y * w + x) * 4..(y * w + x) * 4 + 3].copy_from_slice(&[x as u8, 255, 0]);
            }
        }
        let out = crop(w, h, &rgba).unwrap();
        assert_eq!(
            out[0],
            112.0 / 255.0,
            "red channel at (0, 0) is the source column 112"
        );
        assert!(out[SIDE * SIDE..2 * SIDE * SIDE].iter().all(|&v| v == 1.0));
    }

    #[test]
    fn halving_averages_each_two_by_two_block() {
        let (w, h) = (448, 448);
        let rgba: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                let v = if (i % w + i / w) % 2 == 0 { 200 } else { 100 };
                [v, v, v, 255]
            })
            .collect();
        let out = crop(w, h, &rgba).unwrap();
        assert!(out.iter().all(|v| (v - 150.0 / 255.0).abs() < 1e-6));
    }

    #[test]
    fn empty_or_mis_sized_pictures_are_refused() {
        assert!(crop(0, 10, &[]).is_err());
        assert!(crop(10, 10, &[0; 399]).is_err());
    }
}
