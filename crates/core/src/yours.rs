//! A student's own models: trained in the page's Train panel (or uploaded there), named
//! `yours-…`, kept beside a card in the zoo's format, so that the page and the CLI
//! (`--models DIR`) load them as they load the zoo's. Their architecture is read back from the
//! card: it must be one a course trains (a zoo twin's).

use crate::card::{self, Measured, ModelCard, load_model};
use crate::model::Classifier;
use crate::train::course::{Base, Course, Guard};
use crate::zoo::{self, ModelSpec};
use crate::{Error, Result};
use burn::prelude::Device;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// How the name of every model of yours starts.
pub const PREFIX: &str = "yours-";

/// Whether `name` is a name for a model of yours: the prefix, then letters, digits and dashes
/// (it names files and travels in links).
pub fn is_yours(name: &str) -> bool {
    name.strip_prefix(PREFIX).is_some_and(|rest| {
        !rest.is_empty()
            && rest.len() <= 64
            && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// The name a course's model is kept under: the same course, trained again, replaces it.
pub fn name_for(course: &Course) -> String {
    let guard = match course.guard {
        Guard::None => "plain".to_string(),
        Guard::Pool => "pool".to_string(),
        g => format!("{}-eps{}", g.as_str(), (course.epsilon * 100.0).round()),
    };
    let digits = match course.digits {
        d if d >= crate::data::mnist::TRAIN_DIGITS => String::new(),
        d => format!("-{d}digits"),
    };
    format!(
        "{PREFIX}{}-{guard}-seed{}{digits}",
        course.base.twin(),
        course.seed
    )
}

/// The spec the model called `name`, whose card is `card`, loads under: a zoo model's own, or
/// for one of yours its architecture's zoo twin's.
pub fn spec_for(name: &str, card: &ModelCard) -> Result<ModelSpec> {
    if let Ok(spec) = zoo::spec(name) {
        return Ok(*spec);
    }
    if !is_yours(name) {
        return zoo::spec(name).copied();
    }
    if card.name != name {
        return Err(Error::Other(format!(
            "the card of {name} names {}",
            card.name
        )));
    }
    let twin = Base::ALL
        .into_iter()
        .filter_map(|b| zoo::spec(b.twin()).ok())
        .find(|s| s.arch.summary() == card.architecture)
        .ok_or_else(|| {
            Error::Other(format!(
                "{name}: its card's architecture ({}) is not one the Train panel trains",
                card.architecture
            ))
        })?;
    Ok(*twin)
}

/// `dir/<name>.safetensors`, checked against `dir/<name>.json` and decoded: a zoo model as
/// [`load_model`] loads it, one of yours by its card.
pub fn load(dir: &Path, name: &str, device: &Device) -> Result<(Classifier, ModelCard)> {
    if !is_yours(name) {
        return load_model(dir, zoo::spec(name)?, device);
    }
    let card = ModelCard::load(dir, name)?;
    let spec = spec_for(name, &card)?;
    let path = dir.join(format!("{name}.safetensors"));
    let weights = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let source = path.display().to_string();
    Ok((card::admit(&spec, &card, weights, &source, device)?, card))
}

/// A model of yours offered as a card's text and weights (an upload): its card, once the card
/// reads, names a model of yours of a known architecture, and the weights match its sha256
/// and decode. Fails, saying why, otherwise.
pub fn check(card_text: &[u8], weights: Vec<u8>, device: &Device) -> Result<ModelCard> {
    let card: ModelCard = serde_json::from_slice(card_text)
        .map_err(|e| Error::Other(format!("the card is not a model card: {e}")))?;
    if !is_yours(&card.name) {
        return Err(Error::Other(format!(
            "{} is not a model of yours (their names start with {PREFIX}; the zoo's are here already)",
            card.name
        )));
    }
    let spec = spec_for(&card.name, &card)?;
    let source = format!("{}.safetensors", card.name);
    card::admit(&spec, &card, weights, &source, device)?;
    Ok(card)
}

/// A model's errors as its card records them: on the digits it trained on, on MNIST's 10,000
/// test digits, and on the committed 1,000-digit test slice.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Errors {
    pub train: f64,
    pub test: f64,
    pub slice: f64,
}

/// The card of `model` (`weights` its safetensors bytes), trained as `course` for `epochs`
/// epochs in `seconds`, named `name`.
pub fn card_of(
    course: &Course,
    name: &str,
    epochs: usize,
    model: &Classifier,
    weights: &[u8],
    errors: Errors,
    seconds: f64,
) -> Result<ModelCard> {
    let spec = course.spec()?;
    let measured = Measured {
        train_error: errors.train,
        test_error: errors.test,
        slice_error: errors.slice,
        train_seconds: seconds,
    };
    let card = ModelCard::record(&spec, model, weights, &measured)?;
    Ok(ModelCard {
        name: name.into(),
        epochs,
        train_split: match course.digits {
            d if d >= crate::data::mnist::TRAIN_DIGITS => "full".into(),
            d => format!("first {d}"),
        },
        command: "trained in the page's Train panel".into(),
        paper: None,
        title: Some(course.title(epochs)),
        ..card
    })
}
