//! A 1×1 convolution (or a dense layer) on channels-last rows: a matrix product with the `gemm`
//! crate (Burn Flex's own), its bias and ReLU6 fused into one pass over the output, and its
//! input gradient, the product with the transposed weights. One of the two modules with `unsafe`
//! (the other is `simd`): `gemm` takes raw pointers and strides.
#![allow(unsafe_code)]

use super::spare::Spare;
use super::{Exit, bias, by_parts, values};
use burn::nn::Linear;
use burn::nn::conv::Conv2d;

#[derive(Debug)]
pub struct Pointwise {
    /// `[inputs, outputs]`, row-major, for the forward product.
    weight: Vec<f32>,
    /// `[outputs, inputs]`, row-major, for the gradient's: contiguous rows spare `gemm` a
    /// strided packing of the transpose (measured: BENCHMARKS.md, "ImageNet speed").
    transposed: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

/// `[rows, columns]` row-major → `[columns, rows]`.
fn transpose(m: &[f32], rows: usize, columns: usize) -> Vec<f32> {
    let mut t = vec![0.0; m.len()];
    for r in 0..rows {
        for c in 0..columns {
            t[c * rows + r] = m[r * columns + c];
        }
    }
    t
}

impl Pointwise {
    /// A 1×1 convolution (weights `[outputs, inputs, 1, 1]`).
    pub fn from_conv(conv: &Conv2d) -> Self {
        let [outputs, inputs, _, _] = conv.weight.dims();
        Self::new(
            values(conv.weight.val()),
            bias(&conv.bias, outputs),
            inputs,
            outputs,
        )
    }

    /// A dense layer (Burn keeps `[inputs, outputs]`).
    pub fn from_linear(linear: &Linear) -> Self {
        let [inputs, outputs] = linear.weight.dims();
        let weight = transpose(&values(linear.weight.val()), inputs, outputs);
        Self::new(weight, bias(&linear.bias, outputs), inputs, outputs)
    }

    /// Weights `[outputs, inputs]`, row-major (PyTorch's layout, and Burn's convolutions').
    pub fn new(weight: Vec<f32>, bias: Vec<f32>, inputs: usize, outputs: usize) -> Self {
        assert_eq!(weight.len(), inputs * outputs);
        assert_eq!(bias.len(), outputs);
        Pointwise {
            weight: transpose(&weight, outputs, inputs),
            transposed: weight,
            bias,
            inputs,
            outputs,
        }
    }

    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// `[rows, inputs]` → `[rows, outputs]` with its bias, then `exit`.
    pub fn forward(&self, x: &[f32], rows: usize, exit: Exit, spare: &Spare) -> Vec<f32> {
        assert_eq!(x.len(), rows * self.inputs);
        let mut out = spare.take(rows * self.outputs);
        by_parts(&mut out, self.outputs, |first, out| {
            let x = &x[first * self.inputs..][..out.len() / self.outputs * self.inputs];
            product(out, x, &self.weight, self.inputs);
            exit.from(first * self.outputs)
                .finish(out, Some(&self.bias));
        });
        out
    }

    /// The input gradient: `[rows, outputs]` → `[rows, inputs]`, `g · Wᵀ`, then `exit`.
    pub fn backward(&self, grad: &[f32], rows: usize, exit: Exit, spare: &Spare) -> Vec<f32> {
        assert_eq!(grad.len(), rows * self.outputs);
        let mut out = spare.take(rows * self.inputs);
        by_parts(&mut out, self.inputs, |first, out| {
            let grad = &grad[first * self.outputs..][..out.len() / self.inputs * self.outputs];
            product(out, grad, &self.transposed, self.outputs);
            exit.from(first * self.inputs).finish(out, None);
        });
        out
    }
}

/// `out = a · b`, all row-major: `a` `[rows, inner]`, `b` `[inner, columns]`, `out`
/// `[rows, columns]`, whatever its values were (initialised: `gemm` reads it at the edges even
/// where it then overwrites it).
fn product(out: &mut [f32], a: &[f32], b: &[f32], inner: usize) {
    let columns = b.len() / inner;
    let rows = out.len() / columns;
    assert!(a.len() == rows * inner && b.len() == inner * columns);
    // SAFETY: the three matrices are the slices' sizes with these strides (asserted above).
    unsafe {
        gemm::gemm(
            rows,
            columns,
            inner,
            out.as_mut_ptr(),
            1,
            columns as isize,
            false,
            a.as_ptr(),
            1,
            inner as isize,
            b.as_ptr(),
            1,
            columns as isize,
            0.0,
            1.0,
            false,
            false,
            false,
            super::ONE_THREAD,
        );
    }
}
