//! `--device wgpu` against the CPU on the same attacks: the same targets reached and the mean RMS
//! within 1%. Burn's wgpu runtime needs an adapter: on a machine without a GPU, Mesa's lavapipe
//! (Debian `mesa-vulkan-drivers`, which the README's test command installs) is a CPU Vulkan one.

mod common;

use common::{blindspot, stderr};

fn attack(device: &str) -> Vec<serde_json::Value> {
    let out = blindspot(&[
        "--json",
        "attack",
        "fc100-100-10",
        "--indices",
        "0..20",
        "--device",
        device,
    ]);
    assert!(out.status.success(), "--device {device}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn mean_rms(rows: &[serde_json::Value]) -> f64 {
    rows.iter().map(|r| r["rms"].as_f64().unwrap()).sum::<f64>() / rows.len() as f64
}

#[test]
fn attacks_on_wgpu_reach_the_cpu_targets_at_the_same_size() {
    let (cpu, gpu) = (attack("cpu"), attack("wgpu"));
    assert_eq!(cpu.len(), 20);
    for (c, g) in cpu.iter().zip(&gpu) {
        assert_eq!(c["index"], g["index"]);
        assert_eq!(c["target"], g["target"]);
        assert_eq!(c["success"], g["success"], "digit {}", c["index"]);
        assert_eq!(c["predicted"], g["predicted"], "digit {}", c["index"]);
    }
    assert!(cpu.iter().all(|c| c["success"] == true));
    let (c, g) = (mean_rms(&cpu), mean_rms(&gpu));
    assert!(
        (g - c).abs() < 0.01 * c,
        "mean RMS {g} on wgpu, {c} on the CPU"
    );
}

#[test]
fn predictions_on_wgpu_are_the_cpus() {
    let run = |device: &str| {
        let out = blindspot(&["--json", "eval", "fc100-100-10", "--device", device]);
        assert!(out.status.success(), "--device {device}: {}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let (cpu, gpu) = (run("cpu"), run("wgpu"));
    let error = |v: &serde_json::Value| v["test_error"].as_f64().unwrap();
    assert!((error(&cpu) - error(&gpu)).abs() < 2e-4, "{cpu} vs {gpu}");
}
