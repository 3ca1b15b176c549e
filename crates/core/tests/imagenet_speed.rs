//! EfficientNet-Lite0's speed natively (BENCHMARKS.md, "ImageNet speed"), not a test: the
//! forward pass and the input gradient at batch 1, median and minimum of 30 after 3 warm-ups,
//! with the CPU kernels and on Burn's generic path. Threads: `RAYON_NUM_THREADS` (1, 2, …).
//! Run: cargo test --release -p blindspot-core --test imagenet_speed -- --ignored --nocapture

use blindspot_core::attack::block_on;
use blindspot_core::attack::objective::{Batch, evaluate};
use blindspot_core::imagenet::{self, Card, EfficientNetLite0, INPUT};
use blindspot_core::model::Network;
use burn::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

/// The CLI's allocator (crates/cli/src/main.rs), so that these are the times the CLI runs at: with
/// glibc's, a pass's few large buffers went back to the kernel and came back as page faults
/// every pass, a third of the time (BENCHMARKS.md, "ImageNet speed").
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn model(device: &Device) -> EfficientNetLite0 {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../models")
        .join(imagenet::DIR);
    let card = Card::parse(&std::fs::read(dir.join(imagenet::CARD)).unwrap()).unwrap();
    imagenet::model(
        &card,
        std::fs::read(dir.join(&card.weights.file)).unwrap(),
        device,
    )
    .unwrap()
}

/// Median and minimum milliseconds of 30 runs after 3.
fn timed(mut run: impl FnMut()) -> (f64, f64) {
    for _ in 0..3 {
        run();
    }
    let mut ms: Vec<f64> = (0..30)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[0])
}

#[test]
#[ignore = "a benchmark: run it alone, with --ignored"]
fn forward_and_gradient() {
    let device = Device::flex().autodiff();
    let x: Vec<f32> = (0..INPUT)
        .map(|i| ((i * 7919) % 255) as f32 / 255.0)
        .collect();
    let kernels = model(&device);
    let mut burn = kernels.clone();
    burn.kernels = None;
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all".into());
    for (path, m) in [("kernels", &kernels), ("burn", &burn)] {
        let forward = timed(|| {
            let t = Tensor::<2>::from_data(TensorData::new(x.clone(), [1, INPUT]), &device);
            m.logits(t).into_data();
        });
        let gradient = timed(|| {
            let batch = Batch::new(&x, &x, &[9], &[0.0], 1.0);
            block_on(evaluate(m, &device, batch)).unwrap();
        });
        println!(
            "{{\"path\": \"{path}\", \"threads\": \"{threads}\", \"forward_ms\": [{:.1}, {:.1}], \"gradient_ms\": [{:.1}, {:.1}]}}",
            forward.0, forward.1, gradient.0, gradient.1
        );
    }
}
