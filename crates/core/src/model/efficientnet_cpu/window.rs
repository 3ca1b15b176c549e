//! Where a strided k×k convolution with TensorFlow's "SAME" padding reads: for each output row
//! (or column) the taps inside the input, and for each input row the outputs that read it. The
//! stem and the depthwise convolutions share it.

#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub kernel: usize,
    pub stride: usize,
}

impl Window {
    /// The output side for an input side: ⌈side / stride⌉.
    pub fn side_out(self, side: usize) -> usize {
        side.div_ceil(self.stride)
    }

    /// Padding before the first row and column: TensorFlow puts the odd one after.
    fn pad(self, side: usize) -> usize {
        let total = ((self.side_out(side) - 1) * self.stride + self.kernel).saturating_sub(side);
        total / 2
    }

    /// For output row (or column) `o`, the taps `t` that land inside the input and where.
    pub fn taps(self, o: usize, side: usize) -> impl Iterator<Item = (usize, usize)> + Clone {
        let start = (o * self.stride) as isize - self.pad(side) as isize;
        (0..self.kernel).filter_map(move |t| {
            let i = start + t as isize;
            (i >= 0 && (i as usize) < side).then_some((t, i as usize))
        })
    }

    /// For input row (or column) `i`, the taps `t` that read it and from which output row.
    pub fn readers(self, i: usize, side: usize) -> impl Iterator<Item = (usize, usize)> + Clone {
        let (stride, out_side) = (self.stride as isize, self.side_out(side) as isize);
        let shifted = i as isize + self.pad(side) as isize;
        (0..self.kernel).filter_map(move |t| {
            let o = shifted - t as isize;
            (o >= 0 && o % stride == 0 && o / stride < out_side)
                .then_some((t, (o / stride) as usize))
        })
    }
}
