//! Every committed model decodes into its architecture, matches its card's checksum, and
//! scores on the committed test slice exactly what its card says: stale weights fail here.

use blindspot_core::card::{ModelCard, load_model, tensor_shapes};
use blindspot_core::data::slice;
use blindspot_core::{eval, zoo::ZOO};
use burn::module::Module;
use burn::prelude::Device;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Models that miss their target test error, with the bound they must still keep (README explains:
/// with weight decay read as (λ/2)·Σw², FC10(λ=1) converges to 21.9% test error, not 20%).
const KNOWN_MISSES: &[(&str, f64)] = &[("fc10-1", 0.22)];

#[test]
fn every_zoo_model_is_committed_and_agrees_with_its_card() {
    let models = repo().join("models");
    let digits = slice::load(&repo().join("www/digits")).unwrap();
    assert_eq!(digits.len(), 1000);
    let device = Device::flex();
    for spec in ZOO {
        let (model, card) =
            load_model(&models, spec, &device).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        let error = eval::error_rate(&model, &digits, &device).unwrap();
        // One digit of slack out of 1,000 for float differences between machines.
        assert!(
            (error - card.slice_error).abs() <= 0.0011,
            "{}: slice error {error} but the card says {}",
            spec.name,
            card.slice_error
        );
        let allowed = KNOWN_MISSES
            .iter()
            .find(|(n, _)| *n == spec.name)
            .map_or(spec.target_test_error, |m| m.1);
        assert!(
            card.test_error <= allowed,
            "{}: test error {} over {allowed}",
            spec.name,
            card.test_error
        );
        assert_eq!(card.params, model.num_params(), "{}", spec.name);
        let bytes = std::fs::read(models.join(format!("{}.safetensors", spec.name))).unwrap();
        assert_eq!(card.bytes, bytes.len());
        let weights: Vec<_> = tensor_shapes(&bytes)
            .unwrap()
            .into_iter()
            .filter(|(n, _)| n.ends_with("weight"))
            .collect();
        let on_card: Vec<_> = card
            .layers
            .iter()
            .map(|l| (l.tensor.clone(), l.shape.clone()))
            .collect();
        assert_eq!(
            weights, on_card,
            "{}: the card's layers are the file's",
            spec.name
        );
    }
}

#[test]
fn a_tampered_weight_file_is_refused() {
    let dir = std::env::temp_dir().join(format!("blindspot-tamper-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = &ZOO[0];
    let src = repo().join("models");
    let mut bytes = std::fs::read(src.join(format!("{}.safetensors", spec.name))).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    std::fs::write(dir.join(format!("{}.safetensors", spec.name)), bytes).unwrap();
    ModelCard::load(&src, spec.name)
        .unwrap()
        .save(&dir)
        .unwrap();
    let err = load_model(&dir, spec, &Device::flex())
        .unwrap_err()
        .to_string();
    assert!(err.contains("sha256"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
