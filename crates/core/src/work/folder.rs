//! A [`Workshop`] on files: the zoo's models from a folder (verified against their cards),
//! EfficientNet-Lite0 from its subfolder, the committed digits, and training digits where given,
//! each loaded once on a device.
//! The CLI runs plans on it, and so do the native tests.

use super::{Failure, KeptFeatures, Workshop};
use crate::data::{Digits, Mnist, slice};
use crate::imagenet::{self, Loaded};
use crate::model::Classifier;
use burn::prelude::Device;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

pub struct Folder {
    device: Device,
    plain: Device,
    models: PathBuf,
    digits: Option<PathBuf>,
    training: Option<Rc<Mnist>>,
    loaded: RefCell<HashMap<String, Rc<Classifier>>>,
    imagenet: RefCell<Option<Rc<Loaded>>>,
    kept: RefCell<Option<KeptFeatures>>,
    /// Where [`Workshop::now`] counts from.
    epoch: std::time::Instant,
}

impl Folder {
    /// `device` with autodiff (attacks differentiate); `models` holds the zoo's files.
    pub fn new(device: Device, models: PathBuf) -> Self {
        Folder {
            plain: device.clone().without_autodiff(),
            device,
            models,
            digits: None,
            training: None,
            loaded: RefCell::default(),
            imagenet: RefCell::default(),
            kept: RefCell::default(),
            epoch: std::time::Instant::now(),
        }
    }
}

impl Folder {
    /// With the gallery's digits from `digits` (the committed test slice, `www/digits`).
    pub fn with_gallery(self, digits: PathBuf) -> Self {
        Folder {
            digits: Some(digits),
            ..self
        }
    }
}

impl Folder {
    /// With `mnist` for training runs (the CLI's MNIST, a test's slices).
    pub fn with_training(self, mnist: Mnist) -> Self {
        Folder {
            training: Some(Rc::new(mnist)),
            ..self
        }
    }
}

impl Workshop for Folder {
    fn device(&self) -> &Device {
        &self.device
    }

    fn now(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64() * 1000.0
    }

    fn plain(&self) -> &Device {
        &self.plain
    }

    async fn model(&self, name: &str) -> Result<Rc<Classifier>, Failure> {
        if let Some(m) = self.loaded.borrow().get(name) {
            return Ok(m.clone());
        }
        let (model, _) = crate::yours::load(&self.models, name, &self.device)?;
        let model = Rc::new(model);
        self.loaded
            .borrow_mut()
            .insert(name.to_string(), model.clone());
        Ok(model)
    }

    async fn imagenet(&self) -> Result<Rc<Loaded>, Failure> {
        if let Some(loaded) = self.imagenet.borrow().clone() {
            return Ok(loaded);
        }
        let loaded = Rc::new(imagenet::load(&self.models, &self.device)?);
        *self.imagenet.borrow_mut() = Some(loaded.clone());
        Ok(loaded)
    }

    async fn gallery(&self) -> Result<Rc<Digits>, Failure> {
        let dir = (self.digits.as_ref()).ok_or_else(|| Failure::Job("no gallery here".into()))?;
        Ok(Rc::new(slice::load(dir)?))
    }

    async fn training(&self) -> Result<Rc<Mnist>, Failure> {
        (self.training.clone()).ok_or_else(|| Failure::Job("no training digits here".into()))
    }

    fn kept_features(&self) -> &RefCell<Option<KeptFeatures>> {
        &self.kept
    }
}
