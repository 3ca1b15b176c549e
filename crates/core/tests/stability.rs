//! The Lipschitz bounds against independent dense computations.

mod common;
use blindspot_core::PIXELS;
use blindspot_core::rng::Rng;
use blindspot_core::stability::conv::{Kernel, grouped_conv_norm};
use blindspot_core::stability::lipschitz_bounds;
use blindspot_core::stability::power::matrix_norm;
use burn::prelude::*;

/// Largest eigenvalue of a symmetric matrix by cyclic Jacobi rotations (no power iteration).
fn jacobi_largest_eigenvalue(mut a: Vec<f64>, n: usize) -> f64 {
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum();
        if off < 1e-22 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let (c, s) = (1.0 / (t * t + 1.0).sqrt(), t / (t * t + 1.0).sqrt());
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
        }
    }
    (0..n).map(|i| a[i * n + i]).fold(f64::MIN, f64::max)
}

/// σ_max of a dense `rows × cols` matrix as sqrt(λ_max(AᵀA)) by Jacobi.
fn dense_sigma(a: &[f64], rows: usize, cols: usize) -> f64 {
    let mut ata = vec![0.0; cols * cols];
    for i in 0..cols {
        for j in 0..cols {
            ata[i * cols + j] = (0..rows).map(|r| a[r * cols + i] * a[r * cols + j]).sum();
        }
    }
    jacobi_largest_eigenvalue(ata, cols).sqrt()
}

fn random(rng: &mut Rng, n: usize) -> Vec<f64> {
    (0..n).map(|_| rng.gaussian()).collect()
}

#[test]
fn power_iteration_matches_a_dense_eigen_solve_on_random_matrices() {
    let mut rng = Rng::new(3);
    for (rows, cols) in [(5, 5), (12, 7), (7, 30), (40, 25)] {
        let a = random(&mut rng, rows * cols);
        let (power, dense) = (matrix_norm(&a, rows, cols), dense_sigma(&a, rows, cols));
        assert!(
            (power - dense).abs() <= 1e-6 * dense,
            "{rows}×{cols}: {power} vs {dense}"
        );
    }
}

/// The explicit matrix of a circular multi-channel cross-correlation with stride s on n×n.
fn dense_conv(w: &[f64], d: usize, c: usize, k: usize, n: usize, s: usize) -> Vec<f64> {
    let m = n / s;
    let cols = c * n * n;
    let mut a = vec![0.0; d * m * m * cols];
    for o in 0..d {
        for (i, j) in (0..m).flat_map(|i| (0..m).map(move |j| (i, j))) {
            let row = (o * m + i) * m + j;
            for ch in 0..c {
                for (p, q) in (0..k).flat_map(|p| (0..k).map(move |q| (p, q))) {
                    let (y, x) = ((s * i + p) % n, (s * j + q) % n);
                    a[row * cols + (ch * n + y) * n + x] += w[((o * c + ch) * k + p) * k + q];
                }
            }
        }
    }
    a
}

#[test]
fn the_network_bound_holds_on_real_models_and_perturbations() {
    let device = Device::flex();
    let mut rng = Rng::new(5);
    for name in ["fc100-100-10", "convnet"] {
        let model = common::model(name, &device);
        let bounds = lipschitz_bounds(&model);
        let network = bounds.last().unwrap();
        assert_eq!(network.kind, "network");
        assert!(network.bound.is_finite() && network.bound > 0.0);
        for _ in 0..20 {
            let x: Vec<f32> = (0..PIXELS).map(|_| rng.uniform() as f32).collect();
            let r: Vec<f32> = (0..PIXELS).map(|_| 0.01 * rng.gaussian() as f32).collect();
            let xr: Vec<f32> = x.iter().zip(&r).map(|(a, b)| a + b).collect();
            let logits = |v: Vec<f32>| -> Vec<f32> {
                let t = Tensor::<2>::from_data(TensorData::new(v, [1, PIXELS]), &device);
                model.forward(t).into_data().iter::<f32>().collect()
            };
            let (fx, fxr) = (logits(x), logits(xr));
            let moved: f32 = fx
                .iter()
                .zip(&fxr)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f32>();
            let size: f32 = r.iter().map(|v| v * v).sum::<f32>();
            assert!(
                moved.sqrt() <= network.bound as f32 * size.sqrt() * 1.0001,
                "{name}: moved {} for ‖r‖ {}, bound {}",
                moved.sqrt(),
                size.sqrt(),
                network.bound
            );
        }
    }
}

/// The explicit matrix of a grouped circular convolution: each group's dense operator on its
/// own channels, placed block-diagonally.
fn dense_grouped(
    w: &[f64],
    d: usize,
    c: usize,
    groups: usize,
    k: usize,
    n: usize,
    s: usize,
) -> Vec<f64> {
    let (dg, m) = (d / groups, n / s);
    let (rows, cols) = (d * m * m, c * groups * n * n);
    let mut a = vec![0.0; rows * cols];
    for g in 0..groups {
        let block = dense_conv(
            &w[g * dg * c * k * k..(g + 1) * dg * c * k * k],
            dg,
            c,
            k,
            n,
            s,
        );
        let (block_rows, block_cols) = (dg * m * m, c * n * n);
        for r in 0..block_rows {
            for col in 0..block_cols {
                a[(g * block_rows + r) * cols + g * block_cols + col] = block[r * block_cols + col];
            }
        }
    }
    a
}

#[test]
fn fourier_conv_norms_equal_the_dense_operator_norm_ordinary_grouped_and_depthwise() {
    let mut rng = Rng::new(11);
    // (outputs, inputs per group, groups, kernel, grid, stride): ordinary convolutions at
    // strides 1 and 2, depthwise ones at strides 1 and 2, a grouped one, and 1×1 kernels (the
    // fast path) with one group and several.
    for (d, c, groups, k, n, s) in [
        (3, 2, 1, 3, 8, 1),
        (2, 3, 1, 3, 8, 2),
        (4, 1, 1, 5, 6, 1),
        (3, 2, 1, 2, 6, 2),
        (4, 1, 4, 3, 8, 1),
        (3, 1, 3, 5, 8, 2),
        (4, 2, 2, 3, 6, 2),
        (5, 3, 1, 1, 4, 1),
        (6, 2, 3, 1, 4, 1),
    ] {
        let w = random(&mut rng, d * c * k * k);
        let kernel = Kernel {
            weights: &w,
            outputs: d,
            inputs: c,
            size: k,
        };
        let fourier = grouped_conv_norm(&kernel, groups, n, s);
        let dense = dense_sigma(
            &dense_grouped(&w, d, c, groups, k, n, s),
            d * (n / s) * (n / s),
            c * groups * n * n,
        );
        assert!(
            (fourier - dense).abs() <= 1e-3 * dense,
            "d{d} c{c} g{groups} k{k} n{n} s{s}: {fourier} vs {dense}"
        );
    }
}
