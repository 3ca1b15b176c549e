//! The operator norm of a multi-channel 2-D convolution by the paper's Fourier formula.
//!
//! Treat the layer as a circular cross-correlation on an N×N input, then subsample with stride
//! s. In a unitary 2-D DFT the output at frequency η (an (N/s)×(N/s) grid) only sees the s²
//! input frequencies ξ_a = η + a·N/s (a ∈ {0..s−1}²): ŷ(η) = (1/s) Σ_a Ŵ(ξ_a) x̂(ξ_a), with
//! Ŵ(ξ) the D×C matrix of kernel DFTs. The operator is block-diagonal over η with blocks
//! B(η) = (1/s)[Ŵ(ξ_0) … Ŵ(ξ_{s²−1})] (D × C·s²), so ‖W‖ = max_η σ_max(B(η)). (The paper
//! writes the scale as 1/s²; with a unitary DFT it is 1/s, which the dense test pins down.)
//! A "valid" (unpadded) convolution's outputs are a subset of the circular one's, so the value
//! is an upper bound for it; a zero-padded one is bounded the same way on a grid of its padded
//! size. A grouped convolution (depthwise: one group per channel) is block-diagonal over its
//! groups, so its norm is the largest group's ([`grouped_conv_norm`]).

use super::power::matrix_norm;
use std::f64::consts::TAU;

/// A convolution's kernels, `[out][in][k][k]` row-major as Burn and PyTorch store them.
pub struct Kernel<'a> {
    pub weights: &'a [f64],
    pub outputs: usize,
    pub inputs: usize,
    pub size: usize,
}

/// ‖W‖ of a grouped convolution: `kernel.outputs` output channels in `groups` equal groups,
/// each seeing its own `kernel.inputs` input channels (`[out][in / groups][k][k]`, as Burn and
/// PyTorch store a grouped kernel).
pub fn grouped_conv_norm(kernel: &Kernel, groups: usize, grid: usize, stride: usize) -> f64 {
    assert!(
        groups > 0 && kernel.outputs.is_multiple_of(groups),
        "the output channels must split into the groups"
    );
    let per_group = kernel.outputs / groups;
    let span = per_group * kernel.inputs * kernel.size * kernel.size;
    kernel
        .weights
        .chunks(span)
        .map(|weights| {
            let group = Kernel {
                weights,
                outputs: per_group,
                ..*kernel
            };
            conv_norm(&group, grid, stride)
        })
        .fold(0.0, f64::max)
}

/// ‖W‖ of `kernel` applied with `stride` to `grid`×`grid` inputs (`grid` divisible by `stride`).
pub fn conv_norm(kernel: &Kernel, grid: usize, stride: usize) -> f64 {
    assert!(
        grid.is_multiple_of(stride),
        "the grid must be divisible by the stride"
    );
    let Kernel {
        weights,
        outputs: d,
        inputs: c,
        size: k,
    } = *kernel;
    assert_eq!(weights.len(), d * c * k * k);
    if k == 1 && stride == 1 {
        // A 1×1 kernel's DFT is the same D × C matrix at every frequency.
        return matrix_norm(weights, d, c);
    }
    // Kernel DFTs at every input frequency: spectrum[(f1·grid + f2)][o·c + i] = (re, im).
    // e^{-2πi m/grid} for m = 0..grid: every angle below is a whole multiple of 2π/grid, so a
    // table replaces a cosine and a sine per weight and frequency (the page computes this on
    // its own thread).
    let twiddle: Vec<(f64, f64)> = (0..grid)
        .map(|m| {
            let angle = TAU * m as f64 / grid as f64;
            (angle.cos(), angle.sin())
        })
        .collect();
    let mut spectrum = vec![vec![(0.0, 0.0); d * c]; grid * grid];
    for (f, entry) in spectrum.iter_mut().enumerate() {
        let (f1, f2) = (f / grid, f % grid);
        for (oi, value) in entry.iter_mut().enumerate() {
            let w = &weights[oi * k * k..(oi + 1) * k * k];
            for (pq, &wpq) in w.iter().enumerate() {
                let (cos, sin) = twiddle[((pq / k) * f1 + (pq % k) * f2) % grid];
                value.0 += wpq * cos;
                value.1 -= wpq * sin;
            }
        }
    }
    let out_grid = grid / stride;
    let cols = c * stride * stride;
    let mut largest: f64 = 0.0;
    for eta in 0..out_grid * out_grid {
        let (e1, e2) = (eta / out_grid, eta % out_grid);
        // B(η) as a real 2D × 2·cols matrix [[Re, −Im], [Im, Re]]: same singular values.
        let mut real = vec![0.0; 2 * d * 2 * cols];
        for a in 0..stride * stride {
            let xi1 = e1 + (a / stride) * out_grid;
            let xi2 = e2 + (a % stride) * out_grid;
            let block = &spectrum[xi1 * grid + xi2];
            for o in 0..d {
                for i in 0..c {
                    let (re, im) = block[o * c + i];
                    let (re, im) = (re / stride as f64, im / stride as f64);
                    let col = a * c + i;
                    real[o * 2 * cols + col] = re;
                    real[o * 2 * cols + cols + col] = -im;
                    real[(d + o) * 2 * cols + col] = im;
                    real[(d + o) * 2 * cols + cols + col] = re;
                }
            }
        }
        // One output and one input channel (a depthwise group): B(η) is a single row, whose only
        // singular value is its length.
        let sigma = if d == 1 && c == 1 {
            real[..2 * cols].iter().map(|v| v * v).sum::<f64>().sqrt()
        } else {
            matrix_norm(&real, 2 * d, 2 * cols)
        };
        largest = largest.max(sigma);
    }
    largest
}
