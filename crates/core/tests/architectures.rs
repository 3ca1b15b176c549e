//! Shapes of every architecture, and a short training run that must lower the loss.

use blindspot_core::data::slice;
use blindspot_core::model::{Arch, Autoencoder, Classifier, ConvNet, Mlp};
use blindspot_core::train;
use blindspot_core::zoo::{self, ZOO};
use burn::prelude::*;

mod common;
use common::repo;

#[test]
fn every_zoo_architecture_maps_784_pixels_to_10_logits() {
    let device = Device::flex();
    let x = Tensor::<2>::zeros([3, 784], &device);
    for spec in ZOO {
        let model = spec.arch.build(&device);
        assert_eq!(model.forward(x.clone()).dims(), [3, 10], "{}", spec.name);
    }
}

#[test]
fn forward_cost_per_image_counts_every_multiply_add() {
    let device = Device::flex();
    // 784·100 + 100·100 + 100·10
    assert_eq!(
        Arch::Mlp(&[100, 100]).build(&device).macs_per_image(),
        89_400
    );
    // conv1 16·1·5·5 at 24×24, conv2 32·16·5·5 at 8×8, fc 512·128 and 128·10
    let conv = 16 * 25 * 576 + 32 * 16 * 25 * 64 + 512 * 128 + 128 * 10;
    assert_eq!(Arch::ConvNet.build(&device).macs_per_image(), conv);
}

#[test]
fn hidden_layers_have_their_widths() {
    let device = Device::flex();
    let x = Tensor::<2>::ones([2, 784], &device);
    let mlp = Mlp::new(&[784, 123, 456, 10], &device);
    assert_eq!(mlp.hidden(x.clone(), 0).dims(), [2, 123]);
    assert_eq!(mlp.hidden(x.clone(), 1).dims(), [2, 456]);
    let conv = ConvNet::new(&device);
    assert_eq!(conv.features(x.clone()).dims(), [2, 512]);
    assert_eq!(conv.dense(x.clone()).dims(), [2, 128]);
    assert_eq!(Autoencoder::new(400, &device).forward(x).dims(), [2, 784]);
}

#[test]
fn weights_round_trip_through_safetensors_in_pytorch_layout() {
    let device = Device::flex();
    let model = Arch::Mlp(&[100]).build(&device);
    let bytes = model.to_safetensors().unwrap();
    let shapes = blindspot_core::card::tensor_shapes(&bytes).unwrap();
    assert_eq!(
        shapes,
        vec![
            ("layers.0.bias".to_string(), vec![100]),
            ("layers.0.weight".to_string(), vec![100, 784]), // [out, in], as torch.nn.Linear
            ("layers.1.bias".to_string(), vec![10]),
            ("layers.1.weight".to_string(), vec![10, 100]),
        ]
    );
    let back = Classifier::from_safetensors(Arch::Mlp(&[100]), bytes.clone(), &device).unwrap();
    let x = Tensor::<2>::ones([1, 784], &device).mul_scalar(0.5);
    let (a, b) = (
        model.forward(x.clone()).into_data(),
        back.forward(x).into_data(),
    );
    a.assert_approx_eq::<f32>(&b, burn::tensor::Tolerance::default());
    // The same bytes do not fit another architecture.
    assert!(Classifier::from_safetensors(Arch::Mlp(&[200]), bytes.clone(), &device).is_err());
    assert!(Classifier::from_safetensors(Arch::ConvNet, bytes, &device).is_err());
    assert!(
        Classifier::from_safetensors(Arch::Mlp(&[100]), b"not safetensors".to_vec(), &device)
            .is_err()
    );
}

/// `name`'s recipe cut short on 500 slice digits must halve the loss and the error.
fn a_short_run_learns(name: &str) {
    common::a_short_run_learns(zoo::spec(name).unwrap(), 500);
}

#[test]
fn a_short_training_run_lowers_the_loss() {
    a_short_run_learns("fc100-100-10");
}

#[test]
fn short_adversarial_training_runs_learn() {
    // Every batch perturbed (FGSM from a random start, PGD-7 in L∞ and in L2), over 8 shards.
    a_short_run_learns("convnet-fgsm");
    a_short_run_learns("convnet-pgd");
    a_short_run_learns("convnet-pgd-l2");
}

#[test]
fn every_recipe_step_runs_through_the_one_training_loop() {
    // The autoencoder's pre-training (ae400-10), the adversarial pool (fc100-100-10-adv) and
    // perturbed batches (convnet-fgsm), each cut to one short epoch on 100 digits.
    let digits = slice::load(&repo().join("www/digits"))
        .unwrap()
        .range(0, 100);
    for name in ["ae400-10", "fc100-100-10-adv", "convnet-fgsm"] {
        let mut spec = *zoo::spec(name).unwrap();
        spec.recipe = spec.recipe.every_step_once();
        let mut phases = Vec::new();
        let ad = Device::flex().autodiff();
        let model = train::train_on(&spec, &digits, &ad, &mut |p| phases.push(p.phase)).unwrap();
        let expected = if name == "ae400-10" {
            vec!["pretrain", "train"]
        } else {
            vec!["train"]
        };
        phases.dedup();
        assert_eq!(phases, expected, "{name}");
        assert_eq!(
            model.encoder_width(),
            spec.arch.build(&Device::flex()).encoder_width()
        );
    }
    // A convnet has no dense first layer for an autoencoder to pre-train: an error, not a panic.
    let mut spec = *zoo::spec("convnet").unwrap();
    spec.recipe.pretrain_epochs = 1;
    let ad = Device::flex().autodiff();
    let err = train::train_on(&spec, &digits, &ad, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("no dense first layer"), "{err}");
}
