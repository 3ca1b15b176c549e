//! `attack`: adversarial examples for test-set digits, one JSON object per image.

use crate::Dirs;
use crate::out::outln;
use blindspot_core::attack::{
    Attack, CwConfig, Goal, Method, Settings, block_on, jsma, keep_going,
};

use blindspot_core::data::Mnist;
use blindspot_core::experiment::random_wrong_label;
use blindspot_core::{Error, Result};
use std::time::Instant;

/// One attacked digit, as printed (JSON keys in alphabetical order, as before).
#[derive(serde::Serialize)]
struct Row {
    c: f32,
    index: usize,
    iterations: usize,
    /// Pixels changed (by more than one 8-bit level).
    l0: usize,
    l2: f32,
    label: u8,
    linf: f32,
    ms: f64,
    predicted: usize,
    rms: f32,
    success: bool,
    target: usize,
}

#[derive(clap::Args)]
pub struct AttackArgs {
    pub model: String,
    /// Test-set indices: `0,5,17`, a range `0..100`, or both (`0..10,42`)
    #[arg(long, default_value = "0")]
    pub indices: String,
    /// A label 0–9, `random` (a seeded random wrong label per image) or `untargeted`
    #[arg(long, default_value = "random")]
    pub target: String,
    /// lbfgs (the paper's), fgsm, pgd, deepfool, cw (Carlini–Wagner L2) or jsma
    #[arg(long, default_value = "lbfgs")]
    pub method: String,
    /// L∞ radius for fgsm/pgd
    #[arg(long, default_value_t = 0.1)]
    pub epsilon: f32,
    /// Iterations for pgd
    #[arg(long, default_value_t = Method::PGD_STEPS)]
    pub steps: usize,
    /// Confidence κ for cw (logits past the boundary, ≥ 0)
    #[arg(long, default_value_t = CwConfig::PAPER.kappa, allow_negative_numbers = true)]
    pub kappa: f32,
    /// Values of c cw tries (its binary search steps)
    #[arg(long, default_value_t = CwConfig::PAPER.search_steps)]
    pub search_steps: usize,
    /// Adam iterations per value of c for cw (at most; it stops early when the loss stalls)
    #[arg(long, default_value_t = CwConfig::PAPER.iterations)]
    pub iterations: usize,
    /// The first c of cw's search
    #[arg(long, default_value_t = CwConfig::PAPER.c_start)]
    pub c_start: f32,
    /// Largest share of pixels jsma changes, in (0, 1]
    #[arg(long, default_value_t = jsma::GAMMA)]
    pub gamma: f32,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Images attacked together as one tensor program (`ms` is then the batch's time / size)
    /// [default: 100 on the CPU, 1000 on wgpu]
    #[arg(long)]
    pub batch: Option<usize>,
}

impl AttackArgs {
    /// Every method's settings as the flags give them.
    fn settings(&self) -> Settings {
        Settings {
            epsilon: self.epsilon,
            steps: self.steps,
            cw: CwConfig {
                kappa: self.kappa,
                search_steps: self.search_steps,
                iterations: self.iterations,
                c_start: self.c_start,
            },
            gamma: self.gamma,
        }
    }
}

pub fn parse_indices(spec: &str, limit: usize) -> Result<Vec<usize>> {
    let bad = |s: &str| Error::Other(format!("'{s}' is not an index or a range like 0..100"));
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some((a, b)) = part.split_once("..") {
            let (a, b): (usize, usize) = (
                a.parse().map_err(|_| bad(part))?,
                b.parse().map_err(|_| bad(part))?,
            );
            out.extend(a..b);
        } else {
            out.push(part.parse().map_err(|_| bad(part))?);
        }
    }
    match out.iter().find(|&&i| i >= limit) {
        Some(i) => Err(Error::Other(format!(
            "index {i} is outside the test set (0..{limit})"
        ))),
        None if out.is_empty() => Err(Error::Other("no indices given".into())),
        None => Ok(out),
    }
}

fn goal_for(target: &str, label: u8, index: usize, seed: u64) -> Result<Goal> {
    Ok(match target {
        "untargeted" => Goal::Untargeted,
        "random" => Goal::Target(random_wrong_label(label, index, seed).into()),
        t => match t.parse::<usize>() {
            Ok(l) if l < 10 => Goal::Target(l),
            _ => {
                return Err(Error::Other(format!(
                    "target '{t}' is not 0–9, random or untargeted"
                )));
            }
        },
    })
}

pub fn run(dirs: &Dirs, args: &AttackArgs, json: bool) -> Result<()> {
    let attack = Attack {
        seed: args.seed,
        ..Attack::new(Method::parse(&args.method, &args.settings())?)
    };
    let mnist = Mnist::load(&dirs.data)?;
    let indices = parse_indices(&args.indices, mnist.test.len())?;
    let device = dirs.compute.autodiff()?;
    let (model, _) = blindspot_core::yours::load(&dirs.models, &args.model, &device)?;
    // Typed rows, not JSON values: 10,000 attacks' rows as `serde_json::Value`s took 20 MB.
    let mut results: Vec<Row> = Vec::with_capacity(indices.len());
    let batch = args.batch.unwrap_or(dirs.compute.batch()).max(1);
    for chunk in indices.chunks(batch) {
        let digits = mnist.test.select(chunk);
        let goals: Vec<Goal> = chunk
            .iter()
            .zip(&digits.labels)
            .map(|(&i, &label)| goal_for(&args.target, label, i, args.seed))
            .collect::<Result<_>>()?;
        let pixels = digits.floats();
        let started = Instant::now();
        let outcomes = block_on(attack.run(
            &model,
            &device,
            &pixels,
            &digits.label_indices(),
            &goals,
            &mut keep_going,
        ))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0 / chunk.len() as f64;
        for ((&index, &label), o) in chunk.iter().zip(&digits.labels).zip(outcomes) {
            results.push(Row {
                index,
                label,
                target: o.target,
                success: o.success,
                predicted: o.label,
                rms: o.distortion.rms,
                l2: o.distortion.l2,
                linf: o.distortion.linf,
                l0: o.distortion.changed,
                c: o.c,
                iterations: o.iterations,
                ms,
            });
        }
    }
    if json {
        outln!("{}", serde_json::to_string_pretty(&results).expect("json"));
    } else {
        for r in &results {
            let reached = if r.success { "reached" } else { "not reached" };
            outln!(
                "#{} {} → {}: {reached} rms {:.4} ({:.0} ms)",
                r.index,
                r.label,
                r.target,
                r.rms,
                r.ms
            );
        }
    }
    Ok(())
}
