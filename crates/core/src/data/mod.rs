//! MNIST data: the IDX reader, the canonical files, the P1/P2 split and the committed test slice.

pub mod digits;
pub mod idx;
pub mod mnist;
pub mod slice;

pub use digits::Digits;
pub use mnist::{Mnist, Split};
