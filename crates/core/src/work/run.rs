//! How each [`Job`] runs, on whatever gives verified models on a device: the page's engines
//! (in the workers and on the page's thread) and, natively, the tests and the CLI.

use super::{
    Answer, AttackJob, Attacked, Counted, Failure, Job, RowExamples, RowJob, SetDone, SetJob,
    ShareJob, SliceFound, UnitsJob,
};
use super::{photo, training};
use crate::attack::objective::INVARIANT_ROWS;
use crate::attack::{Attack, Control, Goal, LbfgsConfig, Method, Progress};
use crate::data::{Digits, Mnist};
use crate::experiment::{gaussian_examples, wrong_counts};
use crate::imagenet::Loaded;
use crate::levels::from_bytes;
use crate::model::Classifier;
use crate::stability::{LayerBound, Layered, layer_jobs, with_network};
use crate::units::deal::{Liveness, tops};
use crate::units::{Features, features, find_layer};
use burn::module::Module;
use burn::prelude::Device;
use std::cell::RefCell;
use std::rc::Rc;

/// Where jobs run: verified models on a device. Everything runs on one thread (the page, a
/// worker, the CLI), so the futures need not be `Send`.
#[allow(async_fn_in_trait)]
pub trait Workshop {
    /// The device attacks run on, with autodiff.
    fn device(&self) -> &Device;
    /// Milliseconds on this workshop's clock (how long a job's attack took).
    fn now(&self) -> f64;
    /// The same device without autodiff, for every computation that runs no backward pass (on
    /// an autodiff device each forward pass's graph stays until a backward pass).
    fn plain(&self) -> &Device;
    /// The zoo model `name`, verified against its card (loaded once).
    async fn model(&self, name: &str) -> Result<Rc<Classifier>, Failure>;
    /// EfficientNet-Lite0 and its class names, verified against their card (loaded once).
    async fn imagenet(&self) -> Result<Rc<Loaded>, Failure>;
    /// The gallery's digits (the committed test slice).
    async fn gallery(&self) -> Result<Rc<Digits>, Failure>;
    /// MNIST (its training digits, which training runs visit, and its test digits), loaded
    /// once on first use.
    async fn training(&self) -> Result<Rc<Mnist>, Failure>;
    /// The last Units slice's features and which slice they are: a deal asks each slice twice.
    fn kept_features(&self) -> &RefCell<Option<KeptFeatures>>;
}

/// A Units slice's features, kept with what they are of: the slice, and the model itself (a
/// model of yours trained again keeps its name).
#[derive(Clone)]
pub struct KeptFeatures {
    key: String,
    model: Rc<Classifier>,
    features: Rc<Features>,
}

impl Job {
    /// Runs the job. `progress` hears after every evaluation of an attack (or every layer of a
    /// Lipschitz bound); it may await (to let a page or a worker's messages run) and answers
    /// whether to go on, which is how Stop reaches a job: a stopped job answers with what it
    /// has.
    pub async fn run(
        self,
        w: &impl Workshop,
        progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<Answer, Failure> {
        Ok(match self {
            Job::Classify { model, pixels } => {
                let m = w.model(&model).await?;
                Answer::Probabilities(probabilities(w, &m, &pixels).await?)
            }
            Job::Attack(job) => attack(w, job, progress).await?.into(),
            Job::AttackShare(job) => Answer::Shares(attack_share(w, job, progress).await?),
            Job::Photo { pixels } => Answer::Ranked(photo::ranked(w, &pixels).await?),
            Job::PhotoAttack(job) => photo::attack(w, job, progress).await?.into(),
            Job::PhotoSolve(rows) => Answer::Solves(photo::solve(w, rows, progress).await?),
            Job::PhotoJudge(job) => photo::judge(w, job).await?.into(),
            Job::Lipschitz { model } => Answer::Bounds(lipschitz(w, model, progress).await?),
            Job::AdversarialSet(job) => adversarial_set(w, job, progress).await?.into(),
            Job::WrongCounts(job) => count_wrong(w, job).await?.into(),
            Job::UnitsSlice(job) => units_slice(w, job).await?.into(),
            Job::TrainShards(job) => Answer::Gradients(training::train_shards(w, job).await?),
            Job::PoolAttack(job) => Answer::Pooled(training::pool_attack(w, job).await?),
            Job::Checkup(job) => Answer::Measured(training::checkup(w, job, progress).await?),
            Job::Errors(job) => Answer::Measured(training::errors(w, job).await?),
        })
    }
}

async fn probabilities(
    w: &impl Workshop,
    model: &Classifier,
    pixels: &[f32],
) -> Result<Vec<f32>, Failure> {
    Ok(crate::eval::probabilities(&model.valid(), pixels, w.plain()).await?)
}

/// The job's attack and the model's probabilities on the adversarial image. An untargeted
/// L-BFGS attack keeps its evaluations at [`INVARIANT_ROWS`] rows or more, so that it gives
/// what its shares give (see [`attack_share`]).
async fn attack(
    w: &impl Workshop,
    job: AttackJob,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Attacked, Failure> {
    let model = w.model(&job.model).await?;
    let untargeted = job.goal == Goal::Untargeted;
    let attack = Attack {
        lbfgs: LbfgsConfig {
            min_rows: if untargeted { INVARIANT_ROWS } else { 1 },
            ..LbfgsConfig::default()
        },
        ..Attack::new(job.method)
    };
    let (label, goal) = ([usize::from(job.label)], [job.goal]);
    let started = w.now();
    let run = attack.run(
        model.as_ref(),
        w.device(),
        &job.pixels,
        &label,
        &goal,
        progress,
    );
    let outcome =
        (run.await?.pop()).ok_or_else(|| Failure::Job("the attack gave no outcome".into()))?;
    let milliseconds = w.now() - started;
    let probabilities = probabilities(w, &model, &outcome.adversarial).await?;
    Ok(Attacked {
        outcome,
        probabilities,
        milliseconds,
    })
}

/// One share of an untargeted L-BFGS attack: the image attacked towards each of the share's
/// targets in one batch (at least [`INVARIANT_ROWS`] rows an evaluation), an outcome for each
/// with the model's probabilities on it. `attack::split::merged` makes the shares' outcomes the
/// untargeted attack's, bit for bit.
async fn attack_share(
    w: &impl Workshop,
    job: ShareJob,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Vec<Attacked>, Failure> {
    let model = w.model(&job.model).await?;
    let attack = Attack {
        lbfgs: LbfgsConfig {
            min_rows: INVARIANT_ROWS,
            ..LbfgsConfig::default()
        },
        ..Attack::new(Method::Lbfgs)
    };
    let n = job.targets.len();
    let images = job.pixels.repeat(n);
    let goals: Vec<Goal> = job.targets.iter().map(|&t| Goal::Target(t)).collect();
    let labels = vec![usize::from(job.label); n];
    let started = w.now();
    let run = attack.run(
        model.as_ref(),
        w.device(),
        &images,
        &labels,
        &goals,
        progress,
    );
    let outcomes = run.await?;
    let milliseconds = w.now() - started;
    let mut shares = Vec::with_capacity(n);
    for outcome in outcomes {
        let probabilities = probabilities(w, &model, &outcome.adversarial).await?;
        shares.push(Attacked {
            outcome,
            probabilities,
            milliseconds,
        });
    }
    Ok(shares)
}

/// A batch of digits attacked as Tables 1–4 attack them, in one batch (plans send batches of
/// one size, so that every engine makes the same batches).
async fn adversarial_set(
    w: &impl Workshop,
    job: SetJob,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<SetDone, Failure> {
    let model = w.model(&job.model).await?;
    let pixels = from_bytes(&job.pixels);
    let (mut set, stopped) = crate::experiment::adversarial_set(
        &model,
        w.device(),
        &pixels,
        &job.labels,
        &job.indices,
        job.seed,
        &LbfgsConfig::default(),
        job.labels.len(),
        progress,
    )
    .await?;
    // The asker has the originals and never reads them: not sent back, so that the page
    // parses half the floats (its longest task in a 1,000-digit run was over 50 ms).
    set.original = Vec::new();
    Ok(SetDone { set, stopped })
}

/// How many of a [`RowJob`]'s examples each column model gets wrong.
async fn count_wrong(w: &impl Workshop, job: RowJob) -> Result<Counted, Failure> {
    let mut loaded = Vec::with_capacity(job.columns.len());
    for name in &job.columns {
        loaded.push(w.model(name).await?.valid());
    }
    let columns: Vec<&Classifier> = loaded.iter().collect();
    let (pixels, noise_rms) = match job.examples {
        RowExamples::Made(pixels) => (pixels, None),
        RowExamples::Noise {
            stddev,
            seed,
            pixels,
        } => {
            let (noisy, rms) = gaussian_examples(&from_bytes(&pixels), stddev, seed);
            (noisy, Some(rms))
        }
    };
    let wrong = wrong_counts(&columns, w.plain(), &pixels, &job.labels).await?;
    Ok(Counted { wrong, noise_rms })
}

/// A slice of a Units deal: the features of gallery digits `start..end` at the job's layer
/// (kept for the deal's second question, which comes with the directions), which units vary
/// there and, given directions, the slice's best images for each.
async fn units_slice(w: &impl Workshop, job: UnitsJob) -> Result<SliceFound, Failure> {
    let model = w.model(&job.model).await?;
    let key = format!("{} {} {}..{}", job.model, job.layer, job.start, job.end);
    let kept = w.kept_features().borrow().clone();
    let features = match kept {
        Some(k) if k.key == key && Rc::ptr_eq(&k.model, &model) => k.features,
        _ => {
            let m = model.valid();
            let layer = find_layer(&m, &job.layer)?;
            let digits = w.gallery().await?.range(job.start, job.end);
            let features = Rc::new(features(&m, &layer, &digits, w.plain()).await?);
            *w.kept_features().borrow_mut() = Some(KeptFeatures {
                key,
                model,
                features: features.clone(),
            });
            features
        }
    };
    Ok(SliceFound {
        liveness: Liveness::of(&features),
        tops: tops(&features, &job.directions, job.k, job.start),
    })
}

/// Table 5 for the digit model `model`, or for EfficientNet-Lite0 (`None`), layer by layer;
/// `progress` hears after each (its `finished` of `problems` layers) and may await.
async fn lipschitz(
    w: &impl Workshop,
    model: Option<String>,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Vec<LayerBound>, Failure> {
    let (digits, photos);
    let network: &dyn Layered = match model {
        Some(name) => {
            digits = w.model(&name).await?.valid();
            &digits
        }
        None => {
            photos = w.imagenet().await?.model.valid();
            &photos
        }
    };
    let jobs = layer_jobs(network);
    let problems = jobs.len();
    let mut layers = Vec::with_capacity(problems);
    for job in jobs {
        layers.push(job());
        let done = Progress {
            round: 0,
            iteration: 0,
            c: 0.0,
            loss: 0.0,
            finished: layers.len(),
            problems,
        };
        progress(&done).await;
    }
    Ok(with_network(layers))
}
