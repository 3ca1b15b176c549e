//! DeepFool, Carlini–Wagner L2 and JSMA against an independent reference of the same
//! algorithms (`tests/reference/after_the_paper.py`: Foolbox 3.3.4's DeepFool and C&W on
//! PyTorch, JSMA and targeted DeepFool written there on PyTorch's gradients), on the same
//! models, digits and targets: the mean L2 of the successes (JSMA: the mean pixels changed)
//! within 5%, and the same digits reached but for one in twenty.

mod common;
use blindspot_core::PIXELS;
use blindspot_core::attack::{Attack, CwConfig, Goal, Method, Outcome, block_on, keep_going};
use common::{model, repo};
use serde_json::Value;

/// The reference's results for `attack` on `model` (from the committed fixture).
fn reference(model: &str, attack: &str) -> Value {
    let path = repo().join("tests/fixtures/after-the-paper-reference.json");
    let all: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    all["models"][model][attack].clone()
}

/// Runs `method` on the reference's first `most` digits (their goals as the reference had
/// them) and compares: mean L2 (or, for JSMA, mean pixels changed) of the successes within
/// 5%, and the successes themselves.
fn agrees(model_name: &str, attack: &str, method: Method, targeted: bool, most: usize) {
    let reference = reference(model_name, attack);
    let results = reference["results"]
        .as_array()
        .expect("the fixture has results");
    let results = &results[..most.min(results.len())];
    let device = burn::prelude::Device::flex().autodiff();
    let model = model(model_name, &device);
    let digits = blindspot_core::data::slice::load(&repo().join("www/digits")).unwrap();
    let index = |r: &Value| r["index"].as_u64().unwrap() as usize;
    let pixels: Vec<f32> = results
        .iter()
        .flat_map(|r| digits.range(index(r), index(r) + 1).floats())
        .collect();
    let labels: Vec<usize> = results
        .iter()
        .map(|r| r["label"].as_u64().unwrap() as usize)
        .collect();
    let goals: Vec<Goal> = results
        .iter()
        .map(|r| match targeted {
            true => Goal::Target(r["target"].as_u64().unwrap() as usize),
            false => Goal::Untargeted,
        })
        .collect();
    let started = std::time::Instant::now();
    let ours: Vec<Outcome> = block_on(Attack::new(method).run(
        &model,
        &device,
        &pixels,
        &labels,
        &goals,
        &mut keep_going,
    ))
    .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let jsma = matches!(method, Method::Jsma { .. });
    let size = |o: &Outcome| match jsma {
        true => o.distortion.changed as f64,
        false => o.distortion.l2 as f64,
    };
    let theirs_size = |r: &Value| r[if jsma { "l0" } else { "l2" }].as_f64().unwrap();
    let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let won: Vec<bool> = results
        .iter()
        .map(|r| r["success"].as_bool().unwrap())
        .collect();
    let ours_mean = mean(ours.iter().filter(|o| o.success).map(size).collect());
    let theirs_mean = mean(
        results
            .iter()
            .filter(|r| r["success"].as_bool().unwrap())
            .map(theirs_size)
            .collect(),
    );
    let differ = ours
        .iter()
        .zip(&won)
        .filter(|(o, w)| o.success != **w)
        .count();
    let theirs_seconds = reference["seconds"].as_f64().unwrap_or(f64::NAN) * results.len() as f64
        / reference["results"].as_array().map_or(1, Vec::len) as f64;
    println!(
        "{model_name} {attack}: ours {ours_mean:.4} ({} reached, {seconds:.2} s), reference \
         {theirs_mean:.4} ({} reached, {theirs_seconds:.2} s pro rata), {differ} differ",
        ours.iter().filter(|o| o.success).count(),
        won.iter().filter(|w| **w).count()
    );
    assert!(
        (ours_mean / theirs_mean - 1.0).abs() < 0.05,
        "{model_name} {attack}: mean {ours_mean} against the reference's {theirs_mean}"
    );
    assert!(
        differ * 20 <= results.len(),
        "{model_name} {attack}: {differ} digits reached by one only"
    );
    for o in &ours {
        assert!(
            o.adversarial.len() == PIXELS && o.adversarial.iter().all(|v| (0.0..=1.0).contains(v))
        );
    }
}

/// The C&W settings the reference ran with.
fn cw_settings(model: &str, attack: &str) -> Method {
    let s = &reference(model, attack)["settings"];
    let number = |k: &str| s[k].as_f64().unwrap_or_else(|| panic!("settings.{k}"));
    Method::Cw(CwConfig {
        kappa: number("confidence") as f32,
        search_steps: number("binary_search_steps") as usize,
        iterations: number("steps") as usize,
        c_start: number("initial_const") as f32,
    })
}

#[test]
fn deepfool_agrees_with_foolbox() {
    for model in ["fc100-100-10", "convnet"] {
        agrees(model, "deepfool", Method::DeepFool, false, 50);
        agrees(model, "deepfool_targeted", Method::DeepFool, true, 50);
    }
}

#[test]
fn carlini_wagner_agrees_with_foolbox() {
    for (model, most) in [("fc100-100-10", 20), ("convnet", 10)] {
        agrees(
            model,
            "cw_targeted",
            cw_settings(model, "cw_targeted"),
            true,
            most,
        );
        agrees(
            model,
            "cw_untargeted",
            cw_settings(model, "cw_untargeted"),
            false,
            most,
        );
    }
}

#[test]
fn jsma_agrees_with_the_reference() {
    for model in ["fc100-100-10", "convnet"] {
        agrees(model, "jsma", Method::Jsma { gamma: 0.145 }, true, 50);
    }
}
