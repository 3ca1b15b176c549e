//! The drawing pad's preprocessing on a real canvas in a real browser (wasm-bindgen-test in
//! headless Chromium: `scripts/test-wasm`): strokes painted with the app's pen become an
//! MNIST-style 28×28 that the convnet reads.
#![cfg(target_arch = "wasm32")]

use blindspot_core::attack::keep_going;
use blindspot_core::work::Job;
use blindspot_web::compute::engine::Engine;
use blindspot_web::ui::ink::{SIDE, Stroke, mnist_input, paint_strokes};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

fn canvas() -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().unchecked_into();
    canvas.set_width(SIDE);
    canvas.set_height(SIDE);
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

/// Strokes in fractions of the pad, as the browser test draws them with the mouse.
fn strokes(paths: &[&[(f64, f64)]]) -> Vec<Stroke> {
    let side = SIDE as f64;
    paths
        .iter()
        .map(|p| p.iter().map(|&(x, y)| (x * side, y * side)).collect())
        .collect()
}

fn seven() -> Vec<Stroke> {
    strokes(&[&[
        (0.3, 0.25),
        (0.7, 0.25),
        (0.62, 0.45),
        (0.55, 0.6),
        (0.48, 0.78),
    ]])
}

fn one() -> Vec<Stroke> {
    strokes(&[&[(0.2, 0.1), (0.17, 0.5)]])
}

/// (row extent, column extent, centre of mass (row, column)) of a 28×28 image's ink.
fn geometry(x: &[f32]) -> (usize, usize, (f32, f32)) {
    let inked = |i: usize| x[i] > 0.05;
    let rows: Vec<usize> = (0..784).filter(|&i| inked(i)).map(|i| i / 28).collect();
    let cols: Vec<usize> = (0..784).filter(|&i| inked(i)).map(|i| i % 28).collect();
    let extent = |v: &[usize]| v.iter().max().unwrap() - v.iter().min().unwrap() + 1;
    let mass: f32 = x.iter().sum();
    let (mut r, mut c) = (0.0, 0.0);
    for (i, v) in x.iter().enumerate() {
        r += v * (i / 28) as f32;
        c += v * (i % 28) as f32;
    }
    (extent(&rows), extent(&cols), (r / mass, c / mass))
}

#[wasm_bindgen_test]
fn strokes_become_a_centred_20_pixel_digit() {
    for (digit, tall_and_thin) in [(seven(), false), (one(), true)] {
        let pad = canvas();
        paint_strokes(&pad, &digit);
        let x = mnist_input(&pad).expect("ink on the pad");
        assert_eq!(x.len(), 784);
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
        let (rows, cols, (r, c)) = geometry(&x);
        // The longer side fills 20 pixels (± the anti-aliased edge); the aspect ratio is kept.
        assert!((19..=22).contains(&rows.max(cols)), "{rows}×{cols}");
        if tall_and_thin {
            assert!(cols < 10, "a vertical stroke stays narrow: {rows}×{cols}");
        }
        // Placed by centre of mass at the middle of 28×28, as MNIST's digits were.
        assert!(
            (r - 13.5).abs() < 1.0 && (c - 13.5).abs() < 1.0,
            "centre {r}, {c}"
        );
        // The corners stay black: nothing but the digit is drawn.
        assert_eq!(x[0] + x[27] + x[756] + x[783], 0.0);
    }
}

#[wasm_bindgen_test]
fn an_empty_pad_is_refused_not_guessed() {
    let pad = canvas();
    paint_strokes(&pad, &[]);
    assert!(mnist_input(&pad).is_err());
}

#[wasm_bindgen_test]
async fn the_convnet_reads_what_was_drawn() {
    let engine = Engine::cpu();
    engine
        .admit(
            "convnet",
            include_bytes!("../../models/convnet.json"),
            include_bytes!("../../models/convnet.safetensors").to_vec(),
        )
        .await
        .expect("the shipped convnet matches its card");
    for (digit, label) in [(seven(), 7), (one(), 1)] {
        let pad = canvas();
        paint_strokes(&pad, &digit);
        let job = Job::Classify {
            model: "convnet".into(),
            pixels: mnist_input(&pad).unwrap(),
        };
        let answer = job.run(&engine, &mut keep_going).await.unwrap();
        let p = Vec::<f32>::try_from(answer).unwrap();
        let best = (0..10).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(best, label, "probabilities {p:?}");
    }
}
