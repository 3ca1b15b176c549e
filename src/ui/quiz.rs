//! Spot the changed digit: the rounds a seed draws, the staircase that sets each round's RMS,
//! the change shown at that RMS, the detection threshold fitted to the answers, and the CSV of
//! them. Plain functions (tested natively); `components::quiz_panel` shows them.

use blindspot_core::attack::Distortion;
use blindspot_core::levels::quantised;
use blindspot_core::rng::Rng;

/// Rounds in a quiz.
pub const ROUNDS: usize = 20;
/// The first round's RMS: a change anyone sees (the attack's minimal changes are 0.03–0.1).
pub const START_RMS: f64 = 0.16;
/// The staircase's step: two right answers divide the RMS by it, a wrong one multiplies.
pub const STEP: f64 = 1.4;
/// The RMS the staircase stays within.
pub const RMS_RANGE: (f64, f64) = (0.002, 0.3);
/// The share of right answers the threshold is read at.
pub const LEVEL: f64 = 0.75;

/// One round: a gallery digit, the wrong label its change aims at, and on which side the
/// changed one is shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Round {
    pub digit: usize,
    pub target: u8,
    pub changed_left: bool,
}

/// One answered round.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    pub round: Round,
    /// The RMS of the change as shown (after clipping to the box and 8-bit levels).
    pub rms: f64,
    /// Whether the student picked the left digit.
    pub picked_left: bool,
}

impl Trial {
    pub fn right(&self) -> bool {
        self.picked_left == self.round.changed_left
    }
}

/// The rounds of `seed`: distinct gallery digits (of `labels`), a random wrong label each, a
/// random side. The same seed draws the same rounds everywhere (a class sees the same digits).
pub fn rounds(seed: u64, labels: &[u8]) -> Vec<Round> {
    let mut rng = Rng::new(seed);
    let mut digits: Vec<usize> = (0..labels.len()).collect();
    rng.shuffle(&mut digits);
    (digits.into_iter().take(ROUNDS))
        .map(|digit| {
            let other = rng.below(9) as u8;
            Round {
                digit,
                target: if other >= labels[digit] {
                    other + 1
                } else {
                    other
                },
                changed_left: rng.below(2) == 0,
            }
        })
        .collect()
}

/// The next round's RMS after `trials` (2-down 1-up: harder after two right answers in a row,
/// easier after a wrong one).
pub fn next_rms(trials: &[Trial]) -> f64 {
    let mut rms = START_RMS;
    let mut streak = 0;
    for t in trials {
        if t.right() {
            streak += 1;
            if streak == 2 {
                rms /= STEP;
                streak = 0;
            }
        } else {
            rms *= STEP;
            streak = 0;
        }
        rms = rms.clamp(RMS_RANGE.0, RMS_RANGE.1);
    }
    rms
}

/// `original` changed along `direction` (an adversarial perturbation) scaled to RMS `rms`,
/// clipped to [0, 1] and rounded to 8-bit levels, as it is shown; and the RMS it has then.
pub fn shown_change(original: &[f32], direction: &[f32], rms: f64) -> (Vec<f32>, f64) {
    let size = Distortion::between(original, direction).rms as f64;
    let scale = if size > 0.0 { rms / size } else { 0.0 };
    let changed: Vec<f32> = original
        .iter()
        .zip(direction)
        .map(|(&x, &a)| (x + (a - x) * scale as f32).clamp(0.0, 1.0))
        .collect();
    let changed = quantised(&changed);
    let realised = Distortion::between(original, &changed).rms as f64;
    (changed, realised)
}

/// The chance of a right answer at RMS `x` for an observer with threshold `alpha` (right
/// [`LEVEL`] of the time there) and slope `k`: a two-alternative logistic in log RMS, from
/// chance (1/2) to 1 − `LAPSE`.
fn p_right(x: f64, alpha: f64, k: f64) -> f64 {
    const LAPSE: f64 = 0.02;
    // The logistic's argument at which it reaches LEVEL, so that p_right(alpha) = LEVEL.
    let at = ((LEVEL - 0.5) / (0.5 - LAPSE)).ln() - (1.0 - (LEVEL - 0.5) / (0.5 - LAPSE)).ln();
    let s = 1.0 / (1.0 + (-(k * (x / alpha).ln() + at)).exp());
    0.5 + (0.5 - LAPSE) * s
}

/// The RMS at which the student is right [`LEVEL`] of the time: the maximum-likelihood fit of
/// a two-alternative logistic psychometric function (threshold and slope, over a grid) to the
/// trials; kept within half the smallest and twice the largest RMS shown (all right: the
/// lower bound). `None` without trials.
pub fn threshold(trials: &[Trial]) -> Option<f64> {
    let shown = trials.iter().map(|t| t.rms).filter(|r| *r > 0.0);
    let low = shown.clone().fold(f64::INFINITY, f64::min) / 2.0;
    let high = shown.fold(0.0, f64::max) * 2.0;
    if !(low.is_finite() && high > low) {
        return None;
    }
    const STEPS: usize = 400;
    let likelihood = |alpha: f64, k: f64| -> f64 {
        (trials.iter())
            .map(|t| {
                let p = p_right(t.rms.max(1e-9), alpha, k);
                if t.right() { p.ln() } else { (1.0 - p).ln() }
            })
            .sum()
    };
    let mut best = (f64::NEG_INFINITY, low);
    for i in 0..=STEPS {
        let alpha = low * (high / low).powf(i as f64 / STEPS as f64);
        for k in [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0] {
            let l = likelihood(alpha, k);
            if l > best.0 {
                best = (l, alpha);
            }
        }
    }
    Some(best.1)
}

/// The trials as CSV: round, digit, target, RMS, answer (left/right), right (true/false).
pub fn csv(trials: &[Trial]) -> String {
    let mut out = String::from("round,digit,target,rms,answer,right\n");
    for (i, t) in trials.iter().enumerate() {
        out.push_str(&format!(
            "{},{},{},{:.5},{},{}\n",
            i + 1,
            t.round.digit,
            t.round.target,
            t.rms,
            if t.picked_left { "left" } else { "right" },
            t.right()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<u8> {
        (0..1000).map(|i| (i * 7 % 10) as u8).collect()
    }

    #[test]
    fn a_seed_draws_the_same_distinct_rounds_with_wrong_targets() {
        let (a, b) = (rounds(42, &labels()), rounds(42, &labels()));
        assert_eq!(a, b);
        assert_ne!(a, rounds(43, &labels()));
        assert_eq!(a.len(), ROUNDS);
        let mut digits: Vec<usize> = a.iter().map(|r| r.digit).collect();
        digits.sort();
        digits.dedup();
        assert_eq!(digits.len(), ROUNDS, "distinct digits");
        assert!(
            a.iter()
                .all(|r| r.target < 10 && r.target != labels()[r.digit])
        );
        let left = a.iter().filter(|r| r.changed_left).count();
        assert!((3..=17).contains(&left), "both sides: {left}");
    }

    fn trial(rms: f64, right: bool) -> Trial {
        Trial {
            round: Round {
                digit: 0,
                target: 1,
                changed_left: true,
            },
            rms,
            picked_left: right,
        }
    }

    #[test]
    fn the_staircase_goes_down_after_two_right_and_up_after_a_wrong_answer() {
        assert_eq!(next_rms(&[]), START_RMS);
        let one = [trial(0.16, true)];
        assert_eq!(next_rms(&one), START_RMS, "one right: no change");
        let two = [trial(0.16, true), trial(0.16, true)];
        assert!((next_rms(&two) - START_RMS / STEP).abs() < 1e-12);
        let wrong = [trial(0.16, true), trial(0.16, false)];
        assert!((next_rms(&wrong) - START_RMS * STEP).abs() < 1e-12);
        let all_right: Vec<Trial> = (0..200).map(|_| trial(0.1, true)).collect();
        assert_eq!(next_rms(&all_right), RMS_RANGE.0, "floored");
    }

    #[test]
    fn a_change_is_shown_at_the_asked_rms_along_the_attack() {
        let original: Vec<f32> = (0..784)
            .map(|i| if i % 3 == 0 { 128.0 / 255.0 } else { 0.0 })
            .collect();
        let direction: Vec<f32> = original.iter().map(|x| x + 0.05).collect();
        let (changed, rms) = shown_change(&original, &direction, 0.1);
        assert!((rms - 0.1).abs() < 0.002, "{rms}");
        assert!(changed.iter().zip(&original).all(|(c, o)| c >= o));
        let (same, none) = shown_change(&original, &original, 0.1);
        assert_eq!((same, none), (original, 0.0), "no direction, no change");
    }

    /// The fit recovers a simulated observer's threshold (an independent check: the answer is
    /// known), on a long run and on a staircase of the quiz's length.
    #[test]
    fn the_threshold_fit_recovers_a_simulated_observer() {
        let mut rng = Rng::new(7);
        for alpha in [0.01, 0.04, 0.12] {
            let trials: Vec<Trial> = (0..3000)
                .map(|i| {
                    let rms = alpha * 4f64.powf((i % 41) as f64 / 20.0 - 1.0);
                    trial(rms, rng.uniform() < p_right(rms, alpha, 3.0))
                })
                .collect();
            let found = threshold(&trials).unwrap();
            assert!((found / alpha - 1.0).abs() < 0.1, "{alpha}: {found}");
        }
        // Always right: below everything shown; never right: above.
        let right: Vec<Trial> = [0.1, 0.05, 0.02].iter().map(|&r| trial(r, true)).collect();
        assert_eq!(threshold(&right), Some(0.01));
        let wrong: Vec<Trial> = [0.1, 0.05, 0.02].iter().map(|&r| trial(r, false)).collect();
        assert!((threshold(&wrong).unwrap() - 0.2).abs() < 1e-9);
        assert_eq!(threshold(&[]), None);
    }

    #[test]
    fn the_csv_has_a_header_and_a_line_a_round() {
        let text = csv(&[trial(0.16, true), trial(0.11, false)]);
        assert_eq!(
            text,
            "round,digit,target,rms,answer,right\n1,0,1,0.16000,left,true\n2,0,1,0.11000,right,false\n"
        );
    }
}
