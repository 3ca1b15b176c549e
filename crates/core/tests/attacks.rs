//! The attacks on real shipped models and real test digits.

mod common;
use blindspot_core::PIXELS;
use blindspot_core::attack::objective::INVARIANT_ROWS;
use blindspot_core::attack::{
    FgsmConfig, Goal, LbfgsConfig, Outcome, block_on, every_other, fgsm, keep_going, lbfgs,
    lbfgs_each, pgd, split,
};
use common::setup;

fn in_box(o: &Outcome) -> bool {
    o.adversarial.len() == PIXELS && o.adversarial.iter().all(|v| (0.0..=1.0).contains(v))
}

#[test]
fn lbfgs_reaches_chosen_targets_with_small_distortion_inside_the_box() {
    let (model, device, digits, pixels) = setup("fc100-100-10", 4);
    for i in 0..4 {
        let target = (usize::from(digits.labels[i]) + 3) % 10;
        let x = &pixels[i * PIXELS..(i + 1) * PIXELS];
        let config = LbfgsConfig::default();
        let run = || {
            block_on(lbfgs(
                &model,
                &device,
                x,
                &digits.label_indices()[i..=i],
                Goal::Target(target),
                &config,
                &mut keep_going,
            ))
            .unwrap()
        };
        let o = &run()[0];
        assert!(o.success && o.label == target, "digit {i}: {o:?}");
        assert!(in_box(o));
        assert!(
            o.distortion.rms > 0.0 && o.distortion.rms < 0.1,
            "digit {i}: rms {}",
            o.distortion.rms
        );
        assert_eq!(run()[0].adversarial, o.adversarial, "deterministic");
    }
}

#[test]
fn batched_lbfgs_matches_one_image_at_a_time() {
    let (model, device, digits, pixels) = setup("fc100-100-10", 3);
    let config = LbfgsConfig {
        bisections: 3,
        ..LbfgsConfig::default()
    };
    let goal = Goal::Target(2);
    let together = block_on(lbfgs(
        &model,
        &device,
        &pixels,
        &digits.label_indices(),
        goal,
        &config,
        &mut keep_going,
    ))
    .unwrap();
    for i in 0..3 {
        let x = &pixels[i * PIXELS..(i + 1) * PIXELS];
        let alone = block_on(lbfgs(
            &model,
            &device,
            x,
            &digits.label_indices()[i..=i],
            goal,
            &config,
            &mut keep_going,
        ))
        .unwrap();
        assert_eq!(alone[0].success, together[i].success);
        assert!(
            (alone[0].distortion.rms - together[i].distortion.rms).abs() < 1e-4,
            "{i}"
        );
    }
}

#[test]
fn untargeted_lbfgs_finds_the_nearest_other_class() {
    let (model, device, digits, pixels) = setup("fc100-100-10", 1);
    let config = LbfgsConfig {
        bisections: 3,
        ..LbfgsConfig::default()
    };
    let nearest = &block_on(lbfgs(
        &model,
        &device,
        &pixels,
        &digits.label_indices(),
        Goal::Untargeted,
        &config,
        &mut keep_going,
    ))
    .unwrap()[0];
    assert!(nearest.success && nearest.label != usize::from(digits.labels[0]) && in_box(nearest));
    for t in (0..10).filter(|&t| t != usize::from(digits.labels[0])) {
        let o = &block_on(lbfgs(
            &model,
            &device,
            &pixels,
            &digits.label_indices(),
            Goal::Target(t),
            &config,
            &mut keep_going,
        ))
        .unwrap()[0];
        assert!(
            !o.success || nearest.distortion.rms <= o.distortion.rms + 1e-4,
            "target {t}: {} < {}",
            o.distortion.rms,
            nearest.distortion.rms
        );
    }
}

/// What the browser's pool does with one untargeted attack: each worker solves a share of the
/// nine targets as targeted problems in its own batch, and the page merges their outcomes.
#[test]
fn an_untargeted_attack_split_into_shares_merges_to_the_one_batch_bit_for_bit() {
    for name in ["fc100-100-10", "convnet"] {
        let (model, device, digits, pixels) = setup(name, 2);
        let config = LbfgsConfig {
            min_rows: INVARIANT_ROWS,
            ..LbfgsConfig::default()
        };
        for i in 0..2 {
            let (x, label) = (
                &pixels[i * PIXELS..(i + 1) * PIXELS],
                digits.label_indices()[i],
            );
            let attack = |images: &[f32], labels: &[usize], goals: &[Goal]| {
                block_on(lbfgs_each(
                    &model,
                    &device,
                    images,
                    labels,
                    goals,
                    &config,
                    &mut keep_going,
                ))
                .unwrap()
            };
            let whole = attack(x, &[label], &[Goal::Untargeted]).remove(0);
            let targets = every_other(10, label, config.runner_ups).unwrap();
            for workers in [2, 4] {
                let mut outcomes = Vec::new();
                for share in split::shares(&targets, workers) {
                    let images = x.repeat(share.len());
                    let goals: Vec<Goal> = share.iter().map(|&t| Goal::Target(t)).collect();
                    outcomes.extend(attack(&images, &vec![label; share.len()], &goals));
                }
                let merged = split::merged(outcomes);
                assert_eq!(merged, whole, "{name}, digit {i}, {workers} shares");
            }
        }
    }
}

#[test]
fn stop_returns_the_best_so_far() {
    let (model, device, digits, pixels) = setup("fc100-100-10", 1);
    let mut calls = 0;
    let o = block_on(lbfgs(
        &model,
        &device,
        &pixels,
        &digits.label_indices(),
        Goal::Target(5),
        &LbfgsConfig::default(),
        &mut |_| {
            calls += 1;
            let go = calls < 3;
            Box::pin(async move { go })
        },
    ))
    .unwrap();
    assert_eq!(calls, 3, "no more work after Stop");
    assert!(in_box(&o[0]));
}

#[test]
fn fgsm_at_0_25_fools_softmax_regression_almost_always() {
    // Goodfellow et al.: ε = 0.25 gives 99.9% error on a shallow softmax MNIST model.
    let (model, device, digits, pixels) = setup("fc10-1e-4", 200);
    let out = block_on(fgsm(
        &model,
        &device,
        &pixels,
        &digits.label_indices(),
        Goal::Untargeted,
        0.25,
    ))
    .unwrap();
    let fooled = out.iter().filter(|o| o.success).count();
    assert!(fooled >= 190, "{fooled}/200");
    assert!(
        out.iter()
            .all(|o| in_box(o) && o.distortion.linf <= 0.25 + 1e-6)
    );
}

#[test]
fn pgd_reaches_targets_on_the_convnet_within_its_budget() {
    let (model, device, digits, pixels) = setup("convnet", 20);
    let config = FgsmConfig {
        epsilon: 0.3,
        steps: 40,
        random_start: Some(7),
    };
    let run = || {
        block_on(pgd(
            &model,
            &device,
            &pixels,
            &digits.label_indices(),
            Goal::Target(8),
            config,
        ))
        .unwrap()
    };
    let out = run();
    let reached = out.iter().filter(|o| o.success && o.label == 8).count();
    assert!(reached >= 18, "{reached}/20");
    assert!(
        out.iter()
            .all(|o| in_box(o) && o.distortion.linf <= 0.3 + 1e-6)
    );
    let again = run();
    assert!(
        out.iter()
            .zip(&again)
            .all(|(a, b)| a.adversarial == b.adversarial),
        "seeded: deterministic"
    );
}

#[test]
fn warm_starts_reach_the_same_targets_at_a_similar_size() {
    // Warm starts (each solve from where the last ended, the default) must not lose a target,
    // and the kept r must stay near the restart-from-x result's.
    let (model, device, digits, pixels) = setup("fc100-100-10", 6);
    let goals: Vec<Goal> = digits
        .labels
        .iter()
        .map(|&l| Goal::Target((usize::from(l) + 4) % 10))
        .collect();
    let run = |warm_start| {
        let config = LbfgsConfig {
            warm_start,
            ..LbfgsConfig::default()
        };
        let labels = digits.label_indices();
        block_on(lbfgs_each(
            &model,
            &device,
            &pixels,
            &labels,
            &goals,
            &config,
            &mut keep_going,
        ))
        .unwrap()
    };
    let (cold, warm) = (run(false), run(true));
    let evaluations = |o: &[Outcome]| o.iter().map(|o| o.iterations).sum::<usize>();
    println!(
        "evaluations: cold {}, warm {}",
        evaluations(&cold),
        evaluations(&warm)
    );
    for (i, (c, w)) in cold.iter().zip(&warm).enumerate() {
        println!(
            "#{i}: rms cold {:.4}, warm {:.4}",
            c.distortion.rms, w.distortion.rms
        );
        assert!(c.success && w.success && in_box(w), "#{i}");
        assert!(w.distortion.rms <= 1.3 * c.distortion.rms, "#{i}");
    }
}
