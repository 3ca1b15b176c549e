//! How REPRODUCTION.md writes a rate and a distortion.

/// A rate as a percentage with one decimal.
pub fn pct(v: f64) -> String {
    format!("{:.1}%", 100.0 * v)
}

/// A distortion (RMS) with three decimals.
pub fn rms(v: f64) -> String {
    format!("{v:.3}")
}
