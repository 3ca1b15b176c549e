//! Where a photo's L-BFGS RMS comes from (docs/attacks.md, "Waypoints"), not a test: every
//! solve of the search over c towards ostrich on the three samples, in one lane and in two, and
//! chains of solves each at one fixed c (each solve starting where the last ended, as the
//! search's warm starts do), with each solve's c, whether its end, rounded to 8-bit levels,
//! reaches ostrich, its evaluations and its RMS. It asserts only that each search reaches
//! ostrich.
//! Run: cargo test --release -p blindspot-core --test photo_search_path -- --ignored --nocapture

mod common;
use blindspot_core::attack::lbfgs::search;
use blindspot_core::attack::solver::{Local, Rows, Solver, Solves};
use blindspot_core::attack::{Control, LbfgsConfig, Progress, block_on, keep_going};
use blindspot_core::imagenet::{self, attacks};
use blindspot_core::model::Network;
use blindspot_core::{Result, eval};
use burn::prelude::Device;
use common::repo;
use std::cell::RefCell;

const OSTRICH: usize = 9;
/// Solves in a fixed-c chain: as many as the one-lane search makes at most on these photos.
const CHAIN: usize = 6;

/// One solve as the trace shows it: round, c, reached the target once rounded, evaluations, RMS.
type Step = (usize, f32, bool, usize, f32);

/// [`Local`], recording each solve of each round.
struct Traced<'a> {
    local: Local<'a>,
    x: &'a [f32],
    steps: RefCell<Vec<Step>>,
}

impl Solver for Traced<'_> {
    async fn solve(
        &self,
        rows: Rows,
        config: &LbfgsConfig,
        progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<Solves> {
        let (round, cs, targets) = (rows.round, rows.cs.clone(), rows.targets.clone());
        let solved = self.local.solve(rows, config, progress).await?;
        let dim = self.x.len();
        for (k, c) in cs.into_iter().enumerate() {
            let z = &solved.z[k * dim..(k + 1) * dim];
            let ok = solved.reached[k] == targets[k];
            let step = (round, c, ok, solved.evaluations[k], rms(self.x, z));
            self.steps.borrow_mut().push(step);
        }
        Ok(solved)
    }
}

fn rms(x: &[f32], z: &[f32]) -> f32 {
    let sum: f32 = x.iter().zip(z).map(|(a, b)| (a - b) * (a - b)).sum();
    (sum / x.len() as f32).sqrt()
}

fn crop(name: &str) -> Vec<f32> {
    let path = repo().join("models/imagenet/samples").join(name);
    let photo = image::open(path).unwrap().into_rgba8();
    let (w, h) = (photo.width() as usize, photo.height() as usize);
    imagenet::crop(w, h, photo.as_raw()).unwrap()
}

/// The search over c in `lanes` lanes as the photo attack runs it: each solve, and the RMS kept.
fn searched(local: Local, x: &[f32], label: usize, lanes: usize) -> (Vec<Step>, f32) {
    let config = LbfgsConfig {
        lanes,
        ..attacks::lbfgs()
    };
    let traced = Traced {
        local,
        x,
        steps: RefCell::new(Vec::new()),
    };
    let start = config.c_start;
    let (labels, pairs, starts) = ([label], [(0, OSTRICH)], [start]);
    let mut go_on = keep_going;
    let run = search(&traced, x, &labels, &pairs, &starts, &config, &mut go_on);
    let outcome = block_on(run).unwrap().remove(0);
    assert!(outcome.success, "{lanes} lanes: not ostrich");
    (traced.steps.into_inner(), outcome.distortion.rms)
}

/// [`CHAIN`] solves at `c`, the first from the photo, each next from where the last ended.
fn chain(local: &Local, x: &[f32], c: f32) -> Vec<Step> {
    let config = attacks::lbfgs();
    let mut start = x.to_vec();
    (0..CHAIN)
        .map(|round| {
            let rows = Rows {
                x0: x.to_vec(),
                start: std::mem::take(&mut start),
                targets: vec![OSTRICH],
                cs: vec![c],
                bounds: vec![None],
                round,
                finished: 0,
                problems: 1,
            };
            let solved = block_on(local.solve(rows, &config, &mut keep_going)).unwrap();
            start = solved.last;
            let ok = solved.reached[0] == OSTRICH;
            (round, c, ok, solved.evaluations[0], rms(x, &solved.z))
        })
        .collect()
}

fn show(what: &str, steps: &[Step]) {
    println!("  {what}:");
    for (round, c, ok, evaluations, rms) in steps {
        let reached = if *ok { "ostrich" } else { "missed " };
        println!(
            "    round {round}  c {c:>10.4}  {reached}  {evaluations:>3} evaluations  RMS {rms:.6}"
        );
    }
}

#[test]
#[ignore = "an experiment of about three minutes: run it by name with --ignored"]
fn a_photos_rms_follows_the_solves_behind_it_not_c() {
    let device = Device::flex().autodiff();
    let loaded = imagenet::load(&repo().join("models"), &device).unwrap();
    let model: &dyn Network = &loaded.model;
    let local = || Local {
        model,
        device: &device,
    };
    for name in ["chelsea.png", "coffee.png", "rocket.jpg"] {
        let x = crop(name);
        let label = block_on(eval::predict_in(model, &device, &x, 1)).unwrap()[0];
        println!("{name} (class {label}) towards ostrich");
        let (one, one_rms) = searched(local(), &x, label, 1);
        show(
            &format!("the search, one lane (kept RMS {one_rms:.6})"),
            &one,
        );
        let (two, two_rms) = searched(local(), &x, label, 2);
        show(
            &format!("the search, two lanes (kept RMS {two_rms:.6})"),
            &two,
        );
        for c in [0.002f32, 2.0, 200.0] {
            show(
                &format!("{CHAIN} solves at c = {c}"),
                &chain(&local(), &x, c),
            );
        }
    }
}
