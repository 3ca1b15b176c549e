//! Data-parallel training: each batch's gradient summed over its shards, computed by 1 or by 2
//! workers (separate copies of the model loaded from the coordinator's weights, as the page's
//! workers load them), gives bit-identical weights after a few steps at a seed.

use blindspot_core::data::{Digits, slice};
use blindspot_core::model::Classifier;
use blindspot_core::train::{self, shards};
use blindspot_core::zoo;
use burn::module::Module;
use burn::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn gallery() -> Digits {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    slice::load(&repo.join("www/digits")).unwrap().range(0, 300)
}

/// Each tensor of safetensors `bytes` by name, as its raw bytes (the file's own bytes are not
/// comparable: its header lists the tensors in no fixed order).
fn tensors(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    let data = &bytes[8 + n..];
    let entries = header.as_object().unwrap().iter();
    entries
        .filter(|(name, _)| *name != "__metadata__")
        .map(|(name, t)| {
            let at = |i: usize| t["data_offsets"][i].as_u64().unwrap() as usize;
            (name.clone(), data[at(0)..at(1)].to_vec())
        })
        .collect()
}

/// Three steps of `name`'s recipe with its shards dealt round-robin to `workers` copies of
/// the model; the weights after them.
fn three_steps(name: &str, workers: usize) -> BTreeMap<String, Vec<u8>> {
    let spec = zoo::spec(name).unwrap();
    let recipe = &spec.recipe;
    let data = gallery();
    let device = Device::flex().autodiff();
    device.seed(recipe.seed);
    let mut model = spec.arch.build(&device);
    let mut optim = train::optimizer(recipe);
    let loss = train::classifier_loss(spec);
    let order = train::epoch_order(recipe.seed, 0, data.len());
    for (step, batch) in order.chunks(recipe.batch).take(3).enumerate() {
        let weights = model.to_safetensors().unwrap();
        let copies: Vec<Classifier> = (0..workers)
            .map(|_| Classifier::from_safetensors(spec.arch, weights.clone(), &device).unwrap())
            .map(Module::unfreeze) // weights read from bytes come frozen
            .collect();
        let cut = shards::cut(step, batch, recipe.shards);
        assert!(cut.len() > workers, "{name}: every worker gets a shard");
        let parts: Vec<_> = cut
            .iter()
            .map(|s| {
                let worker = &copies[s.index % workers];
                shards::gradient(worker, &data, s, recipe.seed, &device, &loss)
            })
            .collect();
        let (grads, _) = shards::merge(&model, &parts).unwrap();
        model = optim.step(train::learning_rate(recipe.lr, step, 100), model, grads);
    }
    tensors(&model.to_safetensors().unwrap())
}

#[test]
fn one_and_two_workers_give_identical_weights() {
    let name = "convnet-fgsm";
    let start = {
        let spec = zoo::spec(name).unwrap();
        let device = Device::flex().autodiff();
        device.seed(spec.recipe.seed);
        tensors(&spec.arch.build(&device).to_safetensors().unwrap())
    };
    let one = three_steps(name, 1);
    assert_ne!(one, start, "the steps moved the weights");
    assert!(one == three_steps(name, 2), "2 workers differ from 1");
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
    let good = shards::gradient(&model, &data, &cut[0], 1, &device, &loss);
    let mut short = good.clone();
    short.values.pop();
    assert!(shards::merge(&model, &[good.clone(), short.clone()]).is_err());
    assert!(shards::merge(&model, &[short]).is_err());
    assert!(shards::merge(&model, &[]).is_err());
    assert!(shards::merge(&model, &[good]).is_ok());
}
