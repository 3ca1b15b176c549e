//! The app's engine in a real browser (wasm-bindgen-test in headless Chromium:
//! `scripts/test-wasm`): attacks on Burn's Flex CPU backend, as the app's CPU workers run
//! them, and classifying beside them without growing memory. WebGPU is tested through the app's own worker, against these CPU answers, in
//! `tests/e2e/webgpu.test.mjs`.
#![cfg(target_arch = "wasm32")]

use blindspot_core::attack::{Goal, Method, keep_going};
use blindspot_core::data::Digits;
use blindspot_core::work::plan::{self, Serial};
use blindspot_core::work::{AttackJob, Attacked, Job};
use blindspot_web::compute::engine::Engine;
use wasm_bindgen::JsCast;
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

/// A CPU engine with the shipped fc100-100-10 and convnet admitted (so it fetches nothing).
async fn engine() -> Engine {
    let engine = Engine::cpu();
    let shipped = [
        (
            MODEL,
            &include_bytes!("../../models/fc100-100-10.json")[..],
            &include_bytes!("../../models/fc100-100-10.safetensors")[..],
        ),
        (
            "convnet",
            &include_bytes!("../../models/convnet.json")[..],
            &include_bytes!("../../models/convnet.safetensors")[..],
        ),
    ];
    for (name, card, weights) in shipped {
        let admitted = engine.admit(name, card, weights.to_vec()).await;
        admitted.expect("the shipped model matches its card");
    }
    engine
}

/// The model's probabilities on `pixels`, as the page asks for them.
async fn classify(engine: &Engine, pixels: &[f32]) -> Vec<f32> {
    let job = Job::Classify {
        model: MODEL.into(),
        pixels: pixels.to_vec(),
    };
    let answer = job.run(engine, &mut keep_going).await.unwrap();
    Vec::<f32>::try_from(answer).unwrap()
}

#[wasm_bindgen_test]
async fn lbfgs_on_the_cpu_reaches_its_target_with_small_distortion() {
    let engine = engine().await;
    let (x, label) = digit(0);
    let p = classify(&engine, &x).await;
    assert!(p[7] > 0.9, "the 7 is read as a 7: {p:?}");
    let job = Job::Attack(AttackJob {
        model: MODEL.into(), // admitted above, so the engine fetches nothing
        pixels: x,
        label,
        goal: Goal::Target(3),
        method: Method::Lbfgs,
    });
    let answer = job.run(&engine, &mut keep_going).await.unwrap();
    let lbfgs = Attacked::try_from(answer).unwrap().outcome;
    assert!(lbfgs.success && lbfgs.label == 3, "{lbfgs:?}");
    assert!(lbfgs.distortion.rms < 0.1, "rms {}", lbfgs.distortion.rms);
    assert!(lbfgs.adversarial.iter().all(|v| (0.0..=1.0).contains(v)));
}

/// The pool's untargeted attack (`plan::attack`): its nine targets dealt over 2 or 4 workers,
/// each solving its share in its own batch, and merged, give the one engine's untargeted attack
/// bit for bit (wasm's SIMD kernels round differently from native ones, so this is checked here
/// too).
#[wasm_bindgen_test]
async fn an_untargeted_attack_split_over_workers_is_the_one_engines_bit_for_bit() {
    let engine = engine().await;
    for model in [MODEL, "convnet"] {
        let (x, label) = digit(1);
        let job = AttackJob {
            model: model.into(),
            pixels: x,
            label,
            goal: Goal::Untargeted,
            method: Method::Lbfgs,
        };
        let answer = Job::Attack(job.clone()).run(&engine, &mut keep_going).await;
        let whole = Attacked::try_from(answer.unwrap()).unwrap();
        for parts in [2, 4] {
            let shares = plan::attack::shares(&job, parts).expect("untargeted L-BFGS splits");
            assert_eq!(shares.len(), parts);
            let pool = Serial {
                parts,
                ..Serial::new(&engine)
            };
            let merged = plan::attack::run(&pool, job.clone(), plan::quiet());
            let merged = merged.await.unwrap().outcome;
            assert!(merged.success, "{model}: {merged:?}");
            assert_eq!(merged, whole.outcome, "{model}, {parts} workers");
        }
    }
}

/// This wasm instance's memory, in bytes (it only ever grows).
fn wasm_memory() -> u32 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length()
}

#[wasm_bindgen_test]
async fn classifying_on_an_engine_that_attacks_keeps_memory_flat() {
    // The engine attacks (autodiff) and classifies; a forward pass on the autodiff device
    // would keep its graph until a backward pass: about 11 KB a digit read, 22 MB here.
    let engine = engine().await;
    let (pixels, label) = digit(0);
    for _ in 0..100 {
        classify(&engine, &pixels).await;
    }
    let before = wasm_memory();
    for _ in 0..2000 {
        let p = classify(&engine, &pixels).await;
        assert!(p[usize::from(label)] > 0.5);
    }
    let grown = wasm_memory() - before;
    assert!(
        grown < 1 << 20,
        "wasm memory grew {grown} bytes over 2,000 reads"
    );
}
