//! Blindspot's half of the TF.js comparison (tests/bench/tfjs.sh): the CPU engine's objective
//! and attacks behind a few wasm-bindgen exports, which the bench page times next to TF.js's
//! in the same page load. Built into target/bench-web/ by tests/bench/tfjs.sh, never into
//! pkg/. On the CPU every future here is ready at once, so each export blocks until done, as
//! a worker's job does.

#[cfg(target_arch = "wasm32")]
mod exports {
    use blindspot_core::attack::objective::{Batch, evaluate};
    use blindspot_core::attack::{
        FgsmConfig, Goal, LbfgsConfig, MethodName, Outcome, block_on, keep_going, lbfgs_each,
        pgd_each,
    };
    use blindspot_core::card::{self, ModelCard};
    use blindspot_core::data::Digits;
    use blindspot_core::imagenet::{
        self,
        attacks::{EPSILON_LEVELS, PGD_STEPS, attack as photo_attack, attack_photo},
    };
    use blindspot_core::model::Classifier;
    use blindspot_core::model::Network;
    use blindspot_core::zoo;
    use burn::prelude::Device;
    use burn::prelude::{Tensor, TensorData};
    use wasm_bindgen::prelude::*;

    fn failed(e: impl std::fmt::Display) -> JsError {
        JsError::new(&e.to_string())
    }

    /// The first `n` of the app's 1,000 test digits (www/digits): pixels in [0, 1], row-major.
    #[wasm_bindgen]
    pub fn digits(n: usize) -> Result<Vec<f32>, JsError> {
        let d = test_digits()?;
        Ok(d.floats()[..n.min(d.len()) * blindspot_core::PIXELS].to_vec())
    }

    /// Their labels.
    #[wasm_bindgen]
    pub fn labels(n: usize) -> Result<Vec<u32>, JsError> {
        let d = test_digits()?;
        Ok(d.labels.iter().take(n).map(|&l| l as u32).collect())
    }

    fn test_digits() -> Result<Digits, JsError> {
        Digits::from_idx(
            include_bytes!("../../www/digits/test-1k-images-idx3-ubyte.gz").to_vec(),
            include_bytes!("../../www/digits/test-1k-labels-idx1-ubyte.gz").to_vec(),
        )
        .map_err(failed)
    }

    /// One zoo model on Burn's Flex CPU backend, as the app's CPU worker holds it.
    #[wasm_bindgen]
    pub struct Bench {
        model: Classifier,
        device: Device,
    }

    #[wasm_bindgen]
    impl Bench {
        /// `name`'s weights, checked against its card as the app checks them.
        #[wasm_bindgen(constructor)]
        pub fn new(name: &str, card: &[u8], weights: Vec<u8>) -> Result<Bench, JsError> {
            let spec = zoo::spec(name).map_err(failed)?;
            let card: ModelCard = serde_json::from_slice(card).map_err(failed)?;
            let device = Device::flex().autodiff();
            let model = card::admit(spec, &card, weights, name, &device).map_err(failed)?;
            Ok(Bench { model, device })
        }

        /// One evaluation of the L-BFGS objective (value, label and input gradient read back)
        /// at the rows `x`, measured from themselves, weight `c`, temperature 0.05.
        pub fn evaluate(&self, x: &[f32], targets: &[u32], c: f32) -> Result<Vec<f32>, JsError> {
            let targets: Vec<usize> = targets.iter().map(|&t| t as usize).collect();
            let cs = vec![c; targets.len()];
            let t = LbfgsConfig::default().temperature;
            let batch = Batch::new(x, x, &targets, &cs, t);
            let e = block_on(evaluate(&self.model, &self.device, batch)).map_err(failed)?;
            Ok(e.grad)
        }

        /// The paper's attack with the default settings, all rows in one batch: per image
        /// `[reached target (0/1), label, RMS, evaluations]`, flattened.
        pub fn lbfgs(
            &self,
            images: &[f32],
            labels: &[u32],
            targets: &[u32],
        ) -> Result<Vec<f32>, JsError> {
            let (labels, goals) = problems(labels, targets);
            let config = LbfgsConfig::default();
            let outcomes = block_on(lbfgs_each(
                &self.model,
                &self.device,
                images,
                &labels,
                &goals,
                &config,
                &mut keep_going,
            ));
            Ok(flatten(&outcomes.map_err(failed)?))
        }

        /// PGD (no random start) of `steps` steps in the L∞ ball of `epsilon`, as `lbfgs`.
        pub fn pgd(
            &self,
            images: &[f32],
            labels: &[u32],
            targets: &[u32],
            epsilon: f32,
            steps: usize,
        ) -> Result<Vec<f32>, JsError> {
            let (labels, goals) = problems(labels, targets);
            let config = FgsmConfig {
                epsilon,
                steps,
                random_start: None,
            };
            let outcomes = block_on(pgd_each(
                &self.model,
                &self.device,
                images,
                &labels,
                &goals,
                config,
                &mut keep_going,
            ));
            Ok(flatten(&outcomes.map_err(failed)?))
        }
    }

    /// EfficientNet-Lite0 on Burn's Flex CPU backend as the app's CPU worker holds it: with its
    /// own CPU kernels (`kernels`) or on Burn's generic path, for the photo bench
    /// (tests/bench/photos.mjs).
    #[wasm_bindgen]
    pub struct Photos {
        loaded: imagenet::Loaded,
        device: Device,
    }

    #[wasm_bindgen]
    impl Photos {
        #[wasm_bindgen(constructor)]
        pub fn new(
            card: &[u8],
            weights: Vec<u8>,
            classes: Vec<u8>,
            kernels: bool,
        ) -> Result<Photos, JsError> {
            let card = imagenet::Card::parse(card).map_err(failed)?;
            let device = Device::flex().autodiff();
            let mut loaded =
                imagenet::Loaded::new(&card, weights, classes, &device).map_err(failed)?;
            if !kernels {
                loaded.model.kernels = None;
            }
            Ok(Photos { loaded, device })
        }

        /// A photo's RGBA pixels (`width` × `height`) cut to the model's input as the app cuts
        /// them.
        pub fn crop(width: usize, height: usize, rgba: &[u8]) -> Result<Vec<f32>, JsError> {
            imagenet::crop(width, height, rgba).map_err(failed)
        }

        /// The logits of one photo (`[3, 224, 224]` in [0, 1]).
        pub fn forward(&self, x: &[f32]) -> Result<Vec<f32>, JsError> {
            let t = Tensor::<2>::from_data(TensorData::new(x.to_vec(), [1, x.len()]), &self.device);
            let logits = self.loaded.model.logits(t);
            block_on(logits.into_data_async())
                .map_err(failed)?
                .try_into_vec_as::<f32>()
                .map_err(failed)
        }

        /// The gradient in the pixels of the cross-entropy towards `target` (the attacks'
        /// objective at c = 0).
        pub fn gradient(&self, x: &[f32], target: u32) -> Result<Vec<f32>, JsError> {
            let (targets, c) = ([target as usize], [0.0]);
            let batch = Batch::new(x, x, &targets, &c, 1.0);
            let e = block_on(evaluate(&self.loaded.model, &self.device, batch)).map_err(failed)?;
            Ok(e.grad)
        }

        /// `method` (lbfgs, pgd: 10 steps within 8/255) towards `target`, as the Photos panel
        /// runs it: `[reached (0/1), label of the 8-bit result, RMS, gradient evaluations]`.
        pub fn attack(&self, x: &[f32], method: &str, target: u32) -> Result<Vec<f32>, JsError> {
            let method = MethodName::parse(method).map_err(failed)?;
            let attack = photo_attack(method, EPSILON_LEVELS, PGD_STEPS, 1).map_err(failed)?;
            let goal = Goal::Target(target as usize);
            let (model, classes) = (&self.loaded.model, &self.loaded.classes);
            let r = block_on(attack_photo(
                model,
                classes,
                &self.device,
                x,
                goal,
                &attack,
                &mut keep_going,
            ))
            .map_err(failed)?;
            Ok(vec![
                r.success as u8 as f32,
                r.label as f32,
                r.rms,
                r.iterations as f32,
            ])
        }
    }

    fn problems(labels: &[u32], targets: &[u32]) -> (Vec<usize>, Vec<Goal>) {
        let labels = labels.iter().map(|&l| l as usize).collect();
        let goals = targets.iter().map(|&t| Goal::Target(t as usize)).collect();
        (labels, goals)
    }

    fn flatten(outcomes: &[Outcome]) -> Vec<f32> {
        outcomes
            .iter()
            .flat_map(|o| {
                let reached = (o.success && o.label == o.target) as u8 as f32;
                [
                    reached,
                    o.label as f32,
                    o.distortion.rms,
                    o.iterations as f32,
                ]
            })
            .collect()
    }
}

fn main() {}
