//! One Burn device with the page's files on it: models fetched from `models/`, verified against
//! their cards and cached; EfficientNet-Lite0; the gallery's digits. It is the page's
//! [`Workshop`], where core's jobs run. The page owns a CPU engine that only classifies; each CPU
//! worker of the pool owns one, and the WebGPU worker a WebGPU one.

use blindspot_core::card::{self, ModelCard};
use blindspot_core::data::{Digits, Mnist, slice};
use blindspot_core::imagenet::{self, Card, Loaded};
use blindspot_core::model::Classifier;
use blindspot_core::work::{Failure, KeptFeatures, Workshop};
use blindspot_core::yours;
use burn::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

pub struct Engine {
    /// With autodiff: attacks differentiate through the models.
    device: Device,
    /// The same device without autodiff, for every computation that runs no backward pass
    /// (classifying, Table 2's counts, Units features, Lipschitz bounds). On an autodiff device
    /// each forward pass's graph stays until a backward pass: natively, 20,000 fc100 forward
    /// passes grew the process by 377 MB, and the page's wasm memory grew 11 KB a digit read.
    plain: Device,
    /// Each model admitted, with its card's sha256.
    models: RefCell<HashMap<String, (String, Rc<Classifier>)>>,
    /// EfficientNet-Lite0 and its class names, once loaded.
    imagenet: RefCell<Option<Rc<Loaded>>>,
    /// The gallery's digits, once fetched (the Units game reads them).
    gallery: RefCell<Option<Rc<Digits>>>,
    /// MNIST, once fetched (a CPU worker's training jobs read it).
    training: RefCell<Option<Rc<Mnist>>>,
    /// The last Units slice's features, and which slice they are.
    slice_features: RefCell<Option<KeptFeatures>>,
}

/// The committed test slice, for the gallery (the page's and the workers').
pub async fn gallery_digits() -> Result<Digits, String> {
    let images = crate::fetch::bytes(&format!("digits/{}", slice::IMAGES)).await?;
    let labels = crate::fetch::bytes(&format!("digits/{}", slice::LABELS)).await?;
    Digits::from_idx(images, labels).map_err(|e| e.to_string())
}

impl Engine {
    /// Burn's Flex backend: the page's and the CPU workers' engine.
    #[cfg(feature = "cpu")]
    pub fn cpu() -> Self {
        Self::on(Device::flex().autodiff())
    }

    fn on(device: Device) -> Self {
        Engine {
            plain: device.clone().without_autodiff(),
            device,
            models: RefCell::new(HashMap::new()),
            imagenet: RefCell::new(None),
            gallery: RefCell::new(None),
            training: RefCell::new(None),
            slice_features: RefCell::new(None),
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
        Ok((Self::on(device.autodiff()), name))
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

    /// The model `name`, fetched from `models/` and admitted once; or one of yours, read from
    /// the browser's storage, admitted again only when its card names other weights (a run
    /// keeps a newer model under the same name after each epoch).
    pub async fn model(&self, name: &str) -> Result<Rc<Classifier>, String> {
        let yours = yours::is_yours(name);
        if !yours && let Some((_, m)) = self.models.borrow().get(name) {
            return Ok(m.clone());
        }
        let card = match yours {
            true => crate::yours_store::card(name).await?,
            false => crate::fetch::bytes(&format!("models/{name}.json")).await?,
        };
        let card: ModelCard =
            serde_json::from_slice(&card).map_err(|e| format!("card of {name}: {e}"))?;
        if let Some((sha, m)) = self.models.borrow().get(name)
            && *sha == card.sha256
        {
            return Ok(m.clone());
        }
        let weights = match yours {
            true => crate::yours_store::weights(name).await?,
            false => crate::fetch::bytes(&format!("models/{name}.safetensors")).await?,
        };
        self.admitted(name, card, weights).await
    }

    /// Admits `weights` for `name` checked against its card's text `card` (the wasm tests give
    /// the shipped files).
    pub async fn admit(
        &self,
        name: &str,
        card: &[u8],
        weights: Vec<u8>,
    ) -> Result<Rc<Classifier>, String> {
        let card = serde_json::from_slice(card).map_err(|e| format!("card of {name}: {e}"))?;
        self.admitted(name, card, weights).await
    }

    /// Admits `weights` for `name` on this device (`card::admit`'s two steps, with a yield to
    /// the browser between: hashing and decoding ae400-10's 1.3 MB take about 30 ms each on
    /// the page's thread), and caches the model with its card's sha256.
    async fn admitted(
        &self,
        name: &str,
        card: ModelCard,
        weights: Vec<u8>,
    ) -> Result<Rc<Classifier>, String> {
        let spec = yours::spec_for(name, &card).map_err(|e| e.to_string())?;
        let source = format!("models/{name}.safetensors");
        card::verify(&card, &weights, &source).map_err(|e| e.to_string())?;
        crate::pacing::next_frame().await;
        let model = Classifier::from_safetensors(spec.arch, weights, &self.device);
        let model = Rc::new(model.map_err(|e| e.to_string())?);
        (self.models.borrow_mut()).insert(name.to_string(), (card.sha256, model.clone()));
        Ok(model)
    }

    /// EfficientNet-Lite0 and its class names from `models/imagenet/`, checked against their
    /// card and loaded once.
    pub async fn imagenet(&self) -> Result<Rc<Loaded>, Failure> {
        if let Some(loaded) = self.imagenet.borrow().clone() {
            return Ok(loaded);
        }
        let at = |file: &str| format!("models/{}/{file}", imagenet::DIR);
        let card = Card::parse(&crate::fetch::bytes(&at(imagenet::CARD)).await?)?;
        let weights = crate::fetch::bytes(&at(&card.weights.file)).await?;
        let classes = crate::fetch::bytes(&at(&card.classes.file)).await?;
        let loaded = Rc::new(Loaded::new(&card, weights, classes, &self.device)?);
        *self.imagenet.borrow_mut() = Some(loaded.clone());
        Ok(loaded)
    }

    /// The gallery's digits, fetched once.
    pub async fn gallery(&self) -> Result<Rc<Digits>, String> {
        if let Some(d) = self.gallery.borrow().clone() {
            return Ok(d);
        }
        let fetched = Rc::new(gallery_digits().await?);
        *self.gallery.borrow_mut() = Some(fetched.clone());
        Ok(fetched)
    }
}

/// The engine is where the page's jobs run (`Job::run`).
impl Workshop for Engine {
    fn device(&self) -> &Device {
        &self.device
    }

    fn now(&self) -> f64 {
        crate::clock::now()
    }

    fn plain(&self) -> &Device {
        &self.plain
    }

    async fn model(&self, name: &str) -> Result<Rc<Classifier>, Failure> {
        Ok(Engine::model(self, name).await?)
    }

    async fn imagenet(&self) -> Result<Rc<Loaded>, Failure> {
        Engine::imagenet(self).await
    }

    async fn gallery(&self) -> Result<Rc<Digits>, Failure> {
        Ok(Engine::gallery(self).await?)
    }

    async fn training(&self) -> Result<Rc<Mnist>, Failure> {
        if let Some(d) = self.training.borrow().clone() {
            return Ok(d);
        }
        let fetched = Rc::new(crate::training_digits::load().await?);
        *self.training.borrow_mut() = Some(fetched.clone());
        Ok(fetched)
    }

    fn kept_features(&self) -> &RefCell<Option<KeptFeatures>> {
        &self.slice_features
    }
}
