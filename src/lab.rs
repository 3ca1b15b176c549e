//! The compute side of the page: verified, cached models on Burn's CPU device, inference
//! and attacks. The UI talks to it through plain values.

use blindspot_core::attack::{
    self, Control, FgsmConfig, Goal, LbfgsConfig, LbfgsProgress, Outcome,
};
use blindspot_core::card::ModelCard;
use blindspot_core::data::{Digits, mnist::hex_sha256, slice};
use blindspot_core::model::Classifier;
use blindspot_core::{eval, zoo};
use burn::prelude::Device;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Which attack to run and how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    Lbfgs,
    Fgsm { epsilon: f32 },
    Pgd { epsilon: f32, steps: usize },
}

pub struct Lab {
    device: Device,
    models: RefCell<HashMap<String, Rc<Classifier>>>,
}

impl Lab {
    pub fn new() -> Self {
        Lab {
            device: Device::flex().autodiff(),
            models: RefCell::new(HashMap::new()),
        }
    }

    /// The model `name`, fetched from `models/` and checked against its card's sha256 once.
    pub async fn model(&self, name: &str) -> Result<Rc<Classifier>, String> {
        if let Some(m) = self.models.borrow().get(name) {
            return Ok(m.clone());
        }
        let spec = zoo::spec(name).map_err(|e| e.to_string())?;
        let card: ModelCard =
            serde_json::from_slice(&crate::fetch::bytes(&format!("models/{name}.json")).await?)
                .map_err(|e| format!("card of {name}: {e}"))?;
        let weights = crate::fetch::bytes(&format!("models/{name}.safetensors")).await?;
        if hex_sha256(&weights) != card.sha256 {
            return Err(format!(
                "{name}.safetensors does not match the sha256 on its card"
            ));
        }
        let model = Rc::new(
            Classifier::from_safetensors(spec.arch, weights, &self.device)
                .map_err(|e| e.to_string())?,
        );
        self.models
            .borrow_mut()
            .insert(name.to_string(), model.clone());
        Ok(model)
    }

    pub fn probabilities(&self, model: &Classifier, pixels: &[f32]) -> Vec<f32> {
        eval::probabilities(model, pixels, &self.device)
    }

    /// Attacks one image. L-BFGS reports to `progress` after every iteration, which may await
    /// (to let the page run) and answers whether to go on.
    pub async fn attack(
        &self,
        model: &Classifier,
        pixels: &[f32],
        label: u8,
        goal: Goal,
        method: Method,
        progress: &mut dyn FnMut(&LbfgsProgress) -> Control,
    ) -> Outcome {
        let labels = [label];
        let outcomes = match method {
            Method::Lbfgs => {
                let config = LbfgsConfig::default();
                attack::lbfgs(
                    model,
                    &self.device,
                    pixels,
                    &labels,
                    goal,
                    &config,
                    progress,
                )
                .await
            }
            Method::Fgsm { epsilon } => {
                attack::fgsm(model, &self.device, pixels, &labels, goal, epsilon).await
            }
            Method::Pgd { epsilon, steps } => {
                let config = FgsmConfig {
                    epsilon,
                    steps,
                    random_start: Some(0),
                };
                attack::pgd(model, &self.device, pixels, &labels, goal, config).await
            }
        };
        outcomes
            .into_iter()
            .next()
            .expect("one image in, one outcome out")
    }
}

/// The committed test slice, for the gallery.
pub async fn gallery_digits() -> Result<Digits, String> {
    let images = crate::fetch::bytes(&format!("digits/{}", slice::IMAGES)).await?;
    let labels = crate::fetch::bytes(&format!("digits/{}", slice::LABELS)).await?;
    Digits::from_idx(images, labels).map_err(|e| e.to_string())
}
