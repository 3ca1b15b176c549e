//! The `blindspot` binary end to end: real models, real data, real files.
//! Tests that need the full MNIST files read them from `$BLINDSPOT_DATA` or `data/mnist`
//! (`blindspot fetch-mnist` puts them there; the README's test command runs it first).

mod common;

use blindspot_core::data::slice;
use common::{blindspot, repo, stderr};
use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("blindspot-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn eval_prints_the_test_error_as_json() {
    let out = blindspot(&["eval", "fc100-100-10", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["test_images"], 10_000);
    assert_eq!(v["train_images"], 60_000);
    let (measured, card) = (
        v["test_error"].as_f64().unwrap(),
        v["card_test_error"].as_f64().unwrap(),
    );
    assert!((measured - card).abs() < 2e-4, "{measured} vs card {card}");
}

#[test]
fn eval_of_a_p1_model_uses_its_half_of_the_training_set() {
    let out = blindspot(&["eval", "fc100-100-10-p1", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["train_images"], 30_000);
}

#[test]
fn unknown_model_is_a_clear_error() {
    let out = blindspot(&["eval", "resnet50"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("unknown model 'resnet50'") && err.contains("fc100-100-10"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn missing_data_dir_is_a_clear_error() {
    let out = blindspot(&["eval", "fc10-1e-4", "--data", "/nonexistent/mnist"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("fetch-mnist"), "{}", stderr(&out));
}

#[test]
fn corrupt_idx_is_a_clear_error() {
    let dir = scratch("corrupt");
    for (name, _) in blindspot_core::data::mnist::FILES {
        std::fs::write(dir.join(name), b"\x00\x00\x08\x03garbage").unwrap();
    }
    let out = blindspot(&["eval", "fc10-1e-4", "--data", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("sha256"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn missing_model_file_is_a_clear_error() {
    let out = blindspot(&[
        "predict",
        "convnet",
        "www/digits/none.png",
        "--models",
        "/nonexistent",
    ]);
    assert!(!out.status.success());
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn unreadable_png_is_a_clear_error() {
    let dir = scratch("png");
    let bad = dir.join("bad.png");
    std::fs::write(&bad, b"this is not a png").unwrap();
    for path in [bad.as_path(), Path::new("/nonexistent.png")] {
        let out = blindspot(&["predict", "convnet", path.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
        assert!(stderr(&out).starts_with("error:"), "{}", stderr(&out));
    }
    let blank = dir.join("blank.png");
    write_png(&blank, 40, 40, &vec![255; 1600]);
    let out = blindspot(&["predict", "convnet", blank.to_str().unwrap()]);
    assert!(stderr(&out).contains("blank"), "{}", stderr(&out));
}

/// Writes an 8-bit grayscale PNG.
fn write_png(path: &Path, w: u32, h: u32, gray: &[u8]) {
    let file = std::fs::File::create(path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    enc.set_color(png::ColorType::Grayscale);
    enc.write_header().unwrap().write_image_data(gray).unwrap();
}

/// A "photo" of test digit `i`: dark ink on light paper, 8× larger, off-centre on a wide page.
fn photo_of_digit(i: usize, path: &Path) -> u8 {
    let digits = slice::load(&repo().join("www/digits")).unwrap();
    let (w, h, scale, ox, oy) = (400usize, 300usize, 8usize, 150usize, 40usize);
    let mut page = vec![235u8; w * h];
    for y in 0..28 * scale {
        for x in 0..28 * scale {
            let ink = digits.images[i * 784 + (y / scale) * 28 + x / scale];
            page[(oy + y) * w + ox + x] = 235 - (ink as u32 * 215 / 255) as u8;
        }
    }
    write_png(path, w as u32, h as u32, &page);
    digits.labels[i]
}

#[test]
fn predict_reads_a_photo_like_png_the_way_the_app_will() {
    let dir = scratch("predict");
    let mut right = 0;
    for i in 0..10 {
        let path = dir.join(format!("digit{i}.png"));
        let label = photo_of_digit(i, &path);
        let out = blindspot(&["predict", "convnet", path.to_str().unwrap(), "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let probs = v["probabilities"].as_array().unwrap();
        assert_eq!(probs.len(), 10);
        let total: f64 = probs.iter().map(|p| p.as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-4);
        right += (v["label"] == label as u64) as usize;
    }
    assert!(
        right >= 9,
        "{right}/10 re-photographed test digits classified right"
    );
}

/// What `predict --json` says of the picture at `path`: its label and probabilities.
fn predict_json(path: &Path) -> (u64, Vec<f64>) {
    let out = blindspot(&["predict", "convnet", path.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let probs = v["probabilities"].as_array().unwrap();
    let probs = probs.iter().map(|p| p.as_f64().unwrap()).collect();
    (v["label"].as_u64().unwrap(), probs)
}

#[test]
fn predict_reads_jpeg_webp_and_gif_photos_as_it_reads_png() {
    let dir = scratch("formats");
    let png = repo().join("tests/fixtures/seven-photo.png");
    let (label, png_probs) = predict_json(&png);
    assert_eq!(label, 7);
    let photo = image::open(&png).unwrap();
    for (ext, format) in [
        ("jpg", image::ImageFormat::Jpeg),
        ("webp", image::ImageFormat::WebP),
        ("gif", image::ImageFormat::Gif),
    ] {
        let path = dir.join(format!("seven.{ext}"));
        let rgb = image::DynamicImage::ImageRgb8(photo.to_rgb8());
        let picture = if format == image::ImageFormat::Gif {
            image::DynamicImage::ImageRgba8(photo.to_rgba8())
        } else {
            rgb
        };
        picture.save_with_format(&path, format).unwrap();
        let (label, probs) = predict_json(&path);
        assert_eq!(label, 7, "the {ext} photo");
        if format == image::ImageFormat::WebP {
            // Lossless: the same pixels, so the same probabilities as the PNG.
            for (a, b) in probs.iter().zip(&png_probs) {
                assert!((a - b).abs() < 1e-6, "{ext}: {probs:?} vs {png_probs:?}");
            }
        }
    }
    let help = blindspot(&["predict", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("JPEG, PNG, WebP or GIF"));
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    // The reader is gone before the first line is written, as with `blindspot zoo | head -0`.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_blindspot"))
        .current_dir(repo())
        .arg("zoo")
        .stdout(writer)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{:?}: {}", out.status, stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn attack_prints_one_object_per_image_with_the_documented_keys() {
    let out = blindspot(&[
        "attack",
        "fc100-100-10",
        "--indices",
        "0..2,17",
        "--target",
        "3",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v.iter()
            .map(|r| r["index"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![0, 1, 17]
    );
    for r in &v {
        for key in [
            "index",
            "label",
            "target",
            "success",
            "rms",
            "l2",
            "linf",
            "l0",
            "c",
            "iterations",
            "ms",
        ] {
            assert!(r.get(key).is_some(), "missing {key} in {r}");
        }
        assert_eq!(r["target"], 3);
        assert_eq!(r["success"], true);
        let (rms, l2) = (r["rms"].as_f64().unwrap(), r["l2"].as_f64().unwrap());
        assert!(
            rms > 0.0 && rms < 0.1 && (l2 - 28.0 * rms).abs() < 1e-3,
            "{r}"
        );
    }
}

#[test]
fn each_attack_after_the_paper_reaches_its_targets_with_its_own_measure() {
    for (method, most_l0) in [("deepfool", 784), ("cw", 784), ("jsma", 60)] {
        let args = [
            "attack",
            "fc100-100-10",
            "--method",
            method,
            "--indices",
            "0..3",
            "--target",
            "3",
            "--search-steps",
            "3",
            "--iterations",
            "300",
            "--c-start",
            "1",
            "--json",
        ];
        let out = blindspot(&args);
        assert!(out.status.success(), "{method}: {}", stderr(&out));
        let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        for r in &v {
            assert_eq!(
                (r["success"].as_bool(), r["predicted"].as_u64()),
                (Some(true), Some(3)),
                "{method}: {r}"
            );
            let l0 = r["l0"].as_u64().unwrap();
            assert!(l0 > 0 && l0 <= most_l0, "{method}: {r}");
        }
    }
}

#[test]
fn attack_rejects_bad_arguments_clearly() {
    for args in [
        &["attack", "fc100-100-10", "--indices", "10000"][..],
        &["attack", "fc100-100-10", "--indices", "a..b"],
        &["attack", "fc100-100-10", "--target", "11"],
        &["attack", "fc100-100-10", "--method", "boundary"],
        &["attack", "fc100-100-10", "--method", "cw", "--kappa", "-1"],
        &["attack", "fc100-100-10", "--method", "jsma", "--gamma", "2"],
        // Test digit 0 is a 7.
        &[
            "attack",
            "fc100-100-10",
            "--method",
            "deepfool",
            "--target",
            "7",
        ],
    ] {
        let out = blindspot(args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).starts_with("error:") && !stderr(&out).contains("panicked"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn lipschitz_prints_each_layer_then_the_network_product() {
    let out = blindspot(&["lipschitz", "convnet", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let layers: Vec<&str> = v.iter().map(|l| l["layer"].as_str().unwrap()).collect();
    assert_eq!(
        layers,
        ["conv1", "pool1", "conv2", "pool2", "fc1", "fc2", "network"]
    );
    for l in &v {
        for key in ["layer", "kind", "shape", "sigma", "bound"] {
            assert!(!l[key].is_null(), "{key} missing in {l}");
        }
    }
    let product: f64 = v[..6]
        .iter()
        .map(|l| l["bound"].as_f64().unwrap())
        .product();
    let network = v[6]["bound"].as_f64().unwrap();
    assert!((product - network).abs() <= 1e-9 * network);
    assert_eq!(v[0]["shape"], serde_json::json!([1, 5, 5, 16]));
}

#[test]
fn units_writes_a_png_grid_with_a_row_per_direction() {
    let out_png = scratch("units").join("grid.png");
    let out = blindspot(&[
        "units",
        "convnet",
        "--layer",
        "dense",
        "--random",
        "1,2,3",
        "--json",
        "--out",
        out_png.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["top"].as_array().unwrap().len(), 10);
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&out_png).unwrap(),
    ));
    let info = decoder.read_info().unwrap().info().clone();
    // 10 digits of 28 px + 2 px gaps, 3 rows, scaled ×2.
    assert_eq!(
        (info.width, info.height),
        (2 * (10 * 30 + 2), 2 * (3 * 30 + 2))
    );
    for (args, expect) in [
        (
            vec!["units", "fc10-1", "--layer", "h1", "--unit", "0"],
            "no hidden layer",
        ),
        (
            vec!["units", "convnet", "--layer", "dense", "--unit", "999"],
            "outside layer",
        ),
        (
            vec!["units", "convnet", "--layer", "h9", "--unit", "1"],
            "conv, dense",
        ),
    ] {
        let out = blindspot(&args);
        assert!(
            !out.status.success() && stderr(&out).contains(expect),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn reproduce_writes_every_table_for_a_small_n() {
    let dir = scratch("reproduce");
    let out = blindspot(&["reproduce", "--n", "4", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = std::fs::read_to_string(dir.join("REPRODUCTION.md")).unwrap();
    for heading in [
        "Table 1",
        "Table 2",
        "Table 3",
        "Table 4",
        "units vs random",
        "Lipschitz",
    ] {
        assert!(md.contains(heading), "{heading} missing");
    }
    assert!(md.contains("blindspot reproduce --n 4 --seed 0"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("reproduction.json")).unwrap())
            .unwrap();
    assert_eq!(json["table1"].as_array().unwrap().len(), 8);
    assert_eq!(json["table2"].as_array().unwrap().len(), 8); // 6 models + 2 noise rows
    assert_eq!(json["table4"].as_array().unwrap().len(), 8); // 3 + noise + 3 amplified + noise
    let diagonal = json["table2"][3]["errors"][3].as_f64().unwrap();
    assert_eq!(
        diagonal, 1.0,
        "fc100-100-10 is wrong on all its own adversarial examples"
    );
}

#[test]
fn train_with_pools_refuses_bad_words_other_layers_and_convnets() {
    let dir = scratch("pools");
    let models = dir.to_str().unwrap();
    for (args, why) in [
        (
            &["train", "fc100-100-10-adv", "--pools", "levels=x"][..],
            "--pools: a level is 0 to 7",
        ),
        (
            &["train", "fc100-100-10-adv", "--pools", "per-batch=0"][..],
            "--pools: per-batch takes a whole number above 0",
        ),
        (
            &["train", "fc100-100-10-adv", "--pools", "levels=3"][..],
            "no layer 3 below its output",
        ),
        (
            &["train", "convnet", "--pools", "levels=1"][..],
            "made for MLPs only",
        ),
        (
            &["train", "fc100-100-10", "--pools", "", "--defence", "pool"][..],
            "cannot be used with",
        ),
    ] {
        let out = blindspot(&[&["--models", models][..], args].concat());
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr(&out).contains(why), "{args:?}: {}", stderr(&out));
    }
    // Nothing was written.
    let written = std::fs::read_dir(&dir).map_or(0, |d| d.count());
    assert_eq!(written, 0);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn train_with_a_defence_trains_a_course_that_eval_reads_as_one_of_yours() {
    let dir = scratch("course");
    let models = dir.to_str().unwrap();
    let course = [
        "train",
        "convnet",
        "--defence",
        "pool",
        "--epochs",
        "2",
        "--digits",
        "600",
        "--seed",
        "2",
    ];
    let out = blindspot(&[&["--models", models, "--json"][..], &course].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let card: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let name = "yours-convnet-pool-seed2-600digits";
    assert_eq!(card["name"], name);
    assert_eq!(card["epochs"], 2);
    assert_eq!(card["train_split"], "first 600");
    assert_eq!(
        card["title"],
        "yours: convnet, the paper's L-BFGS pool, 2 epochs"
    );
    assert!(
        card["command"]
            .as_str()
            .unwrap()
            .starts_with("blindspot train convnet --defence pool --epsilon 0.1 --epochs 2")
    );
    let eval = blindspot(&["--models", models, "--json", "eval", name]);
    assert!(eval.status.success(), "{}", stderr(&eval));
    let v: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    let (measured, kept) = (
        v["test_error"].as_f64().unwrap(),
        card["test_error"].as_f64().unwrap(),
    );
    assert!((measured - kept).abs() < 2e-4, "{measured} vs card {kept}");
    assert!(
        kept < 0.5,
        "600 digits twice already read most digits: {kept}"
    );
    // Bad courses are refused, saying why.
    for (args, why) in [
        (
            &["train", "convnet", "--defence", "shield"][..],
            "none, fgsm, pgd, pgd-l2, pool",
        ),
        (
            &["train", "ae400-10", "--defence", "fgsm"][..],
            "convnet, fc100-100-10",
        ),
        (
            &["train", "convnet", "--defence", "fgsm", "--epochs", "0"][..],
            "epochs must be 1 to 20",
        ),
        (&["train", "convnet", "--epsilon", "0.2"][..], "--defence"),
    ] {
        let out = blindspot(&[&["--models", models][..], args].concat());
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr(&out).contains(why), "{args:?}: {}", stderr(&out));
    }
    std::fs::remove_dir_all(&dir).ok();
}
