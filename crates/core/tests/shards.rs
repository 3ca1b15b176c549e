//! Data-parallel training's pieces: shards cover a batch once, in order, with noise of their
//! own; a gradient that does not fit the model is refused. (1 and N workers giving identical
//! weights: `session.rs`.)

use blindspot_core::attack::block_on;
use blindspot_core::data::{Digits, slice};
use blindspot_core::train::{self, shards};
use blindspot_core::zoo;
use burn::prelude::*;
use std::path::PathBuf;

fn gallery() -> Digits {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    slice::load(&repo.join("www/digits")).unwrap().range(0, 300)
}

#[test]
fn shards_cover_the_batch_once_in_order() {
    let batch: Vec<usize> = (0..100).rev().collect();
    let cut = shards::cut(7, &batch, 8);
    assert_eq!(cut.len(), 8);
    let joined: Vec<usize> = cut
        .iter()
        .flat_map(|s| s.digits.iter().map(|&d| d as usize))
        .collect();
    assert_eq!(joined, batch);
    assert!(cut.iter().all(|s| s.step == 7 && s.batch_len == 100));
    assert_eq!(
        cut.iter().map(|s| s.index).collect::<Vec<_>>(),
        (0..8).collect::<Vec<_>>()
    );
    // A shard's noise depends on its step and place only.
    let (mut a, mut b) = (cut[3].rng(5), cut[3].clone().rng(5));
    assert_eq!(a.next_u64(), b.next_u64());
    assert_ne!(cut[3].rng(5).next_u64(), cut[4].rng(5).next_u64());
}

#[test]
fn a_gradient_that_does_not_fit_the_model_is_refused() {
    let spec = zoo::spec("fc100-100-10").unwrap();
    let device = Device::flex().autodiff();
    let model = spec.arch.build(&device);
    let data = gallery();
    let loss = train::classifier_loss(spec);
    let cut = shards::cut(0, &[0, 1, 2, 3], 2);
    let good = block_on(shards::gradient(&model, &data, &cut[0], 1, &device, &loss)).unwrap();
    let mut short = good.clone();
    short.values.pop();
    assert!(shards::merge(&model, &[good.clone(), short.clone()]).is_err());
    assert!(shards::merge(&model, &[short]).is_err());
    assert!(shards::merge(&model, &[]).is_err());
    assert!(shards::merge(&model, &[good]).is_ok());
}
