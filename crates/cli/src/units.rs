//! `units`: the test digits that most excite a unit or a random direction of a hidden layer,
//! as a PNG grid like the paper's Figures 1–2 (one row per direction).

use crate::Dirs;
use crate::out::outln;
use blindspot_core::attack::block_on;
use blindspot_core::card::load_model;
use blindspot_core::data::{Digits, Mnist};
use blindspot_core::units::{Direction, extremes, features, find_layer};
use blindspot_core::{Error, PIXELS, Result, SIDE, zoo};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct UnitsArgs {
    pub model: String,
    /// Hidden layer: h1, h2… for the MLPs; conv or dense for the convnet
    #[arg(long)]
    pub layer: String,
    /// Units to show, one row each (`3` or `0,5,9`)
    #[arg(long, conflicts_with = "random")]
    pub unit: Option<String>,
    /// Seeds of random Gaussian directions, one row each (`1` or `1,2,3`)
    #[arg(long)]
    pub random: Option<String>,
    /// Images per row
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// Also show, after each row, the k images that minimise the projection
    #[arg(long)]
    pub bottom: bool,
    /// Where to write the PNG grid
    #[arg(long, default_value = "units.png")]
    pub out: PathBuf,
}

fn numbers(spec: &str) -> Result<Vec<u64>> {
    spec.split(',')
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| Error::Other(format!("'{s}' is not a number")))
        })
        .collect()
}

pub fn run(dirs: &Dirs, args: &UnitsArgs, json: bool) -> Result<()> {
    let device = dirs.compute.device()?;
    let (model, _) = load_model(&dirs.models, zoo::spec(&args.model)?, &device)?;
    let layer = find_layer(&model, &args.layer)?;
    let directions: Vec<Direction> = match (&args.unit, &args.random) {
        (Some(u), None) => numbers(u)?
            .into_iter()
            .map(|i| Direction::Unit(i as usize))
            .collect(),
        (None, Some(r)) => numbers(r)?.into_iter().map(Direction::Random).collect(),
        _ => return Err(Error::Other("give --unit or --random".into())),
    };
    if let Some(Direction::Unit(i)) = directions
        .iter()
        .find(|d| matches!(d, Direction::Unit(i) if *i >= layer.width))
    {
        return Err(Error::Other(format!(
            "unit {i} is outside layer {} (0..{})",
            layer.name, layer.width
        )));
    }
    if args.k == 0 || args.k > 100 {
        return Err(Error::Other("--k must be 1 to 100".into()));
    }
    let test = Mnist::load(&dirs.data)?.test;
    let f = block_on(features(&model, &layer, &test, &device))?;
    let mut rows = Vec::new();
    let mut report = Vec::new();
    for d in &directions {
        let v = d.vector(layer.width);
        let scores = f.project(&v);
        // A dead ReLU unit is 0 on every image: its "top k" is just the first k.
        let constant = scores.iter().all(|&s| s == scores[0]);
        let (top, bottom) = extremes(&f, &v, args.k);
        let labels = |ix: &[usize]| ix.iter().map(|&i| test.labels[i]).collect::<Vec<u8>>();
        report.push(serde_json::json!({
            "direction": format!("{d:?}"), "top": top, "top_labels": labels(&top),
            "bottom": bottom, "bottom_labels": labels(&bottom), "constant": constant,
        }));
        rows.push(top);
        if args.bottom {
            rows.push(bottom);
        }
    }
    write_grid(&test, &rows, args.k, &args.out)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&report).expect("json"));
    } else {
        for r in &report {
            let dead = if r["constant"] == true {
                " (constant on every image: no ranking)"
            } else {
                ""
            };
            outln!("{}: top labels {}{dead}", r["direction"], r["top_labels"]);
        }
        outln!("wrote {}", args.out.display());
    }
    Ok(())
}

/// Rows of 28×28 digits (white on black, as MNIST), 2-pixel grey gaps, scaled ×2.
fn write_grid(digits: &Digits, rows: &[Vec<usize>], k: usize, out: &Path) -> Result<()> {
    const GAP: usize = 2;
    const SCALE: usize = 2;
    let cell = SIDE + GAP;
    let (w, h) = (k * cell + GAP, rows.len() * cell + GAP);
    let mut pixels = vec![96u8; w * h];
    for (r, row) in rows.iter().enumerate() {
        for (c, &i) in row.iter().enumerate() {
            let image = &digits.images[i * PIXELS..(i + 1) * PIXELS];
            for (p, &v) in image.iter().enumerate() {
                pixels[(GAP + r * cell + p / SIDE) * w + GAP + c * cell + p % SIDE] = v;
            }
        }
    }
    let scaled: Vec<u8> = (0..h * SCALE)
        .flat_map(|y| (0..w * SCALE).map(move |x| (y, x)))
        .map(|(y, x)| pixels[(y / SCALE) * w + x / SCALE])
        .collect();
    crate::photo::write_png(
        out,
        w * SCALE,
        h * SCALE,
        png::ColorType::Grayscale,
        &scaled,
    )
}
