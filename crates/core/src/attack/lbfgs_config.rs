//! The settings of the paper's attack ([`super::lbfgs`]) and of its search over c
//! ([`super::c_search`]), in their own file so that both read them.

#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct LbfgsConfig {
    /// L-BFGS memory (pairs of s, y kept).
    pub memory: usize,
    /// L-BFGS iterations per solve.
    pub max_iterations: usize,
    /// A solve stops when the projected gradient's largest entry is below this.
    pub tolerance: f32,
    /// The first c of each problem's search; `None`: estimated per problem from the loss's
    /// gradient at the image ([`super::c_search::estimated_start`], 1 where it gives none), and no search at all
    /// where the model already gives the image its target (r = 0, c = 0).
    pub c_start: Option<f32>,
    pub c_factor: f32,
    /// Most multiplications (or divisions) of c while looking for a bracket.
    pub bracket_steps: usize,
    /// With `bracket_steps`, the most solves of one problem: `bracket_steps + bisections`.
    pub bisections: usize,
    /// Narrow each bracket on c guided by the target's logit margin (`false`: plain geometric
    /// bisection, as before; see [`CSearch`]).
    pub guided: bool,
    /// The search ends once the smallest failing c is within this factor of the largest
    /// successful one (see [`CSearch`]).
    pub c_ratio: f32,
    /// Softmax temperature T of the loss CE(logits / T, target). The paper's loss is T = 1.
    /// With T = 1 a flat softmax (heavily regularised fc10-1) mixes every class's gradient
    /// into r, and the kept r was 10–26% longer than the exact minimum (tests/oracle.rs, 6
    /// digits). T = 0.05 puts the loss on the nearest competing class: worst 6.6% over 60
    /// oracle problems, at about 2× the evaluations of T = 1 (BENCHMARKS.md).
    pub temperature: f32,
    /// Untargeted: how many of the classes the model ranks highest after the true label are
    /// tried, each as a target (the nearest success is kept). MNIST's default tries all nine
    /// others; on ImageNet's 1,000 classes trying every one is out of reach, and the runner-ups
    /// are where the nearest boundaries usually are.
    pub runner_ups: usize,
    /// Judge each solve by its rounding to 8-bit levels (the picture as saved and shown), so
    /// that the kept result still reaches its target once saved. Photos need it: their
    /// smallest perturbations are often below half a level RMS, and rounding undoes them. Where
    /// plain rounding does, the solve's perturbation is stretched along itself ([`STRETCHES`])
    /// and the first rounding that reaches the target is taken. The zoo's digits are judged as
    /// computed, as the paper's were.
    pub quantise: bool,
    /// With `quantise`: also judge each solve's iterates on its way ([`WAYPOINT_EVERY`]
    /// iterations apart, where the target leads), stretched as the end is, and keep the nearest
    /// that reaches the target once rounded. The search still goes on from each solve's end as
    /// judged, so its path is the same and the kept RMS can only fall: a solve's end that
    /// converged onto the boundary often loses the target to rounding, where an iterate that
    /// passed it on the way keeps it.
    ///
    /// [`WAYPOINT_EVERY`]: super::lbfgs::WAYPOINT_EVERY
    pub waypoints: bool,
    /// Start each solve after the first from where the problem's previous solve ended (`false`:
    /// from x every time). The paper does not say; warm starts halved the evaluations on
    /// fc100-100-10 at the same RMS to four digits (`tests/attacks.rs`, BENCHMARKS.md).
    pub warm_start: bool,
    /// Rows per tensor evaluation at least (lone problems are padded): 1, or
    /// `objective::INVARIANT_ROWS` where an attack is split over workers and must give the
    /// one batch's answer bit for bit (see `objective::INVARIANT_ROWS`).
    pub min_rows: usize,
    /// Solves of one problem side by side, each round of its search over c (see
    /// [`super::c_search`]): 1, or the cores that run them (a photo's solves over the page's
    /// workers or the CLI's threads). The result depends on it; one lane is the paper's search.
    pub lanes: usize,
}

impl Default for LbfgsConfig {
    fn default() -> Self {
        LbfgsConfig {
            memory: 10,
            max_iterations: 60,
            tolerance: 1e-4,
            c_start: None,
            c_factor: 3.0,
            bracket_steps: 5,
            bisections: 5,
            guided: true,
            c_ratio: 1.02,
            temperature: 0.05,
            runner_ups: crate::CLASSES - 1,
            quantise: false,
            waypoints: false,
            warm_start: true,
            min_rows: 1,
            lanes: 1,
        }
    }
}
