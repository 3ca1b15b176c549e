//! Models of yours (`yours.rs`): a course's model kept with a card in the zoo's format loads
//! back from a folder as the CLI loads it, with the errors its plan measured; an upload whose
//! card or weights are wrong in any way is refused, saying why.

mod common;
use blindspot_core::attack::block_on;
use blindspot_core::data::{Mnist, slice};
use blindspot_core::eval::error_rate;
use blindspot_core::train::course::{Base, Course, Guard};
use blindspot_core::train::shards;
use blindspot_core::work::plan::{self, Serial};
use blindspot_core::work::{Folder, Workshop};
use blindspot_core::yours::{self, Errors};
use burn::module::Module;
use burn::prelude::Device;
use common::repo;

fn course() -> Course {
    Course {
        base: Base::ConvNet,
        guard: Guard::Pgd,
        epsilon: 0.1,
        epochs: 2,
        seed: 4,
        digits: 500,
    }
}

/// The shipped convnet's weights as a course's model of yours, its card and its errors.
fn kept() -> (Vec<u8>, blindspot_core::card::ModelCard, Errors) {
    let gallery = slice::load(&repo().join("www/digits")).unwrap();
    let mnist = Mnist {
        train: gallery.range(0, 500),
        test: gallery.range(500, 1000),
    };
    let shop = Folder::new(Device::flex().autodiff(), repo().join("models"))
        .with_gallery(repo().join("www/digits"))
        .with_training(mnist.clone());
    let model = common::model("convnet", shop.device());
    let weights = shards::flat_weights(&model);
    let two = Serial {
        parts: 2,
        ..Serial::new(&shop)
    };
    let errors = block_on(plan::train::errors(&two, course(), weights.clone())).unwrap();
    let one = block_on(plan::train::errors(&Serial::new(&shop), course(), weights)).unwrap();
    assert_eq!(
        errors, one,
        "the errors do not depend on how they are dealt"
    );
    let plain = shop.plain();
    let valid = model.valid();
    assert_eq!(
        errors.train,
        error_rate(&valid, &mnist.train, plain).unwrap()
    );
    assert_eq!(errors.test, error_rate(&valid, &mnist.test, plain).unwrap());
    assert_eq!(errors.slice, error_rate(&valid, &gallery, plain).unwrap());
    let bytes = valid.to_safetensors().unwrap();
    let name = yours::name_for(&course());
    let card = yours::card_of(&course(), &name, 2, &valid, &bytes, errors, 12.0).unwrap();
    (bytes, card, errors)
}

#[test]
fn a_kept_model_loads_back_from_a_folder_as_the_cli_loads_it() {
    let (bytes, card, errors) = kept();
    assert_eq!(card.name, "yours-convnet-pgd-eps10-seed4-500digits");
    assert_eq!(
        card.title.as_deref(),
        Some("yours: convnet, PGD-7 ε=0.1, 2 epochs")
    );
    assert_eq!(
        (card.test_error, card.train_split.as_str()),
        (errors.test, "first 500")
    );
    assert!(
        card.adversarial
            .as_deref()
            .is_some_and(|a| a.contains("7 signed-gradient"))
    );
    let dir = std::env::temp_dir().join(format!("blindspot-yours-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{}.safetensors", card.name)), &bytes).unwrap();
    card.save(&dir).unwrap();
    let device = Device::flex();
    let (model, back) = yours::load(&dir, &card.name, &device).unwrap();
    assert_eq!(back, card);
    assert_eq!(model.to_safetensors().unwrap().len(), bytes.len());
    assert!(yours::load(&dir, "yours-missing", &device).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn uploads_with_anything_wrong_are_refused() {
    let (bytes, card, _) = kept();
    let device = Device::flex();
    let text = |c: &blindspot_core::card::ModelCard| serde_json::to_vec(c).unwrap();
    assert_eq!(
        yours::check(&text(&card), bytes.clone(), &device).unwrap(),
        card
    );
    let refused = |card_text: Vec<u8>, weights: Vec<u8>| {
        yours::check(&card_text, weights, &device)
            .unwrap_err()
            .to_string()
    };
    assert!(refused(b"not json".to_vec(), bytes.clone()).contains("not a model card"));
    let zoo = blindspot_core::card::ModelCard {
        name: "convnet".into(),
        ..card.clone()
    };
    assert!(refused(text(&zoo), bytes.clone()).contains("not a model of yours"));
    let odd = blindspot_core::card::ModelCard {
        name: "yours-../x".into(),
        ..card.clone()
    };
    assert!(refused(text(&odd), bytes.clone()).contains("not a model of yours"));
    let other_arch = blindspot_core::card::ModelCard {
        architecture: "a transformer".into(),
        ..card.clone()
    };
    assert!(refused(text(&other_arch), bytes.clone()).contains("architecture"));
    let mut flipped = bytes.clone();
    *flipped.last_mut().unwrap() ^= 1;
    assert!(refused(text(&card), flipped).contains("sha256"));
    let short = bytes[..bytes.len() / 2].to_vec();
    let short_card = blindspot_core::card::ModelCard {
        sha256: blindspot_core::data::mnist::hex_sha256(&short),
        ..card.clone()
    };
    assert!(!refused(text(&short_card), short).is_empty());
    assert!(yours::is_yours("yours-convnet-fgsm-eps10-seed1"));
    assert!(
        !yours::is_yours("yours-") && !yours::is_yours("convnet") && !yours::is_yours("yours-a b")
    );
}
