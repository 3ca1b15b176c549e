//! The colour maps of the page's pictures, as RGBA bytes: digits, and the signed perturbation.

/// The charts' two series (Okabe–Ito blue and vermilion, told apart with any common colour
/// vision deficiency; dashes or shapes tell them apart without colour too).
pub const CHART_BLUE: &str = "#0072b2";
pub const CHART_VERMILION: &str = "#d55e00";

/// A digit as MNIST shows it: white ink on black.
pub fn digit_rgba(pixels: &[f32]) -> Vec<u8> {
    pixels
        .iter()
        .flat_map(|&v| {
            let g = blindspot_core::levels::level(v);
            [g, g, g, 255]
        })
        .collect()
}

/// Where ink was added: orange. Where it was taken away: blue. A diverging pair that people with
/// any common colour-vision deficiency tell apart (never red against green); the legend's CSS
/// (`--ink-added`, `--ink-removed` in `www/style.css`) uses the same two.
pub const INK_ADDED: [u8; 3] = [230, 97, 1];
pub const INK_REMOVED: [u8; 3] = [33, 102, 172];

/// Signed colour map for r × gain: white for no change, fading to [`INK_ADDED`] at +1 and to
/// [`INK_REMOVED`] at −1 (it saturates there).
pub fn perturbation_rgba(original: &[f32], adversarial: &[f32], gain: f32) -> Vec<u8> {
    original
        .iter()
        .zip(adversarial)
        .flat_map(|(a, b)| {
            let v = ((b - a) * gain).clamp(-1.0, 1.0);
            let end = if v >= 0.0 { INK_ADDED } else { INK_REMOVED };
            let mix = |c: u8| (255.0 + (c as f32 - 255.0) * v.abs()).round() as u8;
            [mix(end[0]), mix(end[1]), mix(end[2]), 255]
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
        assert_eq!(&rgba[4..7], INK_ADDED, "added ink saturates orange");
        assert_eq!(&rgba[8..11], INK_REMOVED, "removed ink saturates blue");
        let half = perturbation_rgba(&[0.5], &[0.75], 2.0);
        assert_eq!(
            &half[0..3],
            [243, 176, 128],
            "half way from white to orange"
        );
    }
}
