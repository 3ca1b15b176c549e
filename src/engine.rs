//! Compute on one Burn device: verified and cached models, inference, attacks and the
//! experiments' jobs. The page owns a CPU engine that only classifies; each CPU worker of the
//! pool owns one, and the WebGPU worker a WebGPU one.

use crate::job::{
    AttackJob, Attacked, Counted, Failure, PhotoAttacked, PhotoJob, RowExamples, RowJob, SetDone,
    SetJob, ShareJob, SliceFound, UnitsJob,
};
use blindspot_core::attack::objective::INVARIANT_ROWS;
use blindspot_core::attack::{Attack, Control, Goal, LbfgsConfig, Method, Progress};
use blindspot_core::card::{self, ModelCard};
use blindspot_core::data::{Digits, slice};
use blindspot_core::experiment::{gaussian_examples, wrong_counts};
use blindspot_core::imagenet::{self, Card, Loaded, Ranked, attacks};
use blindspot_core::levels::{from_bytes, to_bytes};
use blindspot_core::model::Classifier;
use blindspot_core::stability::{LayerBound, Layered, layer_jobs, with_network};
use blindspot_core::units::deal::{Liveness, tops};
use blindspot_core::units::{Features, features, find_layer};
use blindspot_core::{eval, zoo};
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
    models: RefCell<HashMap<String, Rc<Classifier>>>,
    /// EfficientNet-Lite0 and its class names, once loaded.
    imagenet: RefCell<Option<Rc<Loaded>>>,
    /// The gallery's digits, once fetched (the Units game reads them).
    gallery: RefCell<Option<Rc<Digits>>>,
    /// The last Units slice's features, and which slice they are.
    slice_features: RefCell<Option<(String, Rc<Features>)>>,
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

    /// The model `name`, fetched from `models/` and admitted once.
    pub async fn model(&self, name: &str) -> Result<Rc<Classifier>, String> {
        if let Some(m) = self.models.borrow().get(name) {
            return Ok(m.clone());
        }
        let card = crate::fetch::bytes(&format!("models/{name}.json")).await?;
        let weights = crate::fetch::bytes(&format!("models/{name}.safetensors")).await?;
        self.admit(name, &card, weights).await
    }

    /// Admits `weights` for `name` on this device (`card::admit`'s two steps, with a yield to
    /// the browser between: hashing and decoding ae400-10's 1.3 MB take about 30 ms each on
    /// the page's thread), and caches the model.
    pub async fn admit(
        &self,
        name: &str,
        card: &[u8],
        weights: Vec<u8>,
    ) -> Result<Rc<Classifier>, String> {
        let spec = zoo::spec(name).map_err(|e| e.to_string())?;
        let card: ModelCard =
            serde_json::from_slice(card).map_err(|e| format!("card of {name}: {e}"))?;
        let source = format!("models/{name}.safetensors");
        card::verify(&card, &weights, &source).map_err(|e| e.to_string())?;
        crate::pacing::next_frame().await;
        let model = Classifier::from_safetensors(spec.arch, weights, &self.device);
        let model = Rc::new(model.map_err(|e| e.to_string())?);
        self.models
            .borrow_mut()
            .insert(name.to_string(), model.clone());
        Ok(model)
    }

    pub async fn probabilities(
        &self,
        model: &Classifier,
        pixels: &[f32],
    ) -> Result<Vec<f32>, Failure> {
        Ok(eval::probabilities(&model.valid(), pixels, &self.plain).await?)
    }

    /// Runs `job` on its model (fetched and admitted once) and classifies the adversarial
    /// image. `progress` hears after every evaluation; it may await (to let the page run) and
    /// answers whether to go on. An untargeted L-BFGS attack keeps its evaluations at
    /// [`INVARIANT_ROWS`] rows or more, so that it gives what its shares give (see
    /// [`Engine::attack_share`]).
    pub async fn attack(
        &self,
        job: AttackJob<'_>,
        progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<Attacked, Failure> {
        let model = self.model(job.model).await?;
        let untargeted = job.goal == Goal::Untargeted;
        let attack = Attack {
            lbfgs: LbfgsConfig {
                min_rows: if untargeted { INVARIANT_ROWS } else { 1 },
                ..LbfgsConfig::default()
            },
            ..Attack::new(job.method)
        };
        let (label, goal) = ([usize::from(job.label)], [job.goal]);
        let run = attack.run(
            model.as_ref(),
            &self.device,
            job.pixels,
            &label,
            &goal,
            progress,
        );
        let outcome =
            (run.await?.pop()).ok_or_else(|| Failure::Job("the attack gave no outcome".into()))?;
        let probabilities = self.probabilities(&model, &outcome.adversarial).await?;
        Ok(Attacked {
            outcome,
            probabilities,
        })
    }

    /// One worker's share of an untargeted L-BFGS attack: the image attacked towards each of
    /// `job.targets` in one batch (at least [`INVARIANT_ROWS`] rows an evaluation), an outcome
    /// for each with the model's probabilities on it. `attack::split::merged` makes the shares'
    /// outcomes the untargeted attack's, bit for bit.
    pub async fn attack_share(
        &self,
        job: &ShareJob,
        progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<Vec<Attacked>, Failure> {
        let model = self.model(&job.model).await?;
        let attack = Attack {
            lbfgs: LbfgsConfig {
                min_rows: INVARIANT_ROWS,
                ..LbfgsConfig::default()
            },
            ..Attack::new(Method::Lbfgs)
        };
        let n = job.targets.len();
        let images = job.pixels.repeat(n);
        let goals: Vec<Goal> = job.targets.iter().map(|&t| Goal::Target(t)).collect();
        let labels = vec![usize::from(job.label); n];
        let run = attack.run(
            model.as_ref(),
            &self.device,
            &images,
            &labels,
            &goals,
            progress,
        );
        let mut shares = Vec::with_capacity(n);
        for outcome in run.await? {
            let probabilities = self.probabilities(&model, &outcome.adversarial).await?;
            shares.push(Attacked {
                outcome,
                probabilities,
            });
        }
        Ok(shares)
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

    /// The most probable classes of a photo (`[3, 224, 224]` in 8-bit levels).
    pub async fn photo(&self, pixels: &[u8]) -> Result<Vec<Ranked>, Failure> {
        let pixels = photo_pixels(pixels)?;
        let loaded = self.imagenet().await?;
        let model = loaded.model.valid();
        Ok(attacks::ranked(&model, &loaded.classes, &self.plain, &pixels).await?)
    }

    /// Runs `job` (judged on the 8-bit photo it gives, as the CLI judges it).
    pub async fn attack_photo(
        &self,
        job: &PhotoJob,
        progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<PhotoAttacked, Failure> {
        let pixels = photo_pixels(&job.pixels)?;
        let attack = attacks::attack(job.method, job.epsilon_levels, job.steps)?;
        let loaded = self.imagenet().await?;
        let (model, classes) = (&loaded.model, &loaded.classes);
        let report = attacks::attack_photo(
            model,
            classes,
            &self.device,
            &pixels,
            job.goal,
            &attack,
            progress,
        )
        .await?;
        let adversarial = to_bytes(&report.adversarial);
        Ok(PhotoAttacked {
            report,
            adversarial,
        })
    }
}

impl Engine {
    /// A slice of digits attacked as the Reproduce panel attacks them, in one batch (the pool
    /// sends slices of one batch each, so that every engine makes the same batches).
    pub async fn adversarial_set(
        &self,
        job: &SetJob,
        progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<SetDone, Failure> {
        let model = self.model(&job.model).await?;
        let pixels = from_bytes(&job.pixels);
        let (mut set, stopped) = blindspot_core::experiment::adversarial_set(
            &model,
            &self.device,
            &pixels,
            &job.labels,
            &job.indices,
            job.seed,
            &LbfgsConfig::default(),
            job.labels.len(),
            progress,
        )
        .await?;
        // The page has the originals and never reads them: not sent back, so that it parses
        // half the floats (its longest task in a 1,000-digit run was over 50 ms).
        set.original = Vec::new();
        Ok(SetDone { set, stopped })
    }

    /// How many of a [`RowJob`]'s examples each column model gets wrong (part of a row of
    /// Table 2's cross-check, as `experiment::transfer_block` makes it).
    pub async fn wrong_counts(&self, job: &RowJob) -> Result<Counted, Failure> {
        let mut loaded = Vec::with_capacity(job.columns.len());
        for name in &job.columns {
            loaded.push(self.model(name).await?.valid());
        }
        let columns: Vec<&Classifier> = loaded.iter().collect();
        let (pixels, noise_rms) = match &job.examples {
            RowExamples::Made(pixels) => (pixels.clone(), None),
            RowExamples::Noise {
                stddev,
                seed,
                pixels,
            } => {
                let (noisy, rms) = gaussian_examples(&from_bytes(pixels), *stddev, *seed);
                (noisy, Some(rms))
            }
        };
        let wrong = wrong_counts(&columns, &self.plain, &pixels, &job.labels).await?;
        Ok(Counted { wrong, noise_rms })
    }

    /// A slice of a Units deal: the features of gallery digits `start..end` at the job's
    /// layer (kept for the deal's second question, which comes with the directions), which
    /// units vary there and, given directions, the slice's best images for each.
    pub async fn units_slice(&self, job: &UnitsJob) -> Result<SliceFound, Failure> {
        let key = format!("{} {} {}..{}", job.model, job.layer, job.start, job.end);
        let kept = self.slice_features.borrow().clone();
        let features = match kept {
            Some((k, f)) if k == key => f,
            _ => {
                let m = self.model(&job.model).await?.valid();
                let layer = find_layer(&m, &job.layer)?;
                let digits = self.gallery().await?.range(job.start, job.end);
                let f = Rc::new(features(&m, &layer, &digits, &self.plain).await?);
                *self.slice_features.borrow_mut() = Some((key, f.clone()));
                f
            }
        };
        Ok(SliceFound {
            liveness: Liveness::of(&features),
            tops: tops(&features, &job.directions, job.k, job.start),
        })
    }

    /// The gallery's digits, fetched once.
    async fn gallery(&self) -> Result<Rc<Digits>, String> {
        if let Some(d) = self.gallery.borrow().clone() {
            return Ok(d);
        }
        let fetched = Rc::new(gallery_digits().await?);
        *self.gallery.borrow_mut() = Some(fetched.clone());
        Ok(fetched)
    }

    /// Table 5 for the digit model `model`, or for EfficientNet-Lite0 (`None`), layer by
    /// layer; `progress` hears after each (its `finished` of `problems` layers) and may await.
    pub async fn lipschitz(
        &self,
        model: Option<&str>,
        progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<Vec<LayerBound>, Failure> {
        let (digits, photos);
        let network: &dyn Layered = match model {
            Some(name) => {
                digits = self.model(name).await?.valid();
                &digits
            }
            None => {
                photos = self.imagenet().await?.model.valid();
                &photos
            }
        };
        let jobs = layer_jobs(network);
        let problems = jobs.len();
        let mut layers = Vec::with_capacity(problems);
        for job in jobs {
            layers.push(job());
            let done = Progress {
                round: 0,
                iteration: 0,
                c: 0.0,
                loss: 0.0,
                finished: layers.len(),
                problems,
            };
            progress(&done).await;
        }
        Ok(with_network(layers))
    }
}

/// A photo's bytes as the model's input, refused unless it is `[3, 224, 224]`.
fn photo_pixels(bytes: &[u8]) -> Result<Vec<f32>, Failure> {
    if bytes.len() != imagenet::INPUT {
        return Err(Failure::Job(format!(
            "a photo of {} values, not 3×224×224",
            bytes.len()
        )));
    }
    Ok(from_bytes(bytes))
}
