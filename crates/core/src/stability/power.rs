//! The largest singular value of a linear map by power iteration on AᵀA.

/// Power iteration stops when σ changes by less than this, relatively, between iterations.
pub const TOLERANCE: f64 = 1e-9;
/// … or after this many iterations (slow only when σ₁ ≈ σ₂, where σ is then already close).
pub const MAX_ITERATIONS: usize = 20_000;

/// σ_max of the map `apply: R^n → R^m` given with its transpose `apply_t: R^m → R^n`,
/// started from a fixed, seeded vector so that results are reproducible.
pub fn largest_singular_value(
    n: usize,
    apply: impl Fn(&[f64]) -> Vec<f64>,
    apply_t: impl Fn(&[f64]) -> Vec<f64>,
) -> f64 {
    let mut rng = crate::rng::Rng::new(0x5eed_cafe);
    let mut v: Vec<f64> = (0..n).map(|_| rng.gaussian()).collect();
    normalise(&mut v);
    let mut sigma = 0.0;
    for _ in 0..MAX_ITERATIONS {
        let u = apply(&v);
        let next = norm(&u);
        v = apply_t(&u);
        if normalise(&mut v) == 0.0 {
            return 0.0;
        }
        let converged = (next - sigma).abs() <= TOLERANCE * next;
        sigma = next;
        if converged {
            break;
        }
    }
    sigma
}

/// σ_max of a dense row-major `rows × cols` matrix.
pub fn matrix_norm(a: &[f64], rows: usize, cols: usize) -> f64 {
    assert_eq!(a.len(), rows * cols);
    largest_singular_value(
        cols,
        |v| {
            (0..rows)
                .map(|r| dot(&a[r * cols..(r + 1) * cols], v))
                .collect()
        },
        |u| {
            let mut out = vec![0.0; cols];
            for (r, &ur) in u.iter().enumerate() {
                for (o, &arc) in out.iter_mut().zip(&a[r * cols..(r + 1) * cols]) {
                    *o += ur * arc;
                }
            }
            out
        },
    )
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(v: &[f64]) -> f64 {
    dot(v, v).sqrt()
}

/// Scales `v` to unit length; returns its former length.
fn normalise(v: &mut [f64]) -> f64 {
    let n = norm(v);
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    n
}
