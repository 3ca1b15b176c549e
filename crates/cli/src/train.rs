//! `train`: trains zoo models, or with `--defence` a course of the page's Train panel (a model
//! of yours), on the CPU or `--device wgpu`, with a progress bar (and, with `--watch`, a
//! checkup after each epoch), then measures them and writes their weights and cards.

use crate::Dirs;
use crate::out::outln;
use blindspot_core::card::{Measured, ModelCard};
use blindspot_core::data::{Digits, Mnist, slice};
use blindspot_core::layer_pools;
use blindspot_core::model::Classifier;
use blindspot_core::train::checkup::{Watch, checkup};
use blindspot_core::train::course::{Base, Course, Guard};
use blindspot_core::zoo::{self, Defence, ModelSpec};
use blindspot_core::{Error, Result, eval, train, yours};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

/// A course as the Train panel sets it up; `--defence` makes `train` train one.
#[derive(clap::Args)]
pub struct CourseArgs {
    /// Train a model of yours as the page's Train panel does (the same batches, seeds and
    /// updates), with this defence: none, fgsm (from a random start), pgd (7 steps), pgd-l2
    /// (7 steps in the L2 ball of RMS ε) or pool (the paper's pool of L-BFGS examples)
    #[arg(long)]
    defence: Option<String>,
    /// The defence's radius (L∞; for pgd-l2 an RMS change, L2 ε·28), and the L∞ one --watch
    /// attacks at
    #[arg(long, default_value_t = 0.1, requires = "defence")]
    epsilon: f32,
    #[arg(long, default_value_t = 5, requires = "defence")]
    epochs: usize,
    #[arg(long, default_value_t = 1, requires = "defence")]
    seed: u64,
    /// Training digits an epoch visits: the first this many of the 60,000
    #[arg(long, default_value_t = 60_000, requires = "defence")]
    digits: usize,
    /// Train the named MLP of the zoo with the paper's pools of adversarial examples for its
    /// input and hidden layers (Section 4.2, `layer_pools.rs`) as <name>-pools: key=value
    /// words over the base recipe, e.g. "levels=1,2 per-batch=1" (keys: levels, capacity,
    /// refresh, every, per-batch, from-epoch, aim=random|nearest, below=learn|frozen)
    #[arg(long, conflicts_with = "defence")]
    pools: Option<String>,
}

impl CourseArgs {
    /// The course these flags ask for on the architecture `arch`, if they ask for one.
    fn course(&self, arch: &str) -> Result<Option<Course>> {
        let Some(defence) = &self.defence else {
            return Ok(None);
        };
        let unknown = |what: &str, given: &str, known: &[&str]| {
            Error::Other(format!(
                "a course's {what} is one of {}, not {given}",
                known.join(", ")
            ))
        };
        let base = Base::parse(arch)
            .ok_or_else(|| unknown("architecture", arch, &Base::ALL.map(Base::twin)))?;
        let guard = Guard::parse(defence)
            .ok_or_else(|| unknown("defence", defence, &Guard::ALL.map(Guard::as_str)))?;
        let course = Course {
            base,
            guard,
            epsilon: self.epsilon,
            epochs: self.epochs,
            seed: self.seed,
            digits: self.digits,
        };
        course.check()?;
        Ok(Some(course))
    }
}

/// One model to train: a zoo model (perhaps with pools for its layers), or a course's model
/// of yours.
struct Run {
    spec: ModelSpec,
    name: String,
    course: Option<Course>,
}

impl Run {
    fn zoo(spec: &ModelSpec) -> Self {
        Run {
            spec: *spec,
            name: spec.name.into(),
            course: None,
        }
    }

    /// The zoo model `spec` trained with pools for its layers as `words` ask.
    fn pools(spec: &ModelSpec, words: &str) -> Result<Self> {
        let recipe = layer_pools::parse(words)?;
        let mut spec = *spec;
        spec.recipe.defence = Defence::LayerPools(recipe);
        Ok(Run {
            spec,
            name: format!("{}-pools", spec.name),
            course: None,
        })
    }

    fn course(course: Course) -> Result<Self> {
        Ok(Run {
            spec: course.spec()?,
            name: yours::name_for(&course),
            course: Some(course),
        })
    }

    /// The digits it trains on.
    fn data(&self, mnist: &Mnist) -> Digits {
        match &self.course {
            Some(c) => mnist.train.range(0, c.digits.min(mnist.train.len())),
            None => mnist.train_split(self.spec.split),
        }
    }

    /// What `--watch` measures: a course's checkups attack at its ε, as the panel's do.
    fn watch(&self) -> Watch {
        let epsilon = self.course.map_or(Watch::default().epsilon, |c| c.epsilon);
        Watch {
            epsilon,
            ..Watch::default()
        }
    }

    /// Its card: the zoo's, or a model of yours' (as the panel writes it, but made here).
    fn card(&self, model: &Classifier, weights: &[u8], m: &Measured) -> Result<ModelCard> {
        let Some(course) = &self.course else {
            let card = ModelCard::record(&self.spec, model, weights, m)?;
            // A zoo spec given pools by `--pools` (a zoo model's own spec has none).
            return Ok(match self.spec.recipe.defence {
                Defence::LayerPools(recipe) => ModelCard {
                    name: self.name.clone(),
                    command: format!(
                        "blindspot train {} --pools \"{}\"",
                        self.spec.name,
                        layer_pools::words(&recipe)
                    ),
                    ..card
                },
                _ => card,
            });
        };
        let errors = yours::Errors {
            train: m.train_error,
            test: m.test_error,
            slice: m.slice_error,
        };
        let card = yours::card_of(
            course,
            &self.name,
            course.epochs,
            model,
            weights,
            errors,
            m.train_seconds,
        )?;
        Ok(ModelCard {
            command: format!(
                "blindspot train {} --defence {} --epsilon {} --epochs {} --seed {} --digits {}",
                course.base.twin(),
                course.guard.as_str(),
                course.epsilon,
                course.epochs,
                course.seed,
                course.digits
            ),
            ..card
        })
    }
}

pub fn run(dirs: &Dirs, name: &str, course: &CourseArgs, watch: bool, json: bool) -> Result<()> {
    let runs: Vec<Run> = match (course.course(name)?, &course.pools) {
        (Some(course), _) => vec![Run::course(course)?],
        (None, Some(words)) => vec![Run::pools(zoo::spec(name)?, words)?],
        (None, None) if name == "all" => zoo::ZOO.iter().map(Run::zoo).collect(),
        (None, None) => vec![Run::zoo(zoo::spec(name)?)],
    };
    let mnist = Mnist::load(&dirs.data)?;
    let test_slice = slice::load(&slice::default_dir())?;
    std::fs::create_dir_all(&dirs.models).map_err(|e| Error::io(&dirs.models, e))?;
    for run in &runs {
        let card = train_one(dirs, run, &mnist, &test_slice, watch, json)?;
        if json {
            outln!("{}", serde_json::to_string(&card).expect("cards serialise"));
        } else {
            outln!(
                "{}: train error {:.2}%, test error {:.2}% (paper {}), {} params, {} bytes, {:.0} s",
                card.name,
                100.0 * card.train_error,
                100.0 * card.test_error,
                run.spec
                    .paper
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
    run: &Run,
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
    bar.set_prefix(run.name.clone());
    let device = dirs.compute.autodiff()?;
    let started = Instant::now();
    // Time spent on checkups, left out of the training's time.
    let mut watching = std::time::Duration::ZERO;
    let last_loss = std::cell::Cell::new(f32::NAN);
    let measures = run.watch();
    let mut epoch_end = |epoch: usize, model: &_| {
        if !watch {
            return Ok(());
        }
        let (at, trained) = (Instant::now(), started.elapsed() - watching);
        let c = checkup(model, &device, test_slice, &measures)?;
        watching += at.elapsed();
        let line = serde_json::json!({"model": run.name, "epoch": epoch + 1,
            "train_seconds": trained.as_secs_f64(), "loss": last_loss.get(), "checkup": c});
        bar.suspend(|| match quiet {
            true => outln!("{line}"),
            false => outln!(
                "{} epoch {}: {:.0} s training, loss {:.4}, clean {:.1}%, PGD-{} ε {} {:.1}%, \
                 L-BFGS mean RMS {:.4} ({:.0} s to measure)",
                run.name,
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
    let data = run.data(mnist);
    let model = train::train_watched(&run.spec, &data, &device, &mut progress, &mut epoch_end)?;
    let train_seconds = (started.elapsed() - watching).as_secs_f64();
    bar.finish_and_clear();
    let device = dirs.compute.device()?;
    let measured = Measured {
        train_error: eval::error_rate(&model, &data, &device)?,
        test_error: eval::error_rate(&model, &mnist.test, &device)?,
        slice_error: eval::error_rate(&model, test_slice, &device)?,
        train_seconds,
    };
    let weights = model.to_safetensors()?;
    let card = run.card(&model, &weights, &measured)?;
    let path = dirs.models.join(format!("{}.safetensors", run.name));
    std::fs::write(&path, &weights).map_err(|e| Error::io(&path, e))?;
    card.save(&dirs.models)?;
    Ok(card)
}
