//! `train`: trains zoo models (on the CPU, or `--device wgpu`) with a progress bar (and, with
//! `--watch`, a checkup after each epoch), then measures them and writes their weights and
//! cards.

use crate::Dirs;
use crate::out::outln;
use blindspot_core::card::{Measured, ModelCard};
use blindspot_core::data::{Mnist, slice};
use blindspot_core::train::checkup::{Watch, checkup};
use blindspot_core::zoo::{self, ModelSpec};
use blindspot_core::{Error, Result, eval, train};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

pub fn run(dirs: &Dirs, name: &str, watch: bool, json: bool) -> Result<()> {
    let specs: Vec<&ModelSpec> = if name == "all" {
        zoo::ZOO.iter().collect()
    } else {
        vec![zoo::spec(name)?]
    };
    let mnist = Mnist::load(&dirs.data)?;
    let test_slice = slice::load(&slice::default_dir())?;
    std::fs::create_dir_all(&dirs.models).map_err(|e| Error::io(&dirs.models, e))?;
    for spec in specs {
        let card = train_one(dirs, spec, &mnist, &test_slice, watch, json)?;
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
    watch: bool,
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
    let device = dirs.compute.autodiff()?;
    let started = Instant::now();
    // Time spent on checkups, left out of the training's time.
    let mut watching = std::time::Duration::ZERO;
    let last_loss = std::cell::Cell::new(f32::NAN);
    let measures = Watch::default();
    let mut epoch_end = |epoch: usize, model: &_| {
        if !watch {
            return Ok(());
        }
        let (at, trained) = (Instant::now(), started.elapsed() - watching);
        let c = checkup(model, &device, test_slice, &measures)?;
        watching += at.elapsed();
        let line = serde_json::json!({"model": spec.name, "epoch": epoch + 1,
            "train_seconds": trained.as_secs_f64(), "loss": last_loss.get(), "checkup": c});
        bar.suspend(|| match quiet {
            true => outln!("{line}"),
            false => outln!(
                "{} epoch {}: {:.0} s training, loss {:.4}, clean {:.1}%, PGD-{} ε {} {:.1}%, \
                 L-BFGS mean RMS {:.4} ({:.0} s to measure)",
                spec.name,
                epoch + 1,
                trained.as_secs_f64(),
                last_loss.get(),
                100.0 * c.clean_accuracy,
                measures.steps,
                measures.epsilon,
                100.0 * c.robust_accuracy,
                c.lbfgs_rms,
                at.elapsed().as_secs_f64()
            ),
        });
        Ok(())
    };
    let mut progress = |p: train::TrainingStep| {
        last_loss.set(p.loss);
        bar.set_length(p.steps as u64);
        bar.set_position(p.step as u64);
        if p.step.is_multiple_of(20) {
            bar.set_message(format!(
                "{} epoch {}/{} loss {:.4}",
                p.phase,
                p.epoch + 1,
                p.epochs,
                p.loss
            ));
        }
    };
    let model = train::train_watched(spec, mnist, &device, &mut progress, &mut epoch_end)?;
    let train_seconds = (started.elapsed() - watching).as_secs_f64();
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
