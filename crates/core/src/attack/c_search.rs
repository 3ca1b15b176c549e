//! The search over c for one attack problem. With c on the distortion term, the *largest*
//! successful c gives the smallest perturbation, so the search looks for the boundary between
//! the c values whose solve reaches the target and those whose solve does not.
//!
//! Start at `c_start`, or where [`estimated_start`] puts the boundary. While every solve
//! succeeds, multiply c by `c_factor`; while every solve fails, divide it. Once a success and a
//! failure bracket the boundary, each next c is placed where the target's logit margin (target
//! logit minus the largest other, at each bracket end's solve) interpolates to zero in log c
//! (regula falsi, with the Illinois rule), then just past that estimate on the side that
//! shrinks the bracket most: with a good estimate one solve lands each side of it. The search
//! ends when the bracket is narrower than [`LbfgsConfig::c_ratio`] or after
//! `bracket_steps + bisections` solves. Without margins (solves judged after rounding) it is a
//! plain geometric bisection.
//!
//! With several lanes (solves side by side, one per core: [`LbfgsConfig::lanes`]) each round
//! tries `lanes` values of c: the first round c_start and the next `lanes − 1` steps up; while
//! unbracketed, the next `lanes` steps on; once bracketed, `lanes` points evenly spaced in log c
//! inside the bracket, which shrinks it (lanes + 1)-fold a round where a solve halves it. The
//! round's budget is counted in the solves one lane would have needed (a widening round: those
//! one lane would have tried before turning back; a bracketed one: log₂(lanes + 1)), so the
//! search ends at least as fine as one lane's, in fewer rounds. Lanes ignore the margins.

use super::lbfgs_config::LbfgsConfig;

/// The next c stays this fraction of the bracket (in log c) away from its ends, so that each
/// solve shrinks the bracket.
const SAFEGUARD: f32 = 0.01;

#[derive(Clone, Debug)]
pub struct CSearch {
    /// The c of the next solve.
    pub c: f32,
    /// The largest successful c so far, with its solve's margin when known.
    success: Option<(f32, Option<f32>)>,
    /// The smallest failing c so far, with its solve's margin when known.
    fail: Option<(f32, Option<f32>)>,
    /// Whether the previous solve inside the bracket succeeded (see [`CSearch::record`]).
    previous: Option<bool>,
    steps: usize,
    /// Lanes: the solves one lane would have needed for the rounds so far.
    spent: f32,
    pub done: bool,
}

/// Where the boundary in c would be if the model were linear in its input near x with two
/// classes in play, from one evaluation at x itself: its gradient `grad` of the loss
/// CE(logits / T, target) and the target's margin (negative: not yet reached). Far from the
/// target, ∇CE ≈ −∇m / T; the nearest point with margin 0 is |m| / ‖∇m‖ away; there the
/// two-class ∇CE is −∇m / 2T, and the minimum of c‖r‖² + CE balances 2c‖r‖ against it, so
/// c ≈ T‖∇CE‖² / 4|m|. On fc100-100-10 the search's final c was 0.16–6.4× this (median 1.3,
/// 100 test digits): one solve each side of it brackets the boundary. `None` where the target
/// is already reached or the gradient vanishes.
pub fn estimated_start(temperature: f32, grad: &[f32], margin: f32) -> Option<f32> {
    let squared: f32 = grad.iter().map(|g| g * g).sum();
    let c = temperature * squared / (4.0 * -margin);
    (margin < 0.0 && c.is_finite() && c > 0.0).then_some(c)
}

impl CSearch {
    /// A search from `c_start`.
    pub fn new(c_start: f32) -> Self {
        CSearch {
            c: c_start,
            success: None,
            fail: None,
            previous: None,
            steps: 0,
            spent: 0.0,
            done: false,
        }
    }

    /// A search with nothing left to solve.
    pub fn finished() -> Self {
        CSearch {
            done: true,
            ..CSearch::new(0.0)
        }
    }

    /// Records the solve at the current c (did it reach the target, and its margin if known)
    /// and picks the next c, or finishes.
    pub fn record(&mut self, success: bool, margin: Option<f32>, config: &LbfgsConfig) {
        let c = self.c;
        let bracketed = self.success.is_some() && self.fail.is_some();
        if bracketed && self.previous == Some(success) {
            // Two solves in a row on one side (the Illinois rule): halve the other end's
            // margin, so that a margin far from linear cannot hold the estimate near one end.
            let other = if success {
                &mut self.fail
            } else {
                &mut self.success
            };
            if let Some((_, Some(m))) = other {
                *m /= 2.0;
            }
        }
        if bracketed {
            self.previous = Some(success);
        }
        if success {
            if self.success.is_none_or(|(s, _)| c > s) {
                self.success = Some((c, margin));
            }
        } else if self.fail.is_none_or(|(f, _)| c < f) {
            self.fail = Some((c, margin));
        }
        self.steps += 1;
        let out_of_steps = self.steps >= config.bracket_steps + config.bisections;
        match (self.success, self.fail) {
            (Some(s), Some(f)) => {
                // A success above a failure (the boundary need not be monotone) also ends it.
                self.done = out_of_steps || f.0 / s.0 < config.c_ratio;
                if !self.done {
                    self.c = inside(s, f, config.c_ratio);
                }
            }
            (Some(_), None) => {
                self.c *= config.c_factor;
                self.done = self.steps > config.bracket_steps;
            }
            (None, _) => {
                self.c /= config.c_factor;
                self.done = self.steps > config.bracket_steps;
            }
        }
    }
}

impl CSearch {
    /// The c values of the next round: `lanes` of them (see the module's notes), or the one
    /// [`CSearch::c`] where there is one lane.
    pub fn round(&self, lanes: usize, config: &LbfgsConfig) -> Vec<f32> {
        let k = lanes.max(1);
        if k == 1 {
            return vec![self.c];
        }
        let f = config.c_factor;
        match (self.success, self.fail) {
            (Some((s, _)), Some((fail, _))) => {
                let width = (fail / s).ln();
                (1..=k)
                    .map(|j| (s.ln() + width * j as f32 / (k + 1) as f32).exp())
                    .collect()
            }
            (Some((s, _)), None) => (1..=k).map(|j| s * f.powi(j as i32)).collect(),
            (None, Some((fail, _))) => (1..=k).map(|j| fail / f.powi(j as i32)).collect(),
            (None, None) => (0..k).map(|j| self.c * f.powi(j as i32)).collect(),
        }
    }

    /// Records a round's solves: each c with whether it reached the target and its margin.
    /// One lane is [`CSearch::record`]; several narrow the bracket by every solve at once.
    pub fn record_round(&mut self, solves: &[(f32, bool, Option<f32>)], config: &LbfgsConfig) {
        if let [(c, success, margin)] = solves {
            self.c = *c;
            return self.record(*success, *margin, config);
        }
        let bracketed = self.success.is_some() && self.fail.is_some();
        for &(c, success, _) in solves {
            if success && self.success.is_none_or(|(s, _)| c > s) {
                self.success = Some((c, None));
            }
            if !success && self.fail.is_none_or(|(f, _)| c < f) {
                self.fail = Some((c, None));
            }
        }
        self.spent += if bracketed {
            ((solves.len() + 1) as f32).log2()
        } else {
            one_lane_steps(solves) as f32
        };
        let budget = (config.bracket_steps + config.bisections) as f32;
        self.done = match (self.success, self.fail) {
            (Some(s), Some(f)) => self.spent >= budget || f.0 / s.0 < config.c_ratio,
            _ => self.spent > config.bracket_steps as f32,
        };
    }
}

/// The solves one lane would have spent on a widening round's: in the round's order (up from
/// a success or from the start, down from a failure), up to the first that turns back.
fn one_lane_steps(solves: &[(f32, bool, Option<f32>)]) -> usize {
    let up = solves.len() < 2 || solves[1].0 > solves[0].0;
    let turn = solves.iter().position(|&(_, success, _)| success != up);
    turn.map_or(solves.len(), |k| k + 1)
}

/// The next c inside the bracket from success `s` up to failure `f` (each c with its margin),
/// a bracket wider than `ratio`.
fn inside(s: (f32, Option<f32>), f: (f32, Option<f32>), ratio: f32) -> f32 {
    let (low, high) = (s.0.ln(), f.0.ln());
    let width = high - low;
    let middle = (low + width / 2.0).exp();
    // Margins from solves that succeeded and failed: ms > 0 ≥ mf, except at exact ties.
    let Some((ms, mf)) = s.1.zip(f.1).filter(|(ms, mf)| ms > mf) else {
        return middle;
    };
    let estimate = low + ms / (ms - mf) * width;
    // A third of a resolution past the estimate, away from the nearer end: if the estimate is
    // right, the far end moves to it, and the next solve, as far on the other side, closes the
    // bracket to two thirds of a resolution.
    let nudge = ratio.ln() / 3.0;
    let next = if estimate - low < high - estimate {
        estimate + nudge
    } else {
        estimate - nudge
    };
    next.clamp(low + SAFEGUARD * width, high - SAFEGUARD * width)
        .exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> LbfgsConfig {
        LbfgsConfig::default()
    }

    /// Runs the search against a boundary at `boundary` with a margin linear in log c (or no
    /// margin): the largest successful c found, the solves, and the solves it took to bracket.
    fn search(boundary: f32, margins: bool) -> (f32, usize, usize) {
        let config = config();
        let mut search = CSearch::new(1.0);
        let (mut best, mut solves, mut bracketed) = (0.0f32, 0, None);
        let mut seen = [false; 2];
        while !search.done {
            let margin = (boundary / search.c).ln();
            let success = margin > 0.0;
            if success {
                best = best.max(search.c);
            }
            search.record(success, margins.then_some(margin), &config);
            solves += 1;
            seen[success as usize] = true;
            if seen == [true; 2] {
                bracketed.get_or_insert(solves);
            }
        }
        (best, solves, bracketed.unwrap())
    }

    #[test]
    fn with_a_linear_margin_two_solves_after_the_bracket_reach_the_resolution() {
        // Within the default search's reach from c = 1: 3^±5, 0.0041…243.
        for boundary in [0.01, 0.7, 12.0, 37.0, 99.0, 200.0] {
            let (found, solves, bracket) = search(boundary, true);
            let (bisected, bisections, _) = search(boundary, false);
            assert!(found <= boundary && found > 0.0, "{boundary}: {found}");
            assert!(
                boundary / found < config().c_ratio,
                "{boundary}: found {found} in {solves} solves"
            );
            assert!(
                solves <= bracket + 2,
                "{boundary}: {solves} solves, bracket {bracket}"
            );
            assert!(
                found * config().c_ratio > bisected,
                "{boundary}: {found} vs {bisected}"
            );
            assert!(solves < bisections, "{boundary}: {solves} vs {bisections}");
        }
    }

    #[test]
    fn a_margin_far_from_linear_still_narrows_the_bracket() {
        let config = config();
        let mut search = CSearch::new(1.0);
        let boundary: f32 = 40.0;
        let mut best: f32 = 0.0;
        while !search.done {
            // A step: every success has margin 1, every failure margin −1000.
            let success = search.c < boundary;
            if success {
                best = best.max(search.c);
            }
            search.record(success, Some(if success { 1.0 } else { -1000.0 }), &config);
        }
        assert!(best < boundary && boundary / best < 1.5, "{best}");
    }

    #[test]
    fn a_success_above_a_failure_ends_the_search() {
        let config = config();
        let mut search = CSearch::new(10.0);
        search.record(false, Some(-1.0), &config); // fails at 10, tries 10 / 3
        search.record(true, Some(1.0), &config); // succeeds at 3.3: bracketed
        assert!(!search.done);
        let c = search.c;
        assert!(c > 10.0 / 3.0 && c < 10.0, "{c}");
        // The boundary is not monotone: a failure below the success.
        search.c = 2.0;
        search.record(false, Some(-1.0), &config);
        assert!(search.done && search.c.is_finite());
    }

    /// Runs a search of `lanes` lanes with no margins against a boundary at `boundary`: the
    /// largest successful c found, the smallest failing one, and the rounds.
    fn search_in_lanes(boundary: f32, lanes: usize, config: &LbfgsConfig) -> (f32, f32, usize) {
        let mut search = CSearch::new(1.0);
        let (mut best, mut fail, mut rounds) = (0.0f32, f32::INFINITY, 0);
        while !search.done {
            let solves: Vec<(f32, bool, Option<f32>)> = (search.round(lanes, config).into_iter())
                .map(|c| (c, c < boundary, None))
                .collect();
            for &(c, success, _) in &solves {
                if success {
                    best = best.max(c);
                } else {
                    fail = fail.min(c);
                }
            }
            search.record_round(&solves, config);
            rounds += 1;
        }
        (best, fail, rounds)
    }

    #[test]
    fn lanes_end_at_least_as_close_to_the_boundary_as_one_lane_in_fewer_rounds() {
        // The photos' search: c ×10 a step, bisections judged without margins.
        let config = LbfgsConfig {
            c_factor: 10.0,
            c_ratio: 1.01,
            bisections: 3,
            guided: false,
            ..config()
        };
        for boundary in [0.003, 0.7, 2.0, 45.0, 900.0] {
            let (one, one_fail, solves) = search_in_lanes(boundary, 1, &config);
            for lanes in [2, 3] {
                let (found, fail, rounds) = search_in_lanes(boundary, lanes, &config);
                assert!(
                    found < boundary && boundary <= fail,
                    "{boundary}: {found}, {fail}"
                );
                assert!(
                    fail / found <= one_fail / one * 1.0001,
                    "{boundary}, {lanes} lanes: {found}–{fail}, one lane {one}–{one_fail}"
                );
                assert!(rounds < solves, "{boundary}, {lanes}: {rounds} vs {solves}");
            }
        }
    }

    #[test]
    fn one_lane_is_the_search_itself() {
        let config = config();
        let (mut a, mut b) = (CSearch::new(1.0), CSearch::new(1.0));
        for (success, margin) in [(true, 2.0), (false, -1.0), (true, 0.5), (false, -0.1)] {
            assert_eq!(a.round(1, &config), vec![b.c]);
            a.record_round(&[(a.c, success, Some(margin))], &config);
            b.record(success, Some(margin), &config);
            assert_eq!((a.c, a.done), (b.c, b.done));
        }
    }

    #[test]
    fn a_search_that_never_succeeds_gives_up_after_its_bracket_steps() {
        let config = config();
        let mut search = CSearch::new(1.0);
        let mut solves = 0;
        while !search.done {
            search.record(false, Some(-1.0), &config);
            solves += 1;
        }
        assert_eq!(solves, config.bracket_steps + 1);
    }
}
