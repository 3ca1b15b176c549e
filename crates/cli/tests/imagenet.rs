//! `blindspot imagenet`: the shipped EfficientNet-Lite0 (python3 scripts/lib/imagenet_weights.py
//! makes it; the README's test command runs that first) on the sample photos and on bad files.

mod common;

use common::{blindspot, stderr};

#[test]
fn classify_gives_the_top_five_with_names_as_json() {
    let out = blindspot(&[
        "imagenet",
        "classify",
        "models/imagenet/samples/coffee.png",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let top: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let top = top.as_array().unwrap();
    assert_eq!(top.len(), 5);
    assert_eq!(top[0]["label"], 967, "{top:?}");
    assert_eq!(top[0]["name"], "espresso");
    let p: Vec<f64> = top
        .iter()
        .map(|t| t["probability"].as_f64().unwrap())
        .collect();
    assert!(p.windows(2).all(|w| w[0] >= w[1]) && p[0] > 0.5, "{p:?}");
}

#[test]
fn classify_refuses_bad_photos_clearly() {
    let out = blindspot(&["imagenet", "classify", "tests/fixtures/corrupt.png"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("corrupt.png"), "{}", stderr(&out));
    let out = blindspot(&["imagenet", "classify", "no-such-photo.jpg"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no-such-photo.jpg"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_model_says_how_to_make_it() {
    let empty = std::env::temp_dir().join(format!("blindspot-no-models-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let models = empty.to_str().unwrap();
    let out = blindspot(&[
        "imagenet",
        "classify",
        "models/imagenet/samples/coffee.png",
        "--models",
        models,
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("scripts/lib/imagenet_weights.py"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn pgd_makes_chelsea_an_ostrich_within_8_levels_and_writes_figure_5s_triptych() {
    let out_png = std::env::temp_dir().join(format!("blindspot-fig5-{}.png", std::process::id()));
    let out = blindspot(&[
        "imagenet",
        "attack",
        "models/imagenet/samples/chelsea.png",
        "--target",
        "ostrich",
        "--method",
        "pgd",
        "--epsilon",
        "8",
        "--out",
        out_png.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["target"], 9, "{r}");
    assert_eq!(r["label"], 9, "{r}");
    assert_eq!(r["success"], true, "{r}");
    assert_ne!(r["before"][0]["label"], 9, "{r}");
    let linf = r["linf_levels"].as_f64().unwrap();
    assert!((1.0..=8.0 + 1e-3).contains(&linf), "{r}");
    let rms = r["rms"].as_f64().unwrap();
    assert!(rms > 0.0 && rms <= 8.0 / 255.0, "{r}");
    for key in ["iterations", "ms"] {
        assert!(r[key].as_f64().unwrap() > 0.0, "{key}: {r}");
    }
    let picture = image::open(&out_png).unwrap();
    assert_eq!((picture.width(), picture.height()), (3 * 224 + 16, 224));
    std::fs::remove_file(out_png).ok();
}

#[test]
fn attack_refuses_unknown_classes_and_budgets_clearly() {
    let photo = "models/imagenet/samples/coffee.png";
    for (flag, value, says) in [
        ("--target", "unicorn", "unicorn"),
        ("--target", "1000", "0–999"),
        ("--target", "crane", "134"),
        ("--epsilon", "0", "--epsilon"),
        ("--epsilon", "NaN", "--epsilon"),
        ("--method", "deepfool", "lbfgs, fgsm, pgd"),
    ] {
        let out = blindspot(&["imagenet", "attack", photo, flag, value]);
        assert!(!out.status.success(), "{flag} {value}");
        assert!(
            stderr(&out).contains(says),
            "{flag} {value}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn lipschitz_gives_table_5_for_efficientnet_with_its_depthwise_layers_and_skips() {
    let out = blindspot(&["imagenet", "lipschitz", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let kind = |k: &str| rows.iter().filter(|r| r["kind"] == k).count();
    // 16 blocks, each with a depthwise convolution; 9 add their input back (stride 1, same width).
    assert_eq!(kind("depthwise+relu6"), 16);
    assert_eq!(kind("skip"), 9);
    assert_eq!((kind("avgpool"), kind("fc"), kind("network")), (1, 1, 1));
    for r in &rows {
        let bound = r["bound"].as_f64().unwrap();
        assert!(bound.is_finite() && bound > 0.0, "{r}");
    }
    let pool = rows.iter().find(|r| r["kind"] == "avgpool").unwrap();
    assert!((pool["bound"].as_f64().unwrap() - 1.0 / 7.0).abs() < 1e-9);
}
