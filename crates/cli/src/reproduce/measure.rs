//! Computes every table of REPRODUCTION.md on the CPU.

use blindspot_core::attack::{Distortion, LbfgsConfig, block_on, keep_going};
use blindspot_core::card::{ModelCard, load_model};
use blindspot_core::data::{Digits, Mnist, Split};
use blindspot_core::eval::{fraction_wrong, predict};
use blindspot_core::experiment::{
    AdversarialSet, Examples, NoiseRows, TABLE4_NOISE_SALT, TransferBlock, adversarial_set,
    random_wrong_label, rescaled,
};
use blindspot_core::model::Classifier;
use blindspot_core::paper::{self, TABLE2_MODELS, TABLE4_MODELS};
use blindspot_core::rng::Rng;
use blindspot_core::stability::certified::certified_rms;
use blindspot_core::stability::{LayerBound, lipschitz_bounds};
use blindspot_core::units::study::{LayerStudy, study};
use blindspot_core::units::{features, layers};
use blindspot_core::work::Folder;
use blindspot_core::work::plan::tables::{Stage, Table1Row, Tables};
use blindspot_core::work::plan::{self, Serial};
use blindspot_core::{Result, zoo};
use burn::prelude::Device;
use serde::Serialize;
use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

/// Table 1's row as the CLI writes it: the measured row and what only the CLI adds.
#[derive(Serialize)]
pub struct Row1 {
    #[serde(flatten)]
    pub measured: Table1Row,
    pub train_error: f64,
    pub test_error: f64,
    /// The same attack with the paper's loss (softmax temperature 1).
    pub distortion_t1: Option<f64>,
}

/// A transfer table in the paper's layout: blocks of rows of examples made for each model,
/// each followed by its Gaussian noise rows (Table 2: one block; Table 4: the minimal examples,
/// then the same amplified to RMS 0.1). In JSON, the rows in that order.
pub struct TransferTable {
    pub blocks: Vec<TransferBlock>,
}

impl Serialize for TransferTable {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(
            self.blocks
                .iter()
                .flat_map(|b| b.examples.iter().chain(&b.noise)),
        )
    }
}

#[derive(Serialize)]
pub struct Row3 {
    pub model: String,
    pub p1: f64,
    pub p2: f64,
    pub test: f64,
    pub distortion: f64,
}

#[derive(Serialize)]
pub struct Stability {
    pub model: String,
    pub layers: Vec<LayerBound>,
    /// Mean over the attacked images of (logit margin of the true label over the target)
    /// / (√2 · network bound) / 28: a certified lower bound on the RMS distortion.
    pub certified_rms: Option<f64>,
    pub distortion: Option<f64>,
}

#[derive(Serialize)]
pub struct UnitsRow {
    pub model: String,
    #[serde(flatten)]
    pub study: LayerStudy,
}

#[derive(Serialize)]
pub struct Reproduction {
    pub n: usize,
    pub seed: u64,
    pub attack: LbfgsConfig,
    pub table1: Vec<Row1>,
    pub table2: TransferTable,
    pub table3: Vec<Row3>,
    pub table4: TransferTable,
    pub units: Vec<UnitsRow>,
    pub stability: Vec<Stability>,
    pub seconds: f64,
}

/// What a reproduction works from: the device, MNIST and the models' folder.
pub struct Materials {
    pub device: Device,
    /// The same device and models, where core's plans run (the transfer blocks).
    pub workshop: Folder,
    /// Images attacked together (`--device`'s batch).
    pub batch: usize,
    pub mnist: Mnist,
    pub models: std::path::PathBuf,
}

impl Materials {
    fn model(&self, name: &str) -> Result<(Classifier, ModelCard)> {
        load_model(&self.models, zoo::spec(name)?, &self.device)
    }

    fn error(&self, model: &Classifier, pixels: &[f32], labels: &[u8]) -> Result<f64> {
        let predicted = block_on(predict(model, &self.device, pixels))?;
        Ok(fraction_wrong(&predicted, labels))
    }
}

/// `n` seeded indices out of `0..len`, sorted.
fn sample(len: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut all: Vec<usize> = (0..len).collect();
    Rng::new(seed).shuffle(&mut all);
    let mut picked: Vec<usize> = all.into_iter().take(n).collect();
    picked.sort();
    picked
}

fn attack(
    lab: &Materials,
    model: &Classifier,
    data: &Digits,
    idx: &[usize],
    seed: u64,
    config: &LbfgsConfig,
) -> Result<(AdversarialSet, f64)> {
    let d = data.select(idx);
    let started = Instant::now();
    let (set, _) = block_on(adversarial_set(
        model,
        &lab.device,
        &d.floats(),
        &d.labels,
        idx,
        seed,
        config,
        lab.batch,
        &mut keep_going,
    ))?;
    Ok((set, started.elapsed().as_secs_f64()))
}

fn log(msg: &str) {
    eprintln!("[reproduce] {msg}");
}

/// The zoo models called `models`, the columns of a transfer table.
fn names(models: &[&str]) -> Vec<String> {
    models.iter().map(|m| m.to_string()).collect()
}

pub fn reproduce(lab: &Materials, n: usize, seed: u64) -> Result<Reproduction> {
    let started = Instant::now();
    let train = &lab.mnist.train;
    let train_idx = sample(train.len(), n, seed);
    let train_d = train.select(&train_idx);

    // Table 1 and 2: the paper's six models (plus ours) on N training digits.
    let mut rows: Vec<(String, usize)> = (names(&TABLE2_MODELS).into_iter())
        .map(|m| (m, n))
        .collect();
    rows.push(("fc100-100-10-adv".into(), n));
    rows.push(("convnet".into(), n.div_ceil(5)));
    let tables = Tables {
        rows,
        columns: names(&TABLE2_MODELS),
        digits: &train_d,
        indices: &train_idx,
        seed,
    };
    let serial = || Serial {
        batch: lab.batch,
        ..Serial::new(&lab.workshop)
    };
    let logged = Rc::new(|stage: &Stage| {
        if let Stage::Attacked(r) = stage {
            log(&format!(
                "{}: {} of {} attacks succeeded, mean RMS {:.4}, {:.1} s",
                r.model, r.succeeded, r.attacked, r.distortion, r.seconds
            ))
        }
    });
    let clock = || started.elapsed().as_secs_f64();
    let measured = block_on(plan::tables::run(&tables, serial, clock, logged))?;
    let mut table1 = Vec::new();
    for row in measured.table1 {
        let (model, card) = lab.model(&row.model)?;
        // The paper's own loss (T = 1), for the paper's models: how much the sharper loss gains.
        let paper_loss = if TABLE2_MODELS.contains(&row.model.as_str()) {
            let t1 = LbfgsConfig {
                temperature: 1.0,
                ..LbfgsConfig::default()
            };
            let idx = &train_idx[..row.attacked];
            Some(attack(lab, &model, train, idx, seed, &t1)?.0.mean_rms())
        } else {
            None
        };
        table1.push(Row1 {
            measured: row,
            train_error: card.train_error,
            test_error: card.test_error,
            distortion_t1: paper_loss,
        });
    }
    let table2 = TransferTable {
        blocks: vec![measured.table2],
    };
    log("tables 1 and 2 done");

    // Tables 3 and 4: the P1/P2 models, adversarial sets on N test digits.
    let p = lab.mnist.train_split(Split::P1);
    let q = lab.mnist.train_split(Split::P2);
    let test = &lab.mnist.test;
    let test_idx = sample(test.len(), n, seed ^ 0x7e57);
    let test_d = test.select(&test_idx);
    let test_x = test_d.floats();
    let mut table3 = Vec::new();
    let mut sets4 = Vec::new();
    for name in TABLE4_MODELS {
        let (model, _) = lab.model(name)?;
        let (set, seconds) = attack(lab, &model, test, &test_idx, seed, &LbfgsConfig::default())?;
        log(&format!(
            "{name}: {} of {n} test attacks, mean RMS {:.4}, {seconds:.1} s",
            set.labels.len(),
            set.mean_rms()
        ));
        table3.push(Row3 {
            model: name.into(),
            p1: lab.error(&model, &p.floats(), &p.labels)?,
            p2: lab.error(&model, &q.floats(), &q.labels)?,
            test: lab.error(&model, &test.floats(), &test.labels)?,
            distortion: set.mean_rms(),
        });
        sets4.push((name, set));
    }
    let minimal: Vec<Examples> = sets4.iter().map(|(n, set)| set.examples(n)).collect();
    let louder: Vec<Vec<f32>> = (sets4.iter())
        .map(|(_, set)| rescaled(&set.original, &set.adversarial, 0.1))
        .collect();
    let amplified: Vec<Examples> = (sets4.iter().zip(&louder))
        .map(|((name, set), louder)| Examples {
            made_for: format!("{name}, amplified to 0.1"),
            distortion: Distortion::pooled_rms(&set.original, louder),
            pixels: louder,
            labels: &set.labels,
        })
        .collect();
    // Each block with the paper's noise row of about its size: σ = 0.06, then σ = 0.1.
    let mut blocks = Vec::new();
    for (examples, (stddev, _)) in [minimal, amplified].iter().zip(paper::TABLE4_NOISE) {
        let noise = NoiseRows {
            stddevs: vec![stddev],
            seed: seed ^ TABLE4_NOISE_SALT,
            pixels: &test_x,
            labels: &test_d.labels,
        };
        let columns = names(&TABLE4_MODELS);
        let runner = serial();
        blocks.push(block_on(plan::transfer::run(
            &runner, &columns, examples, &noise,
        ))?);
    }
    let table4 = TransferTable { blocks };
    log("tables 3 and 4 done");

    let units = units_study(lab, seed)?;
    log("units done");
    let stability = stability(lab, &table1, &train_d, &train_idx, seed)?;
    log("stability done");
    Ok(Reproduction {
        n,
        seed,
        attack: LbfgsConfig::default(),
        table1,
        table2,
        table3,
        table4,
        units,
        stability,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// 100 units vs 100 random directions per hidden layer, top 10 of the 10,000 test digits.
fn units_study(lab: &Materials, seed: u64) -> Result<Vec<UnitsRow>> {
    let mut rows = Vec::new();
    for name in ["convnet", "fc100-100-10", "ae400-10"] {
        let (model, _) = lab.model(name)?;
        for layer in layers(&model) {
            let f = block_on(features(&model, &layer, &lab.mnist.test, &lab.device))?;
            rows.push(UnitsRow {
                model: name.into(),
                study: study(&layer, &f, &lab.mnist.test, 10, 100, seed),
            });
        }
    }
    Ok(rows)
}

/// Per-layer bounds of every zoo model, and the certified distortion they imply for Table 1's
/// attacks (the first `attacked` digits, towards their targets).
fn stability(
    lab: &Materials,
    table1: &[Row1],
    digits: &Digits,
    idx: &[usize],
    seed: u64,
) -> Result<Vec<Stability>> {
    let mut out = Vec::new();
    for spec in zoo::ZOO {
        let (model, _) = lab.model(spec.name)?;
        let layers = lipschitz_bounds(&model);
        let bound = layers.last().expect("network row").bound;
        let row1 = table1.iter().find(|r| r.measured.model == spec.name);
        let certified_rms = match row1 {
            Some(r) => {
                let d = digits.range(0, r.measured.attacked);
                let targets: Vec<u8> = (d.labels.iter().zip(idx))
                    .map(|(&label, &i)| random_wrong_label(label, i, seed))
                    .collect();
                let pixels = d.floats();
                let rms = certified_rms(&model, &lab.device, &pixels, &d.labels, &targets, bound);
                Some(block_on(rms)?)
            }
            None => None,
        };
        out.push(Stability {
            model: spec.name.into(),
            layers,
            certified_rms,
            distortion: row1.map(|r| r.measured.distortion),
        });
    }
    Ok(out)
}

pub fn write_json(r: &Reproduction, path: &Path) -> Result<()> {
    let text = serde_json::to_string_pretty(r).expect("json") + "\n";
    std::fs::write(path, text).map_err(|e| blindspot_core::Error::io(path, e))
}
