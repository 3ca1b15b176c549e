//! `imagenet`: photos through EfficientNet-Lite0 (`models/imagenet/`, made by
//! `python3 scripts/lib/imagenet_weights.py`), cut to the 224×224 the model sees as the app
//! cuts them; attacks on them (Figure 5).

use crate::Dirs;
use crate::out::outln;
use crate::photo::{read_rgba, write_png};
use blindspot_core::attack::{Goal, MethodName, block_on, keep_going};
use blindspot_core::imagenet::attacks::{self, PhotoAttack};
use blindspot_core::imagenet::{self, Loaded, Ranked, figure};
use blindspot_core::{Error, Result};
use burn::prelude::Device;
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Subcommand)]
pub enum ImagenetCommand {
    /// The five most probable ImageNet classes of a photo
    Classify {
        /// The photo: JPEG, PNG, WebP or GIF (its first frame), any size up to 20 megapixels
        photo: PathBuf,
    },
    /// An adversarial photo: the smallest change that makes the model see the target class
    Attack(AttackArgs),
    /// Per-layer upper Lipschitz bounds of EfficientNet-Lite0 (the paper's Table 5)
    Lipschitz,
}

#[derive(clap::Args)]
pub struct AttackArgs {
    /// The photo: JPEG, PNG, WebP or GIF (its first frame), any size up to 20 megapixels
    pub photo: PathBuf,
    /// The class to reach: an index 0–999, a name only one class has, or `untargeted`
    #[arg(long, default_value = "ostrich")]
    pub target: String,
    /// lbfgs (the paper's, on pixels in [0, 1]), pgd or fgsm
    #[arg(long, default_value = "lbfgs")]
    pub method: String,
    /// L∞ budget of pgd and fgsm in 8-bit levels (8 means 8/255)
    #[arg(long, default_value_t = attacks::EPSILON_LEVELS)]
    pub epsilon: f32,
    /// Iterations of pgd
    #[arg(long, default_value_t = attacks::PGD_STEPS)]
    pub steps: usize,
    /// Write original | perturbation × gain | adversarial here as PNG (Figure 5's layout)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Magnification of the perturbation in the picture, 1–50
    #[arg(long, default_value_t = figure::GAIN)]
    pub gain: f32,
}

pub fn run(dirs: &Dirs, command: &ImagenetCommand, json: bool) -> Result<()> {
    match command {
        ImagenetCommand::Classify { photo } => classify(dirs, photo, json),
        ImagenetCommand::Attack(args) => attack(dirs, args, json),
        ImagenetCommand::Lipschitz => {
            let loaded = load(dirs, &dirs.compute.device()?)?;
            crate::lipschitz::print(
                &blindspot_core::stability::lipschitz_bounds(&loaded.model),
                json,
            );
            Ok(())
        }
    }
}

pub fn load(dirs: &Dirs, device: &Device) -> Result<Loaded> {
    imagenet::load(&dirs.models, device)
}

/// The photo at `path` as the model's input.
pub fn input(path: &Path) -> Result<Vec<f32>> {
    let rgba = read_rgba(path)?;
    imagenet::crop(rgba.width() as usize, rgba.height() as usize, rgba.as_raw())
}

fn classify(dirs: &Dirs, photo: &Path, json: bool) -> Result<()> {
    let device = dirs.compute.device()?;
    let pixels = input(photo)?;
    let loaded = load(dirs, &device)?;
    let top = block_on(attacks::ranked(
        &loaded.model,
        &loaded.classes,
        &device,
        &pixels,
    ))?;
    if json {
        outln!("{}", serde_json::json!(top));
    } else {
        outln!("{}:", photo.display());
        for Ranked {
            label,
            name,
            probability,
        } in &top
        {
            outln!("  {:5.1}%  {name} ({label})", 100.0 * probability);
        }
    }
    Ok(())
}

/// One attacked photo (the core's judgement of it), the photo it started from and the time.
#[derive(serde::Serialize)]
pub struct Attacked {
    #[serde(flatten)]
    pub photo: PhotoAttack,
    pub ms: f64,
    #[serde(skip)]
    pub original: Vec<f32>,
}

/// Attacks `pixels` (a photo as [`input`] gives it) as `args` say.
pub fn attack_photo(
    loaded: &Loaded,
    device: &Device,
    pixels: Vec<f32>,
    args: &AttackArgs,
) -> Result<Attacked> {
    if !(1.0..=50.0).contains(&args.gain) {
        return Err(Error::Other(format!("--gain {} is not 1–50", args.gain)));
    }
    let goal = match args.target.trim() {
        "untargeted" => Goal::Untargeted,
        name => Goal::Target(loaded.classes.find(name)?),
    };
    let (method, lanes) = (MethodName::parse(&args.method)?, attacks::lanes_here());
    let attack = attacks::attack(method, args.epsilon, args.steps, lanes)
        .map_err(|e| Error::Other(format!("--method/--epsilon/--steps: {e}")))?;
    let started = Instant::now();
    let photo = block_on(attacks::attack_photo(
        &loaded.model,
        &loaded.classes,
        device,
        &pixels,
        goal,
        &attack,
        &mut keep_going,
    ))?;
    Ok(Attacked {
        photo,
        ms: started.elapsed().as_secs_f64() * 1000.0,
        original: pixels,
    })
}

/// Writes `attacked` as Figure 5 draws it (see [`figure::triptych`]).
pub fn write_triptych(path: &Path, attacked: &Attacked, gain: f32) -> Result<()> {
    let rgba = figure::triptych(&attacked.original, &attacked.photo.adversarial, gain);
    let (w, h) = (figure::WIDTH, figure::HEIGHT);
    write_png(path, w, h, png::ColorType::Rgba, &rgba)
}

fn attack(dirs: &Dirs, args: &AttackArgs, json: bool) -> Result<()> {
    let device = dirs.compute.autodiff()?;
    let pixels = input(&args.photo)?;
    let loaded = load(dirs, &device)?;
    let attacked = attack_photo(&loaded, &device, pixels, args)?;
    if let Some(out) = &args.out {
        write_triptych(out, &attacked, args.gain)?;
    }
    if json {
        outln!("{}", serde_json::json!(attacked));
        return Ok(());
    }
    let a = &attacked.photo;
    let (before, after) = (&a.before, &a.after);
    outln!(
        "{}: {} ({:.1}%) → {} ({:.1}%), aiming for {} ({}): {}",
        args.photo.display(),
        before[0].name,
        100.0 * before[0].probability,
        after[0].name,
        100.0 * after[0].probability,
        a.target_name,
        a.target,
        if a.success { "reached" } else { "not reached" }
    );
    outln!(
        "  rms {:.5}, L∞ {:.1} levels of 255, {} evaluations, {:.0} ms",
        a.rms,
        a.linf_levels,
        a.iterations,
        attacked.ms
    );
    Ok(())
}
