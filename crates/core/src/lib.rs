//! Blindspot's shared core: MNIST data, the paper's model zoo, training, evaluation and
//! image preprocessing. Used by the CLI, the web app and the tests; it compiles natively and
//! for `wasm32-unknown-unknown` (no web-sys, no clap here).

pub mod adversarial;
pub mod attack;
pub mod card;
pub mod data;
pub mod defence;
pub mod error;
pub mod eval;
pub mod experiment;
pub mod imagenet;
pub mod layer_pools;
pub mod levels;
pub mod model;
pub mod paper;
pub mod preprocess;
pub mod rng;
pub mod stability;
pub mod train;
pub mod units;
pub mod weights;
pub mod work;
pub mod yours;
pub mod zoo;

pub use error::{Error, Result};

/// Pixels per MNIST image (28 × 28).
pub const PIXELS: usize = 784;
/// Side of an MNIST image.
pub const SIDE: usize = 28;
/// Number of classes (digits 0–9).
pub const CLASSES: usize = 10;
