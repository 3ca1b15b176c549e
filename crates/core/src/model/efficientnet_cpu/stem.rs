//! The stem: the input scaling (255·x − 127)/128 and a 3×3 stride-2 convolution of the
//! channels-first photo to 32 channels-last maps, as a matrix product over its 27 taps
//! (im2col); its input gradient adds each output pixel's taps' gradients back onto the pixels
//! they read.

use super::pointwise::Pointwise;
use super::spare::Spare;
use super::window::Window;
use super::{Exit, bias, by_parts, values};
use burn::nn::conv::Conv2d;

/// The TensorFlow Lite models' input scaling: (255·x − 127) / 128.
const SCALE: f32 = 255.0 / 128.0;
const SHIFT: f32 = 127.0 / 128.0;

#[derive(Debug)]
pub struct Stem {
    /// `[3·k·k, 32]`: the convolution as a matrix over its taps, channel-major.
    taps: Pointwise,
    window: Window,
    channels_in: usize,
}

impl Stem {
    pub fn from_conv(conv: &Conv2d) -> Self {
        let [outputs, channels_in, kernel, _] = conv.weight.dims();
        let n = channels_in * kernel * kernel;
        // Burn's [out, in, ky, kx] is [out, taps]: a 1×1 convolution over the taps.
        Stem {
            taps: Pointwise::new(
                values(conv.weight.val()),
                bias(&conv.bias, outputs),
                n,
                outputs,
            ),
            window: Window {
                kernel,
                stride: conv.stride[0],
            },
            channels_in,
        }
    }

    pub fn side_out(&self, side: usize) -> usize {
        self.window.side_out(side)
    }

    /// For each output row (or column), the taps that land inside the input and where
    /// ([`Window::taps`]), listed once for a whole pass.
    fn along(&self, side: usize) -> Vec<Vec<(usize, usize)>> {
        (0..self.side_out(side))
            .map(|o| self.window.taps(o, side).collect())
            .collect()
    }

    /// `images` photos `[3, side, side]` in [0, 1] → `[side_out², 32]` each, after ReLU6.
    pub fn forward(&self, x: &[f32], images: usize, side: usize, spare: &Spare) -> Vec<f32> {
        let (k, out_side) = (self.window.kernel, self.side_out(side));
        let width = self.channels_in * k * k;
        // Each output pixel's row of taps, channel-major; padding is zeros of the scaled input,
        // as Burn's and TensorFlow's convolutions pad.
        let mut cols = spare.take(images * out_side * out_side * width);
        let along = self.along(side);
        by_parts(&mut cols, width, |first, part| {
            for (row, taps) in (first..).zip(part.chunks_exact_mut(width)) {
                let (image, oy, ox) = (
                    row / out_side.pow(2),
                    row / out_side % out_side,
                    row % out_side,
                );
                let photo = &x[image * self.channels_in * side * side..];
                taps.fill(0.0);
                for c in 0..self.channels_in {
                    let plane = &photo[c * side * side..][..side * side];
                    for &(ty, iy) in &along[oy] {
                        for &(tx, ix) in &along[ox] {
                            taps[(c * k + ty) * k + tx] = plane[iy * side + ix] * SCALE - SHIFT;
                        }
                    }
                }
            }
        });
        let out = self
            .taps
            .forward(&cols, images * out_side * out_side, Exit::Relu6, spare);
        spare.keep(cols);
        out
    }

    /// The gradient in the photos' pixels of the gradient `grad` in the convolution's output
    /// (before ReLU6).
    pub fn backward(&self, grad: &[f32], images: usize, side: usize, spare: &Spare) -> Vec<f32> {
        let (k, out_side) = (self.window.kernel, self.side_out(side));
        let width = self.channels_in * k * k;
        let cols = self
            .taps
            .backward(grad, images * out_side * out_side, Exit::Plain, spare);
        let mut out = spare.take(images * self.channels_in * side * side);
        let along = self.along(side);
        // Each plane (image, channel) adds back its taps' gradients from every output pixel: the
        // planes are shared between the cores, a pixel's sum in the same order in any of them.
        by_parts(&mut out, side * side, |first, part| {
            for (plane, pixels) in (first..).zip(part.chunks_exact_mut(side * side)) {
                let (image, c) = (plane / self.channels_in, plane % self.channels_in);
                pixels.fill(0.0);
                for oy in 0..out_side {
                    for ox in 0..out_side {
                        let at = ((image * out_side + oy) * out_side + ox) * width + c * k * k;
                        let taps = &cols[at..][..k * k];
                        for &(ty, iy) in &along[oy] {
                            for &(tx, ix) in &along[ox] {
                                pixels[iy * side + ix] += taps[ty * k + tx] * SCALE;
                            }
                        }
                    }
                }
            }
        });
        spare.keep(cols);
        out
    }
}
