//! 8-bit levels: every picture Blindspot reads, shows, links or saves is bytes, so values in
//! [0, 1] meet bytes here, in one place.

/// A value in [0, 1] (clamped) as the nearest 8-bit level.
pub fn level(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Values in [0, 1] as bytes.
pub fn to_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().map(|&v| level(v)).collect()
}

/// Bytes as values in [0, 1].
pub fn from_bytes(bytes: &[u8]) -> Vec<f32> {
    bytes.iter().map(|&b| f32::from(b) / 255.0).collect()
}

/// Values rounded to their nearest 8-bit level: what a saved picture holds.
pub fn quantised(values: &[f32]) -> Vec<f32> {
    values
        .iter()
        .map(|&v| f32::from(level(v)) / 255.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_to_the_nearest_level_and_back() {
        assert_eq!(to_bytes(&[0.0, 0.5, 1.2, -0.1, 0.1]), [0, 128, 255, 0, 26]);
        assert_eq!(quantised(&[0.5]), [128.0 / 255.0]);
        assert_eq!(to_bytes(&from_bytes(&[0, 7, 255])), [0, 7, 255]);
    }
}
