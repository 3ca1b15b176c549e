//! A depthwise k×k convolution on channels-last maps, with TensorFlow's "SAME" padding: each
//! output pixel a sum of k² rows of channels, each multiplied by its tap's weights (loops the
//! compiler vectorises over channels, 32 at a time in registers, with FMA natively where the CPU
//! has it), ReLU6 applied on the way out; its input gradient gathers the same products back, with
//! the mask of the ReLU6 before the layer applied on the way out.

use super::simd::{self, Kernel, Madd};
use super::spare::Spare;
use super::window::Window;
use super::{Exit, bias, by_parts, values};

/// Channels summed together in registers.
const LANES: usize = 8;
/// Blocks of eight channels summed side by side where the width allows.
const BLOCKS: usize = 4;
/// The most taps of a kernel here (5×5).
const MOST_TAPS: usize = 25;
use burn::nn::conv::Conv2d;

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
        self.gather(out, x, side, to, bias, Exit::Relu6, |o| {
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
        self.gather(out, grad, self.side_out(side), side, None, exit, |i| {
            self.window.readers(i, side)
        })
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
                along: &along,
            })
        });
        out
    }

    /// `out[at + c] = start[c] + Σ_(tap, pixel) weight[tap][c] · maps[pixel][c]`, eight channels
    /// at a time (every width here is a multiple of 8), held in registers across the taps; then
    /// `exit`.
    #[inline(always)]
    fn sum_taps<M: Madd>(
        &self,
        out: &mut [f32],
        at: usize,
        start: Option<&[f32]>,
        exit: Exit,
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
        let mut channel = 0;
        while channel + BLOCKS * LANES <= c {
            self.sum_blocks::<M, BLOCKS>(out, at, channel, start, exit, list, maps);
            channel += BLOCKS * LANES;
        }
        while channel < c {
            self.sum_blocks::<M, 1>(out, at, channel, start, exit, list, maps);
            channel += LANES;
        }
    }

    /// [`Depthwise::sum_taps`] for channels `channel..channel + B·8`: B blocks of eight summed
    /// side by side, so that each tap's multiply-adds are B independent chains, not one long one.
    #[allow(clippy::too_many_arguments)] // one call site, inlined: a struct would only rename them
    #[allow(clippy::needless_range_loop)] // indices, as iterators or `from_fn` vectorised worse
    #[inline(always)]
    fn sum_blocks<M: Madd, const B: usize>(
        &self,
        out: &mut [f32],
        at: usize,
        channel: usize,
        start: Option<&[f32]>,
        exit: Exit,
        list: &[(usize, usize)],
        maps: &[f32],
    ) {
        let mut acc = [[0.0f32; LANES]; B];
        if let Some(start) = start {
            acc = std::array::from_fn(|b| {
                (start[channel + b * LANES..][..LANES].try_into()).expect("eight channels")
            });
        }
        for &(w, v) in list {
            let w = &self.weight[w + channel..][..B * LANES];
            let v = &maps[v + channel..][..B * LANES];
            for b in 0..B {
                for l in 0..LANES {
                    let i = b * LANES + l;
                    acc[b][l] = M::madd(w[i], v[i], acc[b][l]);
                }
            }
        }
        // By value: borrowing `acc` here kept it in memory, one scalar multiply-add at a time.
        for (b, acc) in acc.into_iter().enumerate() {
            let at = at + channel + b * LANES;
            out[at..][..LANES].copy_from_slice(&exit.apply(acc, at));
        }
    }
}

/// For maps `src` (`[from, from, channels]` each), rows of the maps `[to, to, channels]` whose
/// pixel (y, x) is `start` plus the sum of each tap's weights times the source pixel, over the
/// (tap, source row) pairs `along(y)` × `along(x)`: the taps a pixel reads (forward) or the
/// outputs that read it (backward); then `exit`. It fills `out`, the output's rows (one image's
/// y each) from `first_row` on. A [`Kernel`], so that natively it runs with FMA.
struct Gather<'a, A> {
    layer: &'a Depthwise,
    src: &'a [f32],
    from: usize,
    to: usize,
    first_row: usize,
    out: &'a mut [f32],
    start: Option<&'a [f32]>,
    exit: Exit<'a>,
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
            along,
        } = self;
        let c = layer.channels;
        let rows = out.len() / (to * c);
        for row in first_row..first_row + rows {
            let (image, y) = (row / to, row % to);
            let src = &src[image * from * from * c..][..from * from * c];
            for x in 0..to {
                let pairs = along(y).flat_map(|(ty, sy)| {
                    along(x).map(move |(tx, sx)| (ty * layer.window.kernel + tx, sy * from + sx))
                });
                let at = ((row - first_row) * to + x) * c;
                layer.sum_taps::<M>(out, at, start, exit, pairs, src);
            }
        }
    }
}
