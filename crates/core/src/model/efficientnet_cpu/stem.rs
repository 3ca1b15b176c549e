//! The stem: the input scaling (255·x − 127)/128 and a 3×3 stride-2 convolution of the
//! channels-first photo to 32 channels-last maps, as a matrix product over its 27 taps
//! (im2col); its input gradient scatters the taps' gradients back to the pixels.

use super::pointwise::Pointwise;
use super::spare::Spare;
use super::{Exit, bias, values};
use burn::nn::conv::Conv2d;

/// The TensorFlow Lite models' input scaling: (255·x − 127) / 128.
const SCALE: f32 = 255.0 / 128.0;
const SHIFT: f32 = 127.0 / 128.0;

#[derive(Debug)]
pub struct Stem {
    /// `[3·k·k, 32]`: the convolution as a matrix over its taps, channel-major.
    taps: Pointwise,
    kernel: usize,
    stride: usize,
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
            kernel,
            stride: conv.stride[0],
            channels_in,
        }
    }

    pub fn side_out(&self, side: usize) -> usize {
        side.div_ceil(self.stride)
    }

    fn pad(&self, side: usize) -> usize {
        ((self.side_out(side) - 1) * self.stride + self.kernel).saturating_sub(side) / 2
    }

    /// For each output position and tap, the input's index in one image, if inside it.
    fn each_tap(&self, side: usize, mut f: impl FnMut(usize, Option<usize>)) {
        let (k, out_side, pad) = (self.kernel, self.side_out(side), self.pad(side) as isize);
        let mut col = 0;
        for oy in 0..out_side {
            for ox in 0..out_side {
                for c in 0..self.channels_in {
                    for ky in 0..k {
                        let iy = (oy * self.stride + ky) as isize - pad;
                        for kx in 0..k {
                            let ix = (ox * self.stride + kx) as isize - pad;
                            let inside =
                                iy >= 0 && ix >= 0 && (iy as usize) < side && (ix as usize) < side;
                            f(
                                col,
                                inside.then(|| (c * side + iy as usize) * side + ix as usize),
                            );
                            col += 1;
                        }
                    }
                }
            }
        }
    }

    /// `images` photos `[3, side, side]` in [0, 1] → `[side_out², 32]` each, after ReLU6.
    pub fn forward(&self, x: &[f32], images: usize, side: usize, spare: &Spare) -> Vec<f32> {
        let per_image = self.channels_in * side * side;
        let rows = images * self.side_out(side).pow(2);
        let mut cols = spare.take(rows * self.channels_in * self.kernel.pow(2));
        cols.clear();
        for photo in x.chunks_exact(per_image).take(images) {
            // Padding is zeros of the scaled input, as Burn's and TensorFlow's convolutions pad.
            self.each_tap(side, |_, at| {
                cols.push(at.map_or(0.0, |i| photo[i] * SCALE - SHIFT))
            });
        }
        let out = self.taps.forward(&cols, rows, Exit::Relu6, spare);
        spare.keep(cols);
        out
    }

    /// The gradient in the photos' pixels of the gradient `grad` in the convolution's output
    /// (before ReLU6).
    pub fn backward(&self, grad: &[f32], images: usize, side: usize, spare: &Spare) -> Vec<f32> {
        let per_image = self.channels_in * side * side;
        let rows = images * self.side_out(side).pow(2);
        let cols = self.taps.backward(grad, rows, Exit::Plain, spare);
        let per_cols = cols.len() / images;
        let mut out = spare.zeros(images * per_image);
        for (photo, cols) in out
            .chunks_exact_mut(per_image)
            .zip(cols.chunks_exact(per_cols))
        {
            self.each_tap(side, |col, at| {
                if let Some(i) = at {
                    photo[i] += cols[col] * SCALE;
                }
            });
        }
        spare.keep(cols);
        out
    }
}
