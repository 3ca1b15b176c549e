//! `train`: trains zoo models (on the CPU, or `--device wgpu`) with a progress bar, then measures them and writes
//! their weights and cards.

use crate::Dirs;
use crate::out::outln;
use blindspot_core::card::{Measured, ModelCard};
use blindspot_core::data::{Mnist, slice};
use blindspot_core::zoo::{self, ModelSpec};
use blindspot_core::{Error, Result, eval, train};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

pub fn run(dirs: &Dirs, name: &str, json: bool) -> Result<()> {
    let specs: Vec<&ModelSpec> = if name == "all" {
        zoo::ZOO.iter().collect()
    } else {
        vec![zoo::spec(name)?]
    };
    let mnist = Mnist::load(&dirs.data)?;
    let test_slice = slice::load(&slice::default_dir())?;
    std::fs::create_dir_all(&dirs.models).map_err(|e| Error::io(&dirs.models, e))?;
    for spec in specs {
        let card = train_one(dirs, spec, &mnist, &test_slice, json)?;
        if json {
            outln!("{}", serde_json::to_string(&card).expect("cards serialise"));
        } else {
            outln!(
                "{}: train error {:.2}%, test error {:.2}% (paper {}), {} params, {} bytes, {:.0} s",
                card.name,
                100.0 * card.train_error,
                100.0 * card.test_error,
                spec.paper
                    .map_or("-".into(), |p| format!("{:.2}%", 100.0 * p.test_error)),
                card.params,
                card.bytes,
                card.train_seconds
            );
        }
    }
    Ok(())
}

fn train_one(
    dirs: &Dirs,
    spec: &ModelSpec,
    mnist: &Mnist,
    test_slice: &blindspot_core::data::Digits,
    quiet: bool,
) -> Result<ModelCard> {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix:>16} {bar:30} {pos}/{len} {msg} [{elapsed_precise}, eta {eta}]",
        )
        .expect("valid template"),
    );
    bar.set_prefix(spec.name);
    let started = Instant::now();
    let model = train::train(spec, mnist, &dirs.compute.autodiff()?, &mut |p| {
        bar.set_length(p.steps as u64);
        bar.set_position(p.step as u64);
        if p.step % 20 == 0 {
            bar.set_message(format!(
                "{} epoch {}/{} loss {:.4}",
                p.phase,
                p.epoch + 1,
                p.epochs,
                p.loss
            ));
        }
    })?;
    let train_seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let device = dirs.compute.device()?;
    let measured = Measured {
        train_error: eval::error_rate(&model, &mnist.train_split(spec.split), &device)?,
        test_error: eval::error_rate(&model, &mnist.test, &device)?,
        slice_error: eval::error_rate(&model, test_slice, &device)?,
        train_seconds,
    };
    let weights = model.to_safetensors()?;
    let card = ModelCard::record(spec, &model, &weights, &measured)?;
    let path = dirs.models.join(format!("{}.safetensors", spec.name));
    std::fs::write(&path, &weights).map_err(|e| Error::io(&path, e))?;
    card.save(&dirs.models)?;
    Ok(card)
}
