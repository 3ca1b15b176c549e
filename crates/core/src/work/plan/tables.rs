//! Tables 1 and 2 in one driver, for the page (over its pool) and the CLI (serially): each
//! row model's adversarial set on the first digits (Table 1: its mean distortion), then every
//! column model on each column model's set and on the same digits with the paper's Gaussian
//! noise (Table 2). After Stop the rows end with the one it cut short; Table 2 is counted on
//! the sets made so far.

use super::{Runner, set, transfer};
use crate::attack::Progress;
use crate::data::Digits;
use crate::experiment::{Examples, NoiseRows, TABLE2_NOISE_SALT, TransferBlock};
use crate::paper::TABLE2_NOISE;
use crate::work::Failure;

/// What to measure.
pub struct Tables<'a> {
    /// Table 1's rows: a model and how many of the first digits it attacks.
    pub rows: Vec<(String, usize)>,
    /// Table 2's columns (the rows of these models are its rows too).
    pub columns: Vec<String>,
    pub digits: &'a Digits,
    /// The digits' indices in their data set, which with `seed` pick each digit's target.
    pub indices: &'a [usize],
    /// The targets' seed; the noise's is derived from it.
    pub seed: u64,
}

/// One row of Table 1.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Table1Row {
    pub model: String,
    /// The successful attacks' mean per-pixel RMS.
    pub distortion: f64,
    pub succeeded: usize,
    pub attacked: usize,
    /// The attacks' wall time.
    pub seconds: f64,
}

impl Table1Row {
    pub fn success_rate(&self) -> f64 {
        crate::eval::rate(self.succeeded, self.attacked)
    }
}

/// Both tables, as far as they got.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measured {
    pub table1: Vec<Table1Row>,
    pub table2: TransferBlock,
    pub stopped: bool,
}

/// Where a run is, for its status line or log.
pub enum Stage<'a> {
    /// Row `row` of `rows` is attacking its digits.
    Attacking {
        row: usize,
        rows: usize,
        model: &'a str,
        progress: &'a Progress,
    },
    /// A row is done.
    Attacked(&'a Table1Row),
    /// Table 2 is being counted.
    Counting,
}

/// Measures `tables`, the attacks on one runner from `runner` and Table 2 on a second (a Stop
/// during the attacks leaves the count to run); `clock` reads seconds.
pub async fn run<R: Runner>(
    tables: &Tables<'_>,
    runner: impl Fn() -> R,
    clock: impl Fn() -> f64,
    status: std::rc::Rc<dyn Fn(&Stage)>,
) -> Result<Measured, Failure> {
    let mut measured = Measured::default();
    let mut sets = Vec::new();
    let attacks = runner();
    let rows = tables.rows.len();
    for (row, (model, count)) in tables.rows.iter().enumerate() {
        let count = (*count).min(tables.digits.len());
        let heard = {
            let (status, model) = (status.clone(), model.clone());
            move |progress: &Progress| {
                let model = &model;
                status(&Stage::Attacking {
                    row,
                    rows,
                    model,
                    progress,
                })
            }
        };
        let started = clock();
        let digits = tables.digits.range(0, count);
        let indices = &tables.indices[..count];
        let (set, stopped) =
            set::run(&attacks, model, &digits, indices, tables.seed, heard).await?;
        let done = Table1Row {
            model: model.clone(),
            distortion: set.mean_rms(),
            succeeded: set.labels.len(),
            attacked: count,
            seconds: clock() - started,
        };
        status(&Stage::Attacked(&done));
        measured.table1.push(done);
        sets.push((model, set));
        if stopped {
            measured.stopped = true;
            break;
        }
    }
    status(&Stage::Counting);
    let examples: Vec<Examples> = (sets.iter())
        .filter(|(model, _)| tables.columns.contains(model))
        .map(|(model, set)| set.examples(model))
        .collect();
    let pixels = tables.digits.floats();
    let noise = NoiseRows {
        stddevs: TABLE2_NOISE.iter().map(|(stddev, _)| *stddev).collect(),
        seed: tables.seed ^ TABLE2_NOISE_SALT,
        pixels: &pixels,
        labels: &tables.digits.labels,
    };
    measured.table2 = transfer::run(&runner(), &tables.columns, &examples, &noise).await?;
    Ok(measured)
}
