//! EfficientNet-Lite0 on the CPU with its own kernels: the same network as
//! [`super::efficientnet`] (built from its loaded weights), on channels-last maps, with a
//! forward pass that keeps what its input gradient needs (a [`Tape`]) and that gradient written
//! out layer by layer. Burn's generic path spends most of a gradient on layout changes, masks
//! and a depthwise transposed convolution; this one is a few matrix products and loops
//! (BENCHMARKS.md, "ImageNet speed"). Checked against Burn's autodiff and the numpy reference
//! (`tests/imagenet.rs`).

mod depthwise;
mod pointwise;
mod simd;
mod stem;

use super::efficientnet::{EfficientNetLite0, SIDE};
use depthwise::Depthwise;
use pointwise::Pointwise;
use stem::Stem;

/// A weight tensor's values, row-major.
fn values<const D: usize>(t: burn::prelude::Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().expect("f32 weights")
}

/// A layer's bias, or zeros.
fn bias(bias: &Option<burn::module::Param<burn::prelude::Tensor<1>>>, outputs: usize) -> Vec<f32> {
    bias.as_ref()
        .map(|b| values(b.val()))
        .unwrap_or_else(|| vec![0.0; outputs])
}

/// ReLU6. Written as comparisons and selects, which wasm's SIMD (pmin/pmax) and x86's
/// vectorise; `f32::clamp`'s NaN rules kept it scalar in the browser.
#[inline(always)]
fn relu6(v: f32) -> f32 {
    let low = if v < 0.0 { 0.0 } else { v };
    if low > 6.0 { 6.0 } else { low }
}

/// A gradient through ReLU6, given its output `y`: kept where ReLU6 had slope 1, zero where it
/// was flat (its output 0 or 6); a select, not a branch, so that it vectorises.
#[inline(always)]
fn through_relu6(grad: f32, y: f32) -> f32 {
    if y > 0.0 && y < 6.0 { grad } else { 0.0 }
}

/// [`through_relu6`] over a whole gradient, in place.
fn mask_through_relu6(grad: &mut [f32], out: &[f32]) {
    for (g, &y) in grad.iter_mut().zip(out) {
        *g = through_relu6(*g, y);
    }
}

/// What the depthwise kernel does to each sum on its way out of its registers, so that no pass
/// over the result follows it.
#[derive(Clone, Copy)]
enum Exit<'a> {
    /// Nothing: a gradient with no ReLU6 before the layer.
    Plain,
    /// ReLU6: the forward pass's activation.
    Relu6,
    /// A gradient passing back through the ReLU6 before the layer, given that ReLU6's outputs,
    /// laid out as the result.
    Through(&'a [f32]),
}

impl Exit<'_> {
    /// `sums`, the result's values from index `at`, on their way out.
    #[inline(always)]
    fn apply<const C: usize>(self, sums: [f32; C], at: usize) -> [f32; C] {
        match self {
            Exit::Plain => sums,
            Exit::Relu6 => sums.map(relu6),
            Exit::Through(outputs) => {
                let y: &[f32; C] = outputs[at..][..C].try_into().expect("C values");
                std::array::from_fn(|i| through_relu6(sums[i], y[i]))
            }
        }
    }
}

/// Every product on one thread: one photo's products are too thin for the `gemm` crate to
/// share well (natively its two threads made a forward pass slower, BENCHMARKS.md), so the
/// cores go to several photos at once instead ([`Kernels::forward`]: a photo's L-BFGS lanes);
/// in a browser the pool's workers are the parallelism.
const ONE_THREAD: gemm::Parallelism = gemm::Parallelism::None;

#[derive(Debug)]
struct Block {
    expand: Option<Pointwise>,
    depthwise: Depthwise,
    project: Pointwise,
    skip: bool,
}

/// EfficientNet-Lite0's weights laid out for these kernels.
#[derive(Debug)]
pub struct Kernels {
    stem: Stem,
    blocks: Vec<Block>,
    head: Pointwise,
    fc: Pointwise,
}

/// What one block's gradient needs of its forward pass: its input's side, its ReLU6 outputs.
struct BlockTape {
    side: usize,
    expanded: Option<Vec<f32>>,
    depthwise: Vec<f32>,
}

/// A forward pass's ReLU6 outputs, for [`Kernels::pullback`]: one pass of the whole batch, or
/// one per photo where they ran side by side.
pub struct Tape(Vec<Pass>);

/// One pass's ReLU6 outputs.
struct Pass {
    images: usize,
    stem: Vec<f32>,
    blocks: Vec<BlockTape>,
    head: Vec<f32>,
}

impl Kernels {
    pub fn new(model: &EfficientNetLite0) -> Self {
        Kernels {
            stem: Stem::from_conv(&model.stem),
            blocks: model
                .blocks
                .iter()
                .map(|b| Block {
                    expand: b.expand.as_ref().map(Pointwise::from_conv),
                    depthwise: Depthwise::from_conv(&b.depthwise),
                    project: Pointwise::from_conv(&b.project),
                    skip: b.has_skip(),
                })
                .collect(),
            head: Pointwise::from_conv(&model.head),
            fc: Pointwise::from_linear(&model.fc),
        }
    }

    /// `images` photos (`[3, 224, 224]` each, in [0, 1]) → their logits (`[images, 1000]`) and
    /// the tape their input gradient needs. Natively, several photos run side by side, one a
    /// core (a photo's L-BFGS lanes): one photo's products share the cores badly.
    pub fn forward(&self, x: &[f32], images: usize) -> (Vec<f32>, Tape) {
        #[cfg(not(target_arch = "wasm32"))]
        if images > 1 && rayon::current_num_threads() > 1 {
            use rayon::prelude::*;
            let passes: Vec<(Vec<f32>, Pass)> = x
                .par_chunks(x.len() / images)
                .map(|x| self.pass(x, 1))
                .collect();
            let (logits, passes): (Vec<Vec<f32>>, Vec<Pass>) = passes.into_iter().unzip();
            return (logits.concat(), Tape(passes));
        }
        let (logits, pass) = self.pass(x, images);
        (logits, Tape(vec![pass]))
    }

    /// The gradient in the photos' pixels of Σ grad · logits (`grad`: `[images, 1000]`).
    pub fn pullback(&self, tape: &Tape, grad: &[f32]) -> Vec<f32> {
        #[cfg(not(target_arch = "wasm32"))]
        if tape.0.len() > 1 {
            use rayon::prelude::*;
            let each = grad.len() / tape.0.len();
            let grads: Vec<Vec<f32>> = (tape.0.par_iter())
                .zip(grad.par_chunks(each))
                .map(|(pass, grad)| self.pass_back(pass, grad))
                .collect();
            return grads.concat();
        }
        self.pass_back(&tape.0[0], grad)
    }

    /// One forward pass of the whole batch.
    fn pass(&self, x: &[f32], images: usize) -> (Vec<f32>, Pass) {
        let stem = self.stem.forward(x, images, SIDE);
        let mut side = self.stem.side_out(SIDE);
        let mut blocks = Vec::with_capacity(self.blocks.len());
        let mut h = stem.clone();
        for b in &self.blocks {
            let side_in = side;
            let rows = images * side * side;
            let expanded = b.expand.as_ref().map(|e| e.forward(&h, rows, true));
            let depthwise = b
                .depthwise
                .forward(expanded.as_deref().unwrap_or(&h), images, side);
            side = b.depthwise.side_out(side);
            let mut y = b.project.forward(&depthwise, images * side * side, false);
            if b.skip {
                for (y, x) in y.iter_mut().zip(&h) {
                    *y += x;
                }
            }
            blocks.push(BlockTape {
                side: side_in,
                expanded,
                depthwise,
            });
            h = y;
        }
        let positions = side * side;
        let head = self.head.forward(&h, images * positions, true);
        let width = self.head.outputs();
        let mut pooled = vec![0.0; images * width];
        for (p, maps) in pooled
            .chunks_exact_mut(width)
            .zip(head.chunks_exact(positions * width))
        {
            for row in maps.chunks_exact(width) {
                for (p, v) in p.iter_mut().zip(row) {
                    *p += v;
                }
            }
            for p in p.iter_mut() {
                *p /= positions as f32;
            }
        }
        let logits = self.fc.forward(&pooled, images, false);
        let pass = Pass {
            images,
            stem,
            blocks,
            head,
        };
        (logits, pass)
    }

    /// [`Kernels::pullback`] through one pass.
    fn pass_back(&self, tape: &Pass, grad: &[f32]) -> Vec<f32> {
        let images = tape.images;
        let pooled = self.fc.backward(grad, images);
        let width = self.head.outputs();
        let positions = tape.head.len() / (images * width);
        let mut g = Vec::with_capacity(tape.head.len());
        for p in pooled.chunks_exact(width) {
            for _ in 0..positions {
                g.extend(p.iter().map(|v| v / positions as f32));
            }
        }
        mask_through_relu6(&mut g, &tape.head);
        let mut g = self.head.backward(&g, images * positions);
        for (b, t) in self.blocks.iter().zip(&tape.blocks).rev() {
            let side_in = t.side;
            let side = b.depthwise.side_out(side_in);
            let mut d = b.project.backward(&g, images * side * side);
            mask_through_relu6(&mut d, &t.depthwise);
            let mut h = match (&b.expand, &t.expanded) {
                (Some(e), Some(out)) => {
                    let h = (b.depthwise).backward(&d, images, side_in, Exit::Through(out));
                    e.backward(&h, images * side_in * side_in)
                }
                _ => b.depthwise.backward(&d, images, side_in, Exit::Plain),
            };
            if b.skip {
                for (h, g) in h.iter_mut().zip(&g) {
                    *h += g;
                }
            }
            g = h;
        }
        mask_through_relu6(&mut g, &tape.stem);
        self.stem.backward(&g, images, SIDE)
    }
}
