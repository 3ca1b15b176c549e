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
