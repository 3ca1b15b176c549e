//! The colour maps of the page's pictures, as RGBA bytes: digits, and the signed perturbation.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_white_ink_on_black() {
        assert_eq!(
            digit_rgba(&[0.0, 1.0, 2.0]),
            [0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255]
        );
    }

    #[test]
    fn the_perturbation_map_is_signed_and_saturates() {
        let rgba = perturbation_rgba(&[0.5, 0.5, 0.5], &[0.5, 0.6, 0.4], 10.0);
        assert_eq!(&rgba[0..4], [255, 255, 255, 255], "no change is white");
        assert_eq!(&rgba[4..8], [255, 0, 0, 255], "added ink saturates red");
        assert_eq!(&rgba[8..12], [0, 0, 255, 255], "removed ink saturates blue");
    }
}
