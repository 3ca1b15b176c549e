//! The app's engine in a real browser (wasm-bindgen-test in headless Chromium:
//! `scripts/test-wasm`): attacks on Burn's Flex CPU backend and, built with the `webgpu`
//! feature, on the browser's WebGPU adapter, which must agree with the CPU up to float
//! tolerance.
#![cfg(target_arch = "wasm32")]

use blindspot_core::attack::{Goal, Method, Outcome, keep_going};
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

/// What one engine says of test digit 0 (a 7): its probabilities, FGSM and L-BFGS to 3.
async fn answers(engine: &Engine) -> (Vec<f32>, Outcome, Outcome) {
    let model = engine
        .admit(
            MODEL,
            include_bytes!("../../models/fc100-100-10.json"),
            include_bytes!("../../models/fc100-100-10.safetensors").to_vec(),
        )
        .expect("the shipped model matches its card");
    let (x, label) = digit(0);
    let p = engine.probabilities(&model, &x).await.unwrap();
    let job = |method| AttackJob {
        model: MODEL, // admitted above, so the engine fetches nothing
        pixels: &x,
        label,
        goal: Goal::Target(3),
        method,
    };
    let fgsm = job(Method::Fgsm { epsilon: 0.1 });
    let fgsm = engine.attack(fgsm, &mut keep_going).await.unwrap();
    let lbfgs = engine.attack(job(Method::Lbfgs), &mut keep_going).await;
    (p, fgsm.outcome, lbfgs.unwrap().outcome)
}

#[wasm_bindgen_test]
async fn lbfgs_on_the_cpu_reaches_its_target_with_small_distortion() {
    let (p, _, lbfgs) = answers(&Engine::cpu()).await;
    assert!(p[7] > 0.9, "the 7 is read as a 7: {p:?}");
    assert!(lbfgs.success && lbfgs.label == 3, "{lbfgs:?}");
    assert!(lbfgs.distortion.rms < 0.1, "rms {}", lbfgs.distortion.rms);
    assert!(lbfgs.adversarial.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[cfg(feature = "webgpu")]
#[wasm_bindgen_test]
async fn webgpu_gives_the_cpus_answers() {
    let (gpu, adapter) = Engine::webgpu().await.expect("a WebGPU adapter");
    web_sys::console::log_1(&format!("WebGPU adapter: {adapter}").into());
    let (p_cpu, fgsm_cpu, lbfgs_cpu) = answers(&Engine::cpu()).await;
    let (p_gpu, fgsm_gpu, lbfgs_gpu) = answers(&gpu).await;
    let diff = p_cpu
        .iter()
        .zip(&p_gpu)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(diff < 1e-4, "probabilities differ by {diff}");
    assert_eq!(fgsm_gpu.label, fgsm_cpu.label);
    assert!((fgsm_gpu.distortion.rms - fgsm_cpu.distortion.rms).abs() < 1e-4);
    assert!(lbfgs_gpu.success && lbfgs_gpu.label == 3, "{lbfgs_gpu:?}");
    let (g, c) = (lbfgs_gpu.distortion.rms, lbfgs_cpu.distortion.rms);
    assert!(
        (g - c).abs() < 0.005,
        "L-BFGS rms {g} on WebGPU, {c} on the CPU"
    );
}
