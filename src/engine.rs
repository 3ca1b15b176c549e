//! Compute on one Burn device: verified and cached models, inference and attacks. The page
//! owns a CPU engine (Burn Flex); the WebGPU worker owns a WebGPU one.

use crate::protocol::Method;
use blindspot_core::attack::{
    self, Control, FgsmConfig, Goal, LbfgsConfig, LbfgsProgress, Outcome,
};
use blindspot_core::card::ModelCard;
use blindspot_core::data::mnist::hex_sha256;
use blindspot_core::model::Classifier;
use blindspot_core::{eval, zoo};
use burn::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Forward multiply-adds per CPU evaluation slice during attacks: about 40 ms of gradient
/// work on the page's thread (the convnet, 1.1 M per image, gets 2 problems per slice).
const SLICE_MACS: usize = 2_400_000;

pub struct Engine {
    device: Device,
    /// Whether attacks evaluate in slices (the page's own thread computes: it must yield).
    sliced: bool,
    models: RefCell<HashMap<String, Rc<Classifier>>>,
}

impl Engine {
    /// Burn's Flex backend on the page's thread.
    pub fn cpu() -> Self {
        Self::on(Device::flex().autodiff(), true)
    }

    fn on(device: Device, sliced: bool) -> Self {
        Engine {
            device,
            sliced,
            models: RefCell::new(HashMap::new()),
        }
    }

    /// The browser's WebGPU adapter, and its name and type.
    #[cfg(feature = "webgpu")]
    pub async fn webgpu() -> Result<(Self, String), String> {
        let (device, setup) = Device::wgpu_options()
            .init_with_setup_async()
            .await
            .map_err(|e| e.to_string())?;
        let info = setup.adapter.get_info();
        let shown = match info.name.as_str() {
            "" => "unnamed adapter".to_string(),
            named => format!("'{named}'"),
        };
        let name = format!("{shown} ({:?}, {:?})", info.device_type, setup.backend);
        Ok((Self::on(device.autodiff(), false), name))
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Milliseconds for the shape of an attack step: a [9, 784] × [784, 100] product, a
    /// sigmoid, its input gradient, read back.
    pub async fn probe(&self) -> f64 {
        let started = crate::clock::now();
        let device = &self.device;
        let x = Tensor::<2>::ones([9, 784], device)
            .mul_scalar(0.5)
            .require_grad();
        let w = Tensor::<2>::ones([784, 100], device).mul_scalar(0.01);
        let y = burn::tensor::activation::sigmoid(x.clone().matmul(w)).sum();
        let grads = y.backward();
        if let Some(g) = x.grad(&grads) {
            let _ = g.into_data_async().await;
        }
        crate::clock::now() - started
    }

    /// The model `name`, fetched from `models/` and admitted once.
    pub async fn model(&self, name: &str) -> Result<Rc<Classifier>, String> {
        if let Some(m) = self.models.borrow().get(name) {
            return Ok(m.clone());
        }
        let card = crate::fetch::bytes(&format!("models/{name}.json")).await?;
        let weights = crate::fetch::bytes(&format!("models/{name}.safetensors")).await?;
        self.admit(name, &card, weights)
    }

    /// Checks `weights` against the sha256 on the model's card, decodes them into the zoo's
    /// architecture for `name` on this device, and caches the model.
    pub fn admit(
        &self,
        name: &str,
        card: &[u8],
        weights: Vec<u8>,
    ) -> Result<Rc<Classifier>, String> {
        let spec = zoo::spec(name).map_err(|e| e.to_string())?;
        let card: ModelCard =
            serde_json::from_slice(card).map_err(|e| format!("card of {name}: {e}"))?;
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

    /// The default L-BFGS settings for `model` here. On the page's thread each tensor
    /// evaluation takes at most about [`SLICE_MACS`] worth of problems so that the page can
    /// yield between slices; WebGPU evaluates a whole batch at once.
    pub fn lbfgs_config(&self, model: &Classifier) -> LbfgsConfig {
        let per_slice = (SLICE_MACS / model.macs_per_image().max(1)).max(1);
        LbfgsConfig {
            eval_chunk: self.sliced.then_some(per_slice),
            ..LbfgsConfig::default()
        }
    }

    pub async fn probabilities(&self, model: &Classifier, pixels: &[f32]) -> Vec<f32> {
        eval::probabilities(model, pixels, &self.device).await
    }

    /// Attacks one image. L-BFGS reports to `progress` after every evaluation, which may
    /// await (to let the page run) and answers whether to go on.
    pub async fn attack(
        &self,
        model: &Classifier,
        pixels: &[f32],
        label: u8,
        goal: Goal,
        method: Method,
        progress: &mut dyn FnMut(&LbfgsProgress) -> Control,
    ) -> Outcome {
        let (labels, device) = ([label], &self.device);
        let outcomes = match method {
            Method::Lbfgs => {
                let config = self.lbfgs_config(model);
                attack::lbfgs(model, device, pixels, &labels, goal, &config, progress).await
            }
            Method::Fgsm { epsilon } => {
                attack::fgsm(model, device, pixels, &labels, goal, epsilon).await
            }
            Method::Pgd { epsilon, steps } => {
                let config = FgsmConfig {
                    epsilon,
                    steps,
                    random_start: Some(0),
                };
                attack::pgd(model, device, pixels, &labels, goal, config).await
            }
        };
        outcomes
            .into_iter()
            .next()
            .expect("one image in, one outcome out")
    }
}
