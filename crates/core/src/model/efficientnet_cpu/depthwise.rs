//! A depthwise k×k convolution on channels-last maps, with TensorFlow's "SAME" padding: each
//! output pixel a sum of k² rows of channels, each multiplied by its tap's weights (a loop the
//! compiler vectorises over channels); its input gradient scatters the same products back.

use super::{bias, relu6, values};

/// Channels summed together in registers.
const LANES: usize = 8;
/// The most taps of a kernel here (5×5).
const MOST_TAPS: usize = 25;
use burn::nn::conv::Conv2d;

#[derive(Debug)]
pub struct Depthwise {
    /// `[k·k, channels]`: each tap's weight for every channel.
    weight: Vec<f32>,
    bias: Vec<f32>,
    channels: usize,
    kernel: usize,
    stride: usize,
}

impl Depthwise {
    pub fn from_conv(conv: &Conv2d) -> Self {
        let [channels, _, kernel, _] = conv.weight.dims();
        let w = values(conv.weight.val());
        assert_eq!(channels % LANES, 0, "depthwise channels come in eights");
        assert!(
            kernel * kernel <= MOST_TAPS,
            "a depthwise kernel of at most 5×5"
        );
        let taps = kernel * kernel;
        let mut weight = vec![0.0; taps * channels];
        for c in 0..channels {
            for t in 0..taps {
                weight[t * channels + c] = w[c * taps + t];
            }
        }
        Depthwise {
            weight,
            bias: bias(&conv.bias, channels),
            channels,
            kernel,
            stride: conv.stride[0],
        }
    }

    /// The output side for an input side: ⌈side / stride⌉.
    pub fn side_out(&self, side: usize) -> usize {
        side.div_ceil(self.stride)
    }

    /// Padding before the first row and column: TensorFlow puts the odd one after.
    fn pad(&self, side: usize) -> usize {
        let total = ((self.side_out(side) - 1) * self.stride + self.kernel).saturating_sub(side);
        total / 2
    }

    /// For output row (or column) `o`, the taps `t` that land inside the input and where.
    fn taps(&self, o: usize, side: usize) -> impl Iterator<Item = (usize, usize)> + Clone {
        let start = (o * self.stride) as isize - self.pad(side) as isize;
        (0..self.kernel).filter_map(move |t| {
            let i = start + t as isize;
            (i >= 0 && (i as usize) < side).then_some((t, i as usize))
        })
    }

    /// For input row (or column) `i`, the taps `t` that read it and from which output row.
    fn readers(&self, i: usize, side: usize) -> impl Iterator<Item = (usize, usize)> + Clone {
        let (stride, out_side) = (self.stride as isize, self.side_out(side) as isize);
        let shifted = i as isize + self.pad(side) as isize;
        (0..self.kernel).filter_map(move |t| {
            let o = shifted - t as isize;
            (o >= 0 && o % stride == 0 && o / stride < out_side)
                .then_some((t, (o / stride) as usize))
        })
    }

    /// `images` maps `[side, side, channels]` → `[side_out, side_out, channels]`, then ReLU6.
    pub fn forward(&self, x: &[f32], images: usize, side: usize) -> Vec<f32> {
        let mut out = self.gather(
            x,
            side,
            self.side_out(side),
            images,
            Some(&self.bias),
            |o| self.taps(o, side),
        );
        relu6(&mut out);
        out
    }

    /// The input gradient of the convolution (before ReLU6): `[side_out², channels]` per image
    /// → `[side², channels]`, each input pixel gathering from the outputs that read it.
    pub fn backward(&self, grad: &[f32], images: usize, side: usize) -> Vec<f32> {
        self.gather(grad, self.side_out(side), side, images, None, |i| {
            self.readers(i, side)
        })
    }

    /// For each of `images` maps `src` (`[from, from, channels]`), the map `[to, to, channels]`
    /// whose pixel (y, x) is `start` plus the sum of each tap's weights times the source pixel,
    /// over the (tap, source row) pairs `along(y)` × `along(x)`: the taps a pixel reads
    /// (forward) or the outputs that read it (backward).
    fn gather<I: Iterator<Item = (usize, usize)> + Clone>(
        &self,
        src: &[f32],
        from: usize,
        to: usize,
        images: usize,
        start: Option<&[f32]>,
        along: impl Fn(usize) -> I,
    ) -> Vec<f32> {
        let c = self.channels;
        let mut out = vec![0.0; images * to * to * c];
        for (src, out) in src
            .chunks_exact(from * from * c)
            .zip(out.chunks_exact_mut(to * to * c))
        {
            for y in 0..to {
                for x in 0..to {
                    let pairs = along(y).flat_map(|(ty, sy)| {
                        along(x).map(move |(tx, sx)| (ty * self.kernel + tx, sy * from + sx))
                    });
                    self.sum_taps(&mut out[(y * to + x) * c..][..c], start, pairs, src);
                }
            }
        }
        out
    }

    /// `out[c] = start[c] + Σ_(tap, pixel) weight[tap][c] · maps[pixel][c]`, eight channels at a
    /// time held in registers across the taps (every width here is a multiple of 8).
    fn sum_taps(
        &self,
        out: &mut [f32],
        start: Option<&[f32]>,
        taps: impl Iterator<Item = (usize, usize)>,
        maps: &[f32],
    ) {
        let c = self.channels;
        // The taps' offsets into the weights and the maps, listed once for every block.
        let mut list = [(0, 0); MOST_TAPS];
        let mut n = 0;
        for (tap, pixel) in taps {
            list[n] = (tap * c, pixel * c);
            n += 1;
        }
        let list = &list[..n];
        for (block, o) in out.chunks_exact_mut(LANES).enumerate() {
            let at = block * LANES;
            let mut acc = [0.0f32; LANES];
            if let Some(start) = start {
                acc.copy_from_slice(&start[at..at + LANES]);
            }
            for &(w, v) in list {
                let w = &self.weight[w + at..][..LANES];
                let v = &maps[v + at..][..LANES];
                for l in 0..LANES {
                    acc[l] += w[l] * v[l];
                }
            }
            o.copy_from_slice(&acc);
        }
    }
}
