//! A depthwise k×k convolution on channels-last maps, with TensorFlow's "SAME" padding: each
//! output pixel a sum of k² rows of channels, each multiplied by its tap's weights (loops the
//! compiler vectorises over channels, held in registers for a few neighbouring pixels at once,
//! with FMA natively where the CPU has it), ReLU6 applied on the way out; its input gradient
//! gathers the same products back, with the mask of the ReLU6 before the layer applied on the
//! way out.

use super::simd::{self, Kernel, Madd};
use super::spare::Spare;
use super::window::Window;
use super::{Exit, bias, by_parts, values};

use burn::nn::conv::Conv2d;

/// Channels summed together in registers.
const LANES: usize = 8;
/// Blocks of eight channels summed side by side for a lone pixel (at the edges), where the width
/// allows.
const BLOCKS: usize = 4;
/// Output pixels summed side by side where they read the same taps (away from the edges), each
/// tap's weights loaded once for all of them, and blocks of eight channels for each: natively 3 ×
/// 2 sums of eight, in wasm (whose SIMD holds four) 2 × 2; more spilled out of the sixteen
/// registers (the depthwise layers' forward pass 27% faster natively; BENCHMARKS.md, "ImageNet
/// speed").
#[cfg(not(target_arch = "wasm32"))]
const PIXELS: usize = 3;
#[cfg(target_arch = "wasm32")]
const PIXELS: usize = 2;
const PIXEL_BLOCKS: usize = 2;
/// The most taps of a kernel here (5×5), and along one side.
const MOST_TAPS: usize = 25;
const MOST_SIDE_TAPS: usize = 5;

#[derive(Debug)]
pub struct Depthwise {
    /// `[k·k, channels]`: each tap's weight for every channel.
    weight: Vec<f32>,
    bias: Vec<f32>,
    channels: usize,
    window: Window,
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
            window: Window {
                kernel,
                stride: conv.stride[0],
            },
        }
    }

    /// The output side for an input side: ⌈side / stride⌉.
    pub fn side_out(&self, side: usize) -> usize {
        self.window.side_out(side)
    }

    /// `images` maps `[side, side, channels]` → `[side_out, side_out, channels]`, then ReLU6.
    pub fn forward(&self, x: &[f32], images: usize, side: usize, spare: &Spare) -> Vec<f32> {
        let to = self.side_out(side);
        let out = spare.take(images * to * to * self.channels);
        let bias = Some(&self.bias[..]);
        self.gather(out, x, side, to, bias, Exit::Relu6, true, |o| {
            self.window.taps(o, side)
        })
    }

    /// The input gradient of the convolution (before ReLU6): `[side_out², channels]` per image
    /// → `[side², channels]`, each input pixel gathering from the outputs that read it; then
    /// `exit` (the ReLU6 before the layer, if any).
    pub fn backward(
        &self,
        grad: &[f32],
        images: usize,
        side: usize,
        exit: Exit,
        spare: &Spare,
    ) -> Vec<f32> {
        let out = spare.take(images * side * side * self.channels);
        // Strided, neighbours are read by different taps; input pixels a stride apart taken
        // together were slower than one at a time, though they read the same taps.
        let grouped = self.window.stride == 1;
        self.gather(
            out,
            grad,
            self.side_out(side),
            side,
            None,
            exit,
            grouped,
            |i| self.window.readers(i, side),
        )
    }

    /// [`Gather`] into `out` (every value overwritten), its rows shared between the cores
    /// ([`by_parts`]).
    #[allow(clippy::too_many_arguments)] // Gather's fields, with the whole output for the part
    fn gather<A, I>(
        &self,
        mut out: Vec<f32>,
        src: &[f32],
        from: usize,
        to: usize,
        start: Option<&[f32]>,
        exit: Exit,
        grouped: bool,
        along: A,
    ) -> Vec<f32>
    where
        A: Fn(usize) -> I + Sync,
        I: Iterator<Item = (usize, usize)> + Clone,
    {
        by_parts(&mut out, to * self.channels, |first_row, out| {
            simd::run(Gather {
                layer: self,
                src,
                from,
                to,
                first_row,
                exit: exit.from(first_row * to * self.channels),
                out,
                start,
                grouped,
                along: &along,
            })
        });
        out
    }

    /// For `P` output pixels at once, `out[at[p] + c] = start[c] + Σ_(tap, pixel)
    /// weight[tap][c] · maps[pixel + shift[p]][c]` over the (tap offset, map offset) pairs
    /// `list`, eight channels at a time (every width here is a multiple of 8), held in registers
    /// across the taps; then `exit`.
    #[allow(clippy::too_many_arguments)] // one call site each, inlined
    #[inline(always)]
    fn sum_taps<M: Madd, const P: usize, const B: usize>(
        &self,
        out: &mut [f32],
        at: [usize; P],
        shift: [usize; P],
        start: Option<&[f32]>,
        exit: Exit,
        list: &[(usize, usize)],
        maps: &[f32],
    ) {
        let c = self.channels;
        let mut channel = 0;
        while channel + B * LANES <= c {
            self.sum_blocks::<M, P, B>(out, at, shift, channel, start, exit, list, maps);
            channel += B * LANES;
        }
        while channel < c {
            self.sum_blocks::<M, P, 1>(out, at, shift, channel, start, exit, list, maps);
            channel += LANES;
        }
    }

    /// [`Depthwise::sum_taps`] for channels `channel..channel + B·8`: B blocks of eight for each
    /// of the P pixels summed side by side, so that each tap's multiply-adds are P·B independent
    /// chains, not one long one, and its weights are loaded once for the P pixels.
    #[allow(clippy::too_many_arguments)] // one call site, inlined: a struct would only rename them
    #[allow(clippy::needless_range_loop)] // indices, as iterators or `from_fn` vectorised worse
    #[inline(always)]
    fn sum_blocks<M: Madd, const P: usize, const B: usize>(
        &self,
        out: &mut [f32],
        at: [usize; P],
        shift: [usize; P],
        channel: usize,
        start: Option<&[f32]>,
        exit: Exit,
        list: &[(usize, usize)],
        maps: &[f32],
    ) {
        let mut acc = [[[0.0f32; LANES]; B]; P];
        if let Some(start) = start {
            let first: [[f32; LANES]; B] = std::array::from_fn(|b| {
                (start[channel + b * LANES..][..LANES].try_into()).expect("eight channels")
            });
            acc = [first; P];
        }
        for &(w, v) in list {
            let w = &self.weight[w + channel..][..B * LANES];
            for p in 0..P {
                let v = &maps[v + shift[p] + channel..][..B * LANES];
                for b in 0..B {
                    for l in 0..LANES {
                        let i = b * LANES + l;
                        acc[p][b][l] = M::madd(w[i], v[i], acc[p][b][l]);
                    }
                }
            }
        }
        // By value: borrowing `acc` here kept it in memory, one scalar multiply-add at a time.
        for (p, acc) in acc.into_iter().enumerate() {
            for (b, acc) in acc.into_iter().enumerate() {
                let at = at[p] + channel + b * LANES;
                out[at..][..LANES].copy_from_slice(&exit.apply(acc, at));
            }
        }
    }
}

/// The (tap, source) pairs one pixel reads along a side, in tap order.
#[derive(Clone, Copy)]
struct Side {
    pairs: [(usize, usize); MOST_SIDE_TAPS],
    n: usize,
}

impl Side {
    fn new(along: impl Iterator<Item = (usize, usize)>) -> Self {
        let mut side = Side {
            pairs: [(0, 0); MOST_SIDE_TAPS],
            n: 0,
        };
        for pair in along {
            side.pairs[side.n] = pair;
            side.n += 1;
        }
        side
    }

    fn pairs(&self) -> &[(usize, usize)] {
        &self.pairs[..self.n]
    }

    /// Whether it reads the same taps as `other`: its sources are then `other`'s, all shifted
    /// by the same amount.
    fn taps_as(&self, other: &Side) -> bool {
        self.n == other.n && (self.pairs().iter().zip(other.pairs())).all(|(a, b)| a.0 == b.0)
    }

    fn first_source(&self) -> usize {
        self.pairs[0].1
    }
}

/// For maps `src` (`[from, from, channels]` each), rows of the maps `[to, to, channels]` whose
/// pixel (y, x) is `start` plus the sum of each tap's weights times the source pixel, over the
/// (tap, source row) pairs `along(y)` × `along(x)`: the taps a pixel reads (forward) or the
/// outputs that read it (backward); then `exit`. It fills `out`, the output's rows (one image's
/// y each) from `first_row` on. Where `grouped`, neighbours that read the same taps (away from
/// the edges) are summed [`PIXELS`] at a time. A [`Kernel`], so that natively it runs with FMA.
struct Gather<'a, A> {
    layer: &'a Depthwise,
    src: &'a [f32],
    from: usize,
    to: usize,
    first_row: usize,
    out: &'a mut [f32],
    start: Option<&'a [f32]>,
    exit: Exit<'a>,
    grouped: bool,
    along: &'a A,
}

impl<A, I> Kernel for Gather<'_, A>
where
    A: Fn(usize) -> I,
    I: Iterator<Item = (usize, usize)> + Clone,
{
    type Out = ();

    #[inline(always)]
    fn run<M: Madd>(self) {
        let Gather {
            layer,
            src,
            from,
            to,
            first_row,
            out,
            start,
            exit,
            grouped,
            along,
        } = self;
        let (c, k) = (layer.channels, layer.window.kernel);
        let rows = out.len() / (to * c);
        let sides: Vec<Side> = (0..to).map(|x| Side::new(along(x))).collect();
        // The (weight, map) offsets of a pixel's taps: a group's first pixel's, the others'
        // shifted.
        let mut list = [(0, 0); MOST_TAPS];
        for row in first_row..first_row + rows {
            let (image, y) = (row / to, row % to);
            let src = &src[image * from * from * c..][..from * from * c];
            let ys = Side::new(along(y));
            let list_for = |list: &mut [(usize, usize); MOST_TAPS], x: usize| {
                let mut n = 0;
                for &(ty, sy) in ys.pairs() {
                    for &(tx, sx) in sides[x].pairs() {
                        list[n] = ((ty * k + tx) * c, (sy * from + sx) * c);
                        n += 1;
                    }
                }
                n
            };
            let at = |x: usize| ((row - first_row) * to + x) * c;
            let mut x = 0;
            while x < to {
                let group: [usize; PIXELS] = std::array::from_fn(|p| x + p);
                let same = |g: &usize| *g < to && sides[*g].taps_as(&sides[x]);
                let n = list_for(&mut list, x);
                if grouped && group.iter().all(same) {
                    let first = sides[x].first_source();
                    let shift = group.map(|g| (sides[g].first_source() - first) * c);
                    layer.sum_taps::<M, PIXELS, PIXEL_BLOCKS>(
                        out,
                        group.map(at),
                        shift,
                        start,
                        exit,
                        &list[..n],
                        src,
                    );
                    x += PIXELS;
                } else {
                    let (at, list) = ([at(x)], &list[..n]);
                    layer.sum_taps::<M, 1, BLOCKS>(out, at, [0], start, exit, list, src);
                    x += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` made-up values spread over `low..=high`, in another order for each `salt`.
    fn values(n: usize, salt: usize, low: f32, high: f32) -> Vec<f32> {
        (0..n)
            .map(|i| ((i * 7919 + salt * 104_729) % 23) as f32 / 22.0)
            .map(|u| low + u * (high - low))
            .collect()
    }

    #[test]
    fn neighbours_summed_together_give_the_bits_of_one_pixel_at_a_time() {
        let spare = Spare::new();
        let images = 2;
        // (side, channels, kernel, stride): stride 1 and 2, 3×3 and 5×5, channels in blocks of
        // 16 and a lone 8, and sides where the edges leave 0, 1 or several groups.
        for (side, channels, kernel, stride) in [
            (12, 32, 3, 1),
            (7, 24, 5, 1),
            (7, 48, 3, 1),
            (14, 40, 5, 2),
            (9, 16, 3, 2),
        ] {
            let layer = Depthwise {
                // Centred, so that most sums land between ReLU6's bends, the interior's too.
                weight: values(kernel * kernel * channels, 1, -0.3, 0.3),
                bias: values(channels, 2, -0.5, 0.5),
                channels,
                window: Window { kernel, stride },
            };
            let to = layer.side_out(side);
            let x = values(images * side * side * channels, 3, -1.0, 7.0);
            let g = values(images * to * to * channels, 4, -1.0, 1.0);
            let bias = Some(&layer.bias[..]);
            let forward = |grouped| {
                let out = spare.take(images * to * to * channels);
                layer.gather(out, &x, side, to, bias, Exit::Relu6, grouped, |o| {
                    layer.window.taps(o, side)
                })
            };
            let backward = |grouped| {
                let out = spare.take(images * side * side * channels);
                let through = Exit::Through(&x);
                layer.gather(out, &g, to, side, None, through, grouped, |i| {
                    layer.window.readers(i, side)
                })
            };
            let shape = (side, channels, kernel, stride);
            assert_eq!(forward(true), forward(false), "forward, {shape:?}");
            assert_eq!(backward(true), backward(false), "backward, {shape:?}");
            // Many sums between ReLU6's bends, where a wrong tap shows.
            let inside = forward(true)
                .iter()
                .filter(|&&v| v > 0.0 && v < 6.0)
                .count();
            assert!(
                inside * 3 > images * to * to * channels,
                "{shape:?}: {inside}"
            );
        }
    }
}
