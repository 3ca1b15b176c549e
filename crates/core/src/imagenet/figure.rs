//! Figure 5's picture of an attack on a photo: original | perturbation × gain | adversarial,
//! side by side, as 8-bit RGBA rows (the CLI writes it as PNG, the page draws it), and the
//! size of a change in 8-bit levels.

use super::SIDE;
use crate::levels::level;

/// Pixels of background between the three panels.
pub const GAP: usize = 8;
/// Fig. 5 shows the perturbation magnified ten times.
pub const GAIN: f32 = 10.0;
/// Width and height of a triptych.
pub const WIDTH: usize = 3 * SIDE + 2 * GAP;
pub const HEIGHT: usize = SIDE;

/// The largest change between two photos in 8-bit levels (ε as the issue and Fig. 5 count it).
pub fn linf_levels(original: &[f32], adversarial: &[f32]) -> f32 {
    let most = original
        .iter()
        .zip(adversarial)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    most * 255.0
}

/// Original | 0.5 + gain·(adversarial − original) | adversarial, each `[3, 224, 224]` in
/// [0, 1], as `WIDTH × HEIGHT` RGBA rows on a white background. Mid-grey is "unchanged", as in
/// the paper's figure.
pub fn triptych(original: &[f32], adversarial: &[f32], gain: f32) -> Vec<u8> {
    let mut rgba = vec![255u8; WIDTH * HEIGHT * 4];
    let perturbation: Vec<f32> = original
        .iter()
        .zip(adversarial)
        .map(|(a, b)| 0.5 + gain * (b - a))
        .collect();
    for (panel, image) in [original, &perturbation, adversarial].iter().enumerate() {
        paint(&mut rgba, WIDTH, panel * (SIDE + GAP), image);
    }
    rgba
}

/// One photo (`[3, 224, 224]` in [0, 1]) as `SIDE × SIDE` RGBA rows: the crop the page shows.
pub fn photo_rgba(image: &[f32]) -> Vec<u8> {
    let mut rgba = vec![255u8; SIDE * SIDE * 4];
    paint(&mut rgba, SIDE, 0, image);
    rgba
}

/// Paints `image` into RGBA rows `width` pixels wide, from column `left`.
fn paint(rgba: &mut [u8], width: usize, left: usize, image: &[f32]) {
    let plane = SIDE * SIDE;
    for y in 0..SIDE {
        for x in 0..SIDE {
            let at = (y * width + left + x) * 4;
            for c in 0..3 {
                rgba[at + c] = level(image[c * plane + y * SIDE + x]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imagenet::INPUT;

    #[test]
    fn the_middle_panel_is_grey_where_nothing_changed_and_shows_the_change_magnified() {
        let original = vec![0.25f32; INPUT];
        let mut adversarial = original.clone();
        adversarial[0] += 2.0 / 255.0; // red of the top-left pixel
        let rgba = triptych(&original, &adversarial, GAIN);
        assert_eq!(rgba.len(), WIDTH * HEIGHT * 4);
        let at = |x: usize, y: usize| &rgba[(y * WIDTH + x) * 4..(y * WIDTH + x) * 4 + 4];
        let middle = SIDE + GAP;
        assert_eq!(at(middle, 0), [level(0.5 + 20.0 / 255.0), 128, 128, 255]);
        assert_eq!(at(middle + 1, 0), [128, 128, 128, 255]);
        assert_eq!(at(0, 0), [64, 64, 64, 255]);
        assert_eq!(at(SIDE, 0), [255, 255, 255, 255], "the gap is background");
        assert_eq!(at(2 * middle, 0)[0], level(0.25 + 2.0 / 255.0));
        assert!((linf_levels(&original, &adversarial) - 2.0).abs() < 1e-3);
        let alone = photo_rgba(&adversarial);
        assert_eq!(alone.len(), SIDE * SIDE * 4);
        assert_eq!(alone[..4], *at(2 * middle, 0));
        assert_eq!(alone[4..8], *at(2 * middle + 1, 0));
    }
}
