//! Pools for every layer (Section 4.2, `layer_pools.rs`): the layers above a layer compute the
//! network's own logits from its activations, a refresh's examples fool the model when
//! replayed as training sees them, and a full pool keeps its size.

mod common;
use blindspot_core::layer_pools::LayerPools;
use blindspot_core::layer_pools::{self, BASE};
use blindspot_core::model::mlp::Above;
use blindspot_core::model::{Classifier, Network};
use blindspot_core::zoo::{self, Defence, LayerPoolRecipe, PoolAim};
use burn::prelude::*;
use common::setup;

const DIGITS: usize = 40;

fn recipe(capacity: usize) -> LayerPoolRecipe {
    LayerPoolRecipe {
        capacity,
        refresh: DIGITS,
        every: 1,
        per_batch: 4,
        start_epoch: 0,
        ..BASE
    }
}

fn values(t: Tensor<2>) -> Vec<f32> {
    t.into_data().iter::<f32>().collect()
}

#[test]
fn the_layers_above_a_layer_give_the_networks_logits() {
    let (model, device, _, pixels) = setup("fc100-100-10", DIGITS);
    let Classifier::Mlp(mlp) = &model else {
        panic!("an MLP")
    };
    let x = Tensor::<2>::from_data(TensorData::new(pixels, [DIGITS, 784]), &device);
    let logits = values(model.forward(x.clone()));
    for (level, width) in [(0, 784), (1, 100), (2, 100)] {
        let above = Above { mlp, level };
        assert_eq!(above.inputs(), width);
        let h = mlp.activations(x.clone(), level);
        let from = values(above.logits(h.clone()));
        let zero = Tensor::zeros([DIGITS, width], &device);
        let shifted = values(mlp.shifted_logits(h.clone(), level, zero));
        for (k, ((a, b), c)) in logits.iter().zip(&from).zip(&shifted).enumerate() {
            assert!(
                (a - b).abs() < 1e-5 && (a - c).abs() < 1e-5,
                "level {level}, {k}"
            );
        }
    }
    // The output layer has no pool: it is not below the output.
    assert_eq!(mlp.width(3), None);
}

#[test]
fn refreshed_examples_fool_the_model_at_their_layer() {
    let (model, device, digits, _) = setup("fc100-100-10", DIGITS);
    let Classifier::Mlp(mlp) = &model else {
        panic!("an MLP")
    };
    let mut pools = LayerPools::new(recipe(1000), &model, 5).unwrap();
    pools.refresh(&model, &device, &digits).unwrap();
    let sizes = pools.sizes();
    // The pool's attack succeeds on most digits at every layer.
    assert!(sizes.iter().all(|&s| s >= DIGITS * 3 / 4), "{sizes:?}");
    for (level, digit, shift) in pools.examples() {
        let x = digits.batch(&[digit], &device);
        let h = values(mlp.activations(x.clone(), level));
        assert_eq!(h.len(), shift.len());
        // The shifted activations stay in [0, 1] (the attack's box).
        let moved: Vec<f32> = h.iter().zip(shift).map(|(a, s)| a + s).collect();
        assert!(moved.iter().all(|&v| (-1e-6..=1.0 + 1e-6).contains(&v)));
        let shift_t =
            Tensor::<2>::from_data(TensorData::new(shift.to_vec(), [1, h.len()]), &device);
        let logits = values(mlp.shifted_logits(mlp.activations(x, level), level, shift_t));
        let read = blindspot_core::attack::logits::argmax(&logits);
        assert_ne!(
            read, digits.labels[digit] as usize,
            "level {level}, digit {digit}"
        );
        // A small change at its layer: RMS well under the pixels' or activations' range.
        let rms = (shift.iter().map(|s| s * s).sum::<f32>() / shift.len() as f32).sqrt();
        assert!(rms > 0.0 && rms < 0.3, "level {level}, rms {rms}");
    }
    // Training's draw covers every pool: `per_batch` examples each.
    let (_, count) = pools
        .loss(
            &model,
            &digits,
            &device,
            &mut blindspot_core::rng::Rng::new(1),
        )
        .unwrap();
    assert_eq!(count, 3 * 4);
}

#[test]
fn a_full_pool_replaces_examples_and_keeps_its_size() {
    let (model, device, digits, _) = setup("fc100-100-10", DIGITS);
    let mut pools = LayerPools::new(recipe(10), &model, 5).unwrap();
    pools.refresh(&model, &device, &digits).unwrap();
    assert_eq!(pools.sizes(), vec![10, 10, 10]);
    // A convnet has no such layers: an error, not a panic.
    let (conv, ..) = setup("convnet", 1);
    assert!(LayerPools::new(recipe(10), &conv, 5).is_err());
}

#[test]
fn pools_recipes_read_from_words_and_refuse_bad_ones() {
    let r = layer_pools::parse("levels=1,2 per-batch=1 aim=nearest below=frozen").unwrap();
    assert_eq!(r.levels(), vec![1, 2]);
    assert_eq!(
        (r.per_batch, r.aim, r.train_below),
        (1, PoolAim::Nearest, false)
    );
    assert_eq!(r.capacity, BASE.capacity);
    // The words a card records read back to the same recipe.
    assert_eq!(layer_pools::parse(&layer_pools::words(&r)).unwrap(), r);
    assert_eq!(layer_pools::parse("").unwrap(), BASE);
    for bad in [
        "levels=9",
        "levels=a",
        "per-batch=0",
        "every=-1",
        "aim=far",
        "below=x",
        "colour=red",
        "levels",
    ] {
        let err = layer_pools::parse(bad).unwrap_err().to_string();
        assert!(err.starts_with("--pools:"), "{bad}: {err}");
    }
    // A layer the network lacks is refused when its pools are made.
    let (model, ..) = setup("fc100-100-10", 1);
    let deep = layer_pools::parse("levels=3").unwrap();
    let err = LayerPools::new(deep, &model, 1).err().unwrap().to_string();
    assert!(err.contains("no layer 3"), "{err}");
}

#[test]
fn a_short_run_with_pools_for_every_layer_learns() {
    // fc100-100-10-adv's spec with small pools for all three layers, refreshed every 5
    // batches from the first, cut short on 300 slice digits.
    let mut spec = *zoo::spec("fc100-100-10-adv").unwrap();
    spec.recipe.defence = Defence::LayerPools(LayerPoolRecipe {
        capacity: 30,
        refresh: 10,
        every: 5,
        per_batch: 4,
        start_epoch: 0,
        ..BASE
    });
    common::a_short_run_learns(&spec, 300);
}
