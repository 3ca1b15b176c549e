//! One untargeted L-BFGS attack split over several engines (the browser's CPU workers): each
//! solves a share of the targets as targeted problems, and the merge gives the outcome the
//! one batch would (`tests/attacks.rs` checks it bit for bit).

use super::{Outcome, nearest};

/// `targets` dealt round-robin into at most `parts` non-empty shares: the runner-ups' costs
/// differ, and dealing spreads the dear ones.
pub fn shares(targets: &[usize], parts: usize) -> Vec<Vec<usize>> {
    let parts = parts.clamp(1, targets.len().max(1));
    (0..parts)
        .map(|k| targets.iter().skip(k).step_by(parts).copied().collect())
        .filter(|share: &Vec<usize>| !share.is_empty())
        .collect()
}

/// The shares' outcomes (one per target, in any order) as the one batch's outcome: back in
/// class order, the order [`super::every_other`] tries them, then [`nearest`].
pub fn merged(mut outcomes: Vec<Outcome>) -> Outcome {
    outcomes.sort_by_key(|o| o.target);
    nearest(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_is_in_exactly_one_share() {
        let targets: Vec<usize> = (0..9).collect();
        let dealt = shares(&targets, 4);
        assert_eq!(dealt.len(), 4);
        assert_eq!(dealt[0], vec![0, 4, 8]);
        let mut all: Vec<usize> = dealt.concat();
        all.sort_unstable();
        assert_eq!(all, targets);
        assert_eq!(shares(&targets, 20).len(), 9, "never an empty share");
        assert_eq!(shares(&targets, 0), vec![targets.clone()]);
    }
}
