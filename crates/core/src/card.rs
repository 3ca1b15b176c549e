//! Model cards: `models/<name>.json` beside `models/<name>.safetensors`, recording how the
//! weights were made and what they measure, so a test can catch stale weights.

use crate::model::Classifier;
use crate::zoo::{ModelSpec, PaperFigures};
use crate::{Error, Result, data::mnist::hex_sha256};
use burn::module::Module;
use burn::prelude::Device;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LayerCard {
    /// Tensor name in the safetensors file.
    pub tensor: String,
    /// Shape as stored (PyTorch layout: `[out, in]`, or `[out, in, kh, kw]`).
    pub shape: Vec<usize>,
    pub lambda: f32,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ModelCard {
    pub name: String,
    pub architecture: String,
    pub activation: String,
    pub layers: Vec<LayerCard>,
    pub weight_decay: String,
    pub optimizer: String,
    pub epochs: usize,
    /// Epochs of denoising-autoencoder pre-training (Adam, lr 1e-3, 25% masking noise, squared
    /// error) before the classifier's epochs; 0 for all but ae400-10.
    pub pretrain_epochs: usize,
    pub batch_size: usize,
    pub seed: u64,
    /// "full", "p1" or "p2".
    pub train_split: String,
    pub train_error: f64,
    pub test_error: f64,
    /// Error on the committed 1,000-digit test slice (`www/digits/`), checked by `cargo test`.
    pub slice_error: f64,
    pub params: usize,
    pub bytes: usize,
    pub train_seconds: f64,
    pub sha256: String,
    pub command: String,
    pub paper: Option<PaperCard>,
    /// How adversarial training was done (the defended models only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adversarial: Option<String>,
    /// What menus call a model of yours (`yours.rs`), e.g. "yours: convnet, PGD-7 ε=0.1,
    /// 3 epochs".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PaperCard {
    pub train_error: Option<f64>,
    pub test_error: f64,
    pub min_distortion: f64,
}

impl From<PaperFigures> for PaperCard {
    fn from(p: PaperFigures) -> Self {
        PaperCard {
            train_error: p.train_error,
            test_error: p.test_error,
            min_distortion: p.min_distortion,
        }
    }
}

/// Measurements taken after training, to put on the card.
pub struct Measured {
    pub train_error: f64,
    pub test_error: f64,
    pub slice_error: f64,
    pub train_seconds: f64,
}

/// The models directory: `$BLINDSPOT_MODELS` or `models`.
pub fn default_dir() -> PathBuf {
    std::env::var_os("BLINDSPOT_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("models"))
}

impl ModelCard {
    pub fn record(
        spec: &ModelSpec,
        model: &Classifier,
        weights: &[u8],
        m: &Measured,
    ) -> Result<Self> {
        let tensors = tensor_shapes(weights)?;
        let weight_names: Vec<&(String, Vec<usize>)> = tensors
            .iter()
            .filter(|(n, _)| n.ends_with("weight"))
            .collect();
        let layers = weight_names
            .iter()
            .enumerate()
            .map(|(k, (name, shape))| LayerCard {
                tensor: name.clone(),
                shape: shape.clone(),
                lambda: spec.lambdas[k.min(spec.lambdas.len() - 1)],
            })
            .collect();
        let r = &spec.recipe;
        Ok(ModelCard {
            name: spec.name.into(),
            architecture: spec.arch.summary(),
            activation: spec.arch.activation().into(),
            layers,
            weight_decay: "loss = mean cross-entropy + Σ_k (λ_k/2)·Σ w² over layer k's weights (gradient λ_k·w; biases not decayed)".into(),
            optimizer: format!(
                "{}, lr {} cosine-decayed to {} over all steps{}",
                match r.optimizer {
                    crate::zoo::Optimizer::Adam => "Adam(β1=0.9, β2=0.999, ε=1e-5)",
                    crate::zoo::Optimizer::Momentum => "SGD with momentum 0.9 (no dampening)",
                },
                r.lr,
                r.lr / 20.0,
                match r.shards {
                    1 => String::new(),
                    n => format!(", each batch's gradient summed over {n} shards"),
                }
            ),
            epochs: r.epochs,
            pretrain_epochs: r.pretrain_epochs,
            batch_size: r.batch,
            seed: r.seed,
            train_split: format!("{:?}", spec.split).to_lowercase(),
            train_error: m.train_error,
            test_error: m.test_error,
            slice_error: m.slice_error,
            params: model.num_params(),
            bytes: weights.len(),
            train_seconds: m.train_seconds,
            sha256: hex_sha256(weights),
            command: format!("blindspot train {}", spec.name),
            paper: spec.paper.map(PaperCard::from),
            adversarial: r.defence.describe(),
            title: None,
        })
    }

    pub fn load(dir: &Path, name: &str) -> Result<Self> {
        let path = dir.join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Other(format!("{}: {e}", path.display())))
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(format!("{}.json", self.name));
        let text = serde_json::to_string_pretty(self).expect("cards serialise") + "\n";
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
    }
}

/// Names and shapes of the tensors in a safetensors file, sorted by name (input side first
/// for every zoo architecture: `conv1 < conv2 < fc1 < fc2`, `layers.0 < layers.1`).
pub fn tensor_shapes(bytes: &[u8]) -> Result<Vec<(String, Vec<usize>)>> {
    let header_len = bytes
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap()) as usize)
        .ok_or_else(|| Error::Weights("file shorter than a safetensors header".into()))?;
    let header = bytes
        .get(8..8 + header_len)
        .ok_or_else(|| Error::Weights("truncated safetensors header".into()))?;
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(header)
        .map_err(|e| Error::Weights(format!("bad safetensors header: {e}")))?;
    let mut tensors: Vec<(String, Vec<usize>)> = map
        .iter()
        .filter(|(k, _)| *k != "__metadata__")
        .map(|(k, v)| {
            let shape = v["shape"].as_array().map(|a| {
                a.iter()
                    .filter_map(|d| d.as_u64())
                    .map(|d| d as usize)
                    .collect()
            });
            (k.clone(), shape.unwrap_or_default())
        })
        .collect();
    tensors.sort();
    Ok(tensors)
}

/// Loads `dir/<name>.safetensors` and its card, and [`admit`]s the weights.
pub fn load_model(
    dir: &Path,
    spec: &ModelSpec,
    device: &Device,
) -> Result<(Classifier, ModelCard)> {
    let card = ModelCard::load(dir, spec.name)?;
    let path = dir.join(format!("{}.safetensors", spec.name));
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let model = admit(spec, &card, bytes, &path.display().to_string(), device)?;
    Ok((model, card))
}

/// Checks `weights` (read from `source`) against the sha256 on the model's card, then decodes
/// them into the architecture of `spec` on `device`: every model the CLI or the app runs
/// passes here, in one go or (on a browser page, which yields between) in these two steps.
pub fn admit(
    spec: &ModelSpec,
    card: &ModelCard,
    weights: Vec<u8>,
    source: &str,
    device: &Device,
) -> Result<Classifier> {
    verify(card, &weights, source)?;
    Classifier::from_safetensors(spec.arch, weights, device)
}

/// The first step of [`admit`]: `weights` (read from `source`) have the card's sha256.
pub fn verify(card: &ModelCard, weights: &[u8], source: &str) -> Result<()> {
    let sha = hex_sha256(weights);
    if sha != card.sha256 {
        return Err(Error::Checksum {
            path: source.to_string(),
            expected: card.sha256.clone(),
            actual: sha,
        });
    }
    Ok(())
}
