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
mod spare;
mod stem;
mod window;

use super::efficientnet::{EfficientNetLite0, SIDE};
use depthwise::Depthwise;
use pointwise::Pointwise;
use spare::Spare;
use std::sync::Arc;
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

/// What a kernel does to each sum on its way out (the depthwise kernel while it is still in
/// registers, a 1×1 convolution in the same pass over its part as its bias), so that no pass over
/// the result follows it.
#[derive(Clone, Copy)]
enum Exit<'a> {
    /// Nothing.
    Plain,
    /// ReLU6: the forward pass's activation.
    Relu6,
    /// A skip connection: these values, laid out as the result, added.
    Add(&'a [f32]),
    /// A gradient passing back through a ReLU6, given that ReLU6's outputs, laid out as the
    /// result.
    Through(&'a [f32]),
}

impl<'a> Exit<'a> {
    /// The same exit for a part of the result that starts at its value `at`.
    fn from(self, at: usize) -> Exit<'a> {
        match self {
            Exit::Add(values) => Exit::Add(&values[at..]),
            Exit::Through(outputs) => Exit::Through(&outputs[at..]),
            exit => exit,
        }
    }

    /// `sums`, the result's values from index `at`, on their way out.
    #[inline(always)]
    fn apply<const C: usize>(self, sums: [f32; C], at: usize) -> [f32; C] {
        let along = |values: &[f32]| -> [f32; C] { values[at..][..C].try_into().expect("C") };
        match self {
            Exit::Plain => sums,
            Exit::Relu6 => sums.map(relu6),
            Exit::Add(values) => {
                let x = along(values);
                std::array::from_fn(|i| sums[i] + x[i])
            }
            Exit::Through(outputs) => {
                let y = along(outputs);
                std::array::from_fn(|i| through_relu6(sums[i], y[i]))
            }
        }
    }

    /// The exit over a whole part `out` (the result's values from the start this exit was
    /// taken [`from`](Exit::from)), rows of `bias.len()` values, the bias added first if any.
    fn finish(self, out: &mut [f32], bias: Option<&[f32]>) {
        if let (Exit::Relu6, Some(bias)) = (self, bias) {
            // The forward pass's usual exit, in one pass over the part.
            for row in out.chunks_exact_mut(bias.len()) {
                row.iter_mut()
                    .zip(bias)
                    .for_each(|(v, b)| *v = relu6(*v + b));
            }
            return;
        }
        if let Some(bias) = bias {
            for row in out.chunks_exact_mut(bias.len()) {
                row.iter_mut().zip(bias).for_each(|(v, b)| *v += b);
            }
        }
        match self {
            Exit::Plain => {}
            Exit::Relu6 => out.iter_mut().for_each(|v| *v = relu6(*v)),
            Exit::Add(values) => out.iter_mut().zip(values).for_each(|(v, x)| *v += x),
            Exit::Through(outputs) => {
                (out.iter_mut().zip(outputs)).for_each(|(g, &y)| *g = through_relu6(*g, y))
            }
        }
    }
}

/// Every `gemm` call on one thread: its own two threads made a forward pass slower
/// (BENCHMARKS.md); natively [`by_parts`] shares a layer's rows between the cores instead, and
/// in a browser the pool's workers are the parallelism.
const ONE_THREAD: gemm::Parallelism = gemm::Parallelism::None;

/// The fewest values a part of a layer's output gets when [`by_parts`] shares it between cores:
/// smaller parts cost more to hand over than they save.
#[cfg(not(target_arch = "wasm32"))]
const PART_VALUES: usize = 1024;

/// Runs `f` (a whole pass) natively with every other rayon thread kept awake for it, so that
/// the layers' [`by_parts`] find them ready: a layer's part takes 50–200 µs, about what waking
/// a sleeping thread took here, so parts handed to sleeping threads mostly ran on this one
/// (measured: BENCHMARKS.md, "ImageNet speed"). Each helper takes whatever work the pool has
/// (`rayon::yield_now`) until the pass ends; one that starts on the pass's own thread (popped
/// there while it waited) leaves at once, since the pass cannot end under it.
#[cfg(not(target_arch = "wasm32"))]
fn on_the_cores<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    use std::sync::atomic::{AtomicBool, Ordering};
    /// Ends the helpers' wait however the pass ends, a panic included.
    struct Done<'a>(&'a AtomicBool);
    impl Drop for Done<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Release);
        }
    }
    if rayon::current_num_threads() < 2 {
        return f(); // no helpers to keep awake, and no hop to another thread
    }
    let done = AtomicBool::new(false);
    rayon::scope(|scope| {
        let done = &done;
        let owner = rayon::current_thread_index();
        for _ in 1..rayon::current_num_threads() {
            scope.spawn(move |_| {
                while rayon::current_thread_index() != owner && !done.load(Ordering::Acquire) {
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        std::hint::spin_loop();
                    }
                }
            });
        }
        let _done = Done(done);
        f()
    })
}

#[cfg(target_arch = "wasm32")]
fn on_the_cores<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Calls `f(first_row, part)` on consecutive parts of `out`, rows of `width` values: natively
/// one part a rayon thread (each at least [`PART_VALUES`] values), run side by side; else the whole
/// of `out` as one part. Every kernel computes a row the same way whichever part holds it (the
/// `gemm` crate's blocking depends on the inner dimension only), so results do not depend on the
/// number of threads (`tests/imagenet.rs` checks it).
#[cfg(not(target_arch = "wasm32"))]
fn by_parts(out: &mut [f32], width: usize, f: impl Fn(usize, &mut [f32]) + Sync) {
    use rayon::prelude::*;
    let rows = out.len() / width;
    let parts = (rayon::current_num_threads())
        .min(out.len() / PART_VALUES)
        .min(rows);
    if parts < 2 {
        return f(0, out);
    }
    let per = rows.div_ceil(parts);
    out.par_chunks_mut(per * width)
        .enumerate()
        .for_each(|(i, part)| f(i * per, part));
}

#[cfg(target_arch = "wasm32")]
fn by_parts(out: &mut [f32], _width: usize, f: impl Fn(usize, &mut [f32])) {
    f(0, out)
}

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
    /// The passes' finished buffers, for the next ones.
    spare: Arc<Spare>,
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

/// One pass's ReLU6 outputs, kept in [`Spare`] when it is dropped.
struct Pass {
    images: usize,
    stem: Vec<f32>,
    blocks: Vec<BlockTape>,
    head: Vec<f32>,
    spare: Arc<Spare>,
}

impl Drop for Pass {
    fn drop(&mut self) {
        let buffers = [
            std::mem::take(&mut self.stem),
            std::mem::take(&mut self.head),
        ];
        let blocks = self
            .blocks
            .drain(..)
            .flat_map(|b| [b.expanded, Some(b.depthwise)]);
        for buffer in buffers.into_iter().chain(blocks.flatten()) {
            self.spare.keep(buffer);
        }
    }
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
            spare: Spare::new(),
        }
    }

    /// `images` photos (`[3, 224, 224]` each, in [0, 1]) → their logits (`[images, 1000]`) and
    /// the tape their input gradient needs. Natively, several photos run side by side, one a
    /// core (a photo's L-BFGS lanes), and one photo's layers are shared between the cores
    /// ([`by_parts`]).
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
        let (logits, pass) = on_the_cores(|| self.pass(x, images));
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
        on_the_cores(|| self.pass_back(&tape.0[0], grad))
    }

    /// One forward pass of the whole batch.
    fn pass(&self, x: &[f32], images: usize) -> (Vec<f32>, Pass) {
        let spare = &*self.spare;
        let stem = self.stem.forward(x, images, SIDE, spare);
        let mut side = self.stem.side_out(SIDE);
        let mut blocks = Vec::with_capacity(self.blocks.len());
        // The stem's output stays in the tape: the first block reads it there.
        let mut h = std::borrow::Cow::Borrowed(&stem[..]);
        for b in &self.blocks {
            let side_in = side;
            let rows = images * side * side;
            let expanded = (b.expand.as_ref()).map(|e| e.forward(&h, rows, Exit::Relu6, spare));
            let depthwise =
                (b.depthwise).forward(expanded.as_deref().unwrap_or(&h), images, side, spare);
            side = b.depthwise.side_out(side);
            let skip = if b.skip { Exit::Add(&h) } else { Exit::Plain };
            let y = (b.project).forward(&depthwise, images * side * side, skip, spare);
            blocks.push(BlockTape {
                side: side_in,
                expanded,
                depthwise,
            });
            if let std::borrow::Cow::Owned(finished) = std::mem::replace(&mut h, y.into()) {
                spare.keep(finished);
            }
        }
        let positions = side * side;
        let head = self
            .head
            .forward(&h, images * positions, Exit::Relu6, spare);
        if let std::borrow::Cow::Owned(finished) = h {
            spare.keep(finished);
        }
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
        let logits = self.fc.forward(&pooled, images, Exit::Plain, spare);
        let pass = Pass {
            images,
            stem,
            blocks,
            head,
            spare: self.spare.clone(),
        };
        (logits, pass)
    }

    /// [`Kernels::pullback`] through one pass.
    fn pass_back(&self, tape: &Pass, grad: &[f32]) -> Vec<f32> {
        let (images, spare) = (tape.images, &*self.spare);
        let pooled = self.fc.backward(grad, images, Exit::Plain, spare);
        let width = self.head.outputs();
        let positions = tape.head.len() / (images * width);
        let mut g = spare.take(tape.head.len());
        g.clear();
        for p in pooled.chunks_exact(width) {
            for _ in 0..positions {
                g.extend(p.iter().map(|v| v / positions as f32));
            }
        }
        Exit::Through(&tape.head).finish(&mut g, None);
        let head = self
            .head
            .backward(&g, images * positions, Exit::Plain, spare);
        spare.keep(g);
        let mut g = head;
        for (b, t) in self.blocks.iter().zip(&tape.blocks).rev() {
            let side_in = t.side;
            let side = b.depthwise.side_out(side_in);
            let through = Exit::Through(&t.depthwise);
            let d = (b.project).backward(&g, images * side * side, through, spare);
            let skip = if b.skip { Exit::Add(&g) } else { Exit::Plain };
            let before = match (&b.expand, &t.expanded) {
                (Some(e), Some(out)) => {
                    let through = Exit::Through(out);
                    let h = (b.depthwise).backward(&d, images, side_in, through, spare);
                    let before = e.backward(&h, images * side_in * side_in, skip, spare);
                    spare.keep(h);
                    before
                }
                _ => b.depthwise.backward(&d, images, side_in, skip, spare),
            };
            spare.keep(d);
            spare.keep(std::mem::replace(&mut g, before));
        }
        Exit::Through(&tape.stem).finish(&mut g, None);
        let pixels = self.stem.backward(&g, images, SIDE, spare);
        spare.keep(g);
        pixels
    }
}
