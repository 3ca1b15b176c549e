//! The compute side of the page: the devices (WebGPU where the browser has it, Burn's Flex CPU
//! backend always), verified and cached models, inference and attacks. The UI talks to it
//! through plain values.

use blindspot_core::attack::{
    self, Control, FgsmConfig, Goal, LbfgsConfig, LbfgsProgress, Outcome,
};
use blindspot_core::card::ModelCard;
use blindspot_core::data::{Digits, mnist::hex_sha256, slice};
use blindspot_core::model::Classifier;
use blindspot_core::{eval, zoo};
use burn::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// Which attack to run and how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    Lbfgs,
    Fgsm { epsilon: f32 },
    Pgd { epsilon: f32, steps: usize },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    Cpu,
    WebGpu,
}

impl Backend {
    pub fn label(self) -> &'static str {
        match self {
            Backend::Cpu => "CPU",
            Backend::WebGpu => "WebGPU",
        }
    }
}

/// What the page learns about the devices at start-up.
#[derive(Clone, Debug, PartialEq)]
pub struct Devices {
    pub chosen: Backend,
    /// The WebGPU adapter's name and type, or why there is none.
    pub adapter: Result<String, String>,
    /// Milliseconds of the start-up probe on each backend (see [`Lab::probe`]).
    pub cpu_ms: f64,
    pub gpu_ms: Option<f64>,
}

pub struct Lab {
    cpu: Device,
    gpu: RefCell<Option<Device>>,
    backend: Cell<Backend>,
    models: RefCell<HashMap<(Backend, String), Rc<Classifier>>>,
}

/// Forward multiply-adds per CPU evaluation slice during attacks: about 40 ms of gradient
/// work on the page's thread (the convnet, 1.1 M per image, gets 2 problems per slice).
const SLICE_MACS: usize = 2_400_000;

/// The lab as a component property: equal when it is the same lab.
#[derive(Clone)]
pub struct LabRef(pub Rc<Lab>);

impl PartialEq for LabRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Milliseconds from the page's clock (sub-millisecond where the browser allows).
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

impl Lab {
    pub fn new() -> Self {
        Lab {
            cpu: Device::flex().autodiff(),
            gpu: RefCell::new(None),
            backend: Cell::new(Backend::Cpu),
            models: RefCell::new(HashMap::new()),
        }
    }

    /// Switches backend (WebGPU only once it initialised). Models reload lazily on the new one.
    pub fn set_backend(&self, backend: Backend) -> Backend {
        if backend == Backend::Cpu || self.gpu.borrow().is_some() {
            self.backend.set(backend);
        }
        self.backend.get()
    }

    fn device(&self) -> Device {
        match self.backend.get() {
            Backend::WebGpu => self
                .gpu
                .borrow()
                .clone()
                .unwrap_or_else(|| self.cpu.clone()),
            Backend::Cpu => self.cpu.clone(),
        }
    }

    /// Tries WebGPU, times the same small gradient job on both backends, and picks the faster
    /// (a software adapter such as SwiftShader loses to the CPU).
    pub async fn start(&self) -> Devices {
        let adapter = self.init_webgpu().await;
        let cpu_ms = Self::probe(&self.cpu).await;
        let gpu = self.gpu.borrow().clone();
        let gpu_ms = match gpu {
            Some(device) => {
                Self::probe(&device).await; // the first run compiles the kernels
                Some(Self::probe(&device).await)
            }
            None => None,
        };
        let chosen = match gpu_ms {
            Some(g) if g < cpu_ms => Backend::WebGpu,
            _ => Backend::Cpu,
        };
        self.backend.set(chosen);
        Devices {
            chosen,
            adapter,
            cpu_ms,
            gpu_ms,
        }
    }

    #[cfg(feature = "webgpu")]
    async fn init_webgpu(&self) -> Result<String, String> {
        let (device, setup) = Device::wgpu_options()
            .init_with_setup_async()
            .await
            .map_err(|e| e.to_string())?;
        let info = setup.adapter.get_info();
        *self.gpu.borrow_mut() = Some(device.autodiff());
        Ok(format!(
            "'{}' ({:?}, {:?})",
            info.name, info.device_type, setup.backend
        ))
    }

    #[cfg(not(feature = "webgpu"))]
    async fn init_webgpu(&self) -> Result<String, String> {
        Err("this build has no WebGPU support: build with --features webgpu".into())
    }

    /// Milliseconds for the shape of an attack step: a [9, 784] × [784, 100] product, a
    /// sigmoid, its input gradient, read back.
    async fn probe(device: &Device) -> f64 {
        let started = now();
        let x = Tensor::<2>::ones([9, 784], device)
            .mul_scalar(0.5)
            .require_grad();
        let w = Tensor::<2>::ones([784, 100], device).mul_scalar(0.01);
        let y = burn::tensor::activation::sigmoid(x.clone().matmul(w)).sum();
        let grads = y.backward();
        if let Some(g) = x.grad(&grads) {
            let _ = g.into_data_async().await;
        }
        now() - started
    }

    /// The model `name` on the current backend, fetched from `models/` and checked against its
    /// card's sha256 once.
    pub async fn model(&self, name: &str) -> Result<Rc<Classifier>, String> {
        self.model_on(self.backend.get(), name).await
    }

    /// The CPU device, for analyses that read tensors synchronously (Lipschitz bounds).
    pub fn cpu(&self) -> &Device {
        &self.cpu
    }

    /// The device of the current backend.
    pub fn current(&self) -> Device {
        self.device()
    }

    /// The model `name` on `backend`.
    pub async fn model_on(&self, backend: Backend, name: &str) -> Result<Rc<Classifier>, String> {
        let key = (backend, name.to_string());
        if let Some(m) = self.models.borrow().get(&key) {
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
        let device = match backend {
            Backend::Cpu => self.cpu.clone(),
            Backend::WebGpu => self.device(),
        };
        let model = Rc::new(
            Classifier::from_safetensors(spec.arch, weights, &device).map_err(|e| e.to_string())?,
        );
        self.models.borrow_mut().insert(key, model.clone());
        Ok(model)
    }

    /// The default L-BFGS settings for `model` on this backend. On the CPU the page's own
    /// thread computes, so each tensor evaluation takes at most about [`SLICE_MACS`] worth of
    /// problems and the page yields between slices; WebGPU evaluates a whole batch at once.
    pub fn lbfgs_config(&self, model: &Classifier) -> LbfgsConfig {
        let per_slice = (SLICE_MACS / model.macs_per_image().max(1)).max(1);
        LbfgsConfig {
            eval_chunk: (self.backend.get() == Backend::Cpu).then_some(per_slice),
            ..LbfgsConfig::default()
        }
    }

    pub async fn probabilities(&self, model: &Classifier, pixels: &[f32]) -> Vec<f32> {
        eval::probabilities(model, pixels, &self.device()).await
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
        let (labels, device) = ([label], self.device());
        let outcomes = match method {
            Method::Lbfgs => {
                let config = self.lbfgs_config(model);
                attack::lbfgs(model, &device, pixels, &labels, goal, &config, progress).await
            }
            Method::Fgsm { epsilon } => {
                attack::fgsm(model, &device, pixels, &labels, goal, epsilon).await
            }
            Method::Pgd { epsilon, steps } => {
                let config = FgsmConfig {
                    epsilon,
                    steps,
                    random_start: Some(0),
                };
                attack::pgd(model, &device, pixels, &labels, goal, config).await
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
