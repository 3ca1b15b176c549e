//! The app's engine in a real browser (wasm-bindgen-test in headless Chromium:
//! `scripts/test-wasm`): attacks on Burn's Flex CPU backend, on the page's thread as the app
//! runs them. WebGPU is tested through the app's own worker, against these CPU answers, in
//! `tests/e2e/webgpu.test.mjs`.
#![cfg(target_arch = "wasm32")]

use blindspot_core::attack::{Goal, Method, keep_going};
use blindspot_core::data::Digits;
use blindspot_web::engine::Engine;
use blindspot_web::job::AttackJob;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MODEL: &str = "fc100-100-10";

fn digit(i: usize) -> (Vec<f32>, u8) {
    let digits = Digits::from_idx(
        include_bytes!("../../www/digits/test-1k-images-idx3-ubyte.gz").to_vec(),
        include_bytes!("../../www/digits/test-1k-labels-idx1-ubyte.gz").to_vec(),
    )
    .unwrap();
    (digits.pixels(i), digits.labels[i])
}

#[wasm_bindgen_test]
async fn lbfgs_on_the_cpu_reaches_its_target_with_small_distortion() {
    let engine = Engine::cpu();
    let model = engine
        .admit(
            MODEL,
            include_bytes!("../../models/fc100-100-10.json"),
            include_bytes!("../../models/fc100-100-10.safetensors").to_vec(),
        )
        .await
        .expect("the shipped model matches its card");
    let (x, label) = digit(0);
    let p = engine.probabilities(&model, &x).await.unwrap();
    assert!(p[7] > 0.9, "the 7 is read as a 7: {p:?}");
    let job = AttackJob {
        model: MODEL, // admitted above, so the engine fetches nothing
        pixels: &x,
        label,
        goal: Goal::Target(3),
        method: Method::Lbfgs,
    };
    let lbfgs = engine.attack(job, &mut keep_going).await.unwrap().outcome;
    assert!(lbfgs.success && lbfgs.label == 3, "{lbfgs:?}");
    assert!(lbfgs.distortion.rms < 0.1, "rms {}", lbfgs.distortion.rms);
    assert!(lbfgs.adversarial.iter().all(|v| (0.0..=1.0).contains(v)));
}
