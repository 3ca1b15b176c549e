//! `reproduce`: the paper's Tables 1–4, Section 3's units study and Section 4.3's bounds on
//! our zoo, written to REPRODUCTION.md and reproduction.json; Figure 5 on ImageNet photos
//! (`--figure5`, a section of its own).

mod discussion;
mod figure5;
mod format;
mod markdown;
mod measure;

use crate::Dirs;
use crate::out::outln;
use blindspot_core::data::Mnist;
use blindspot_core::work::Folder;
use blindspot_core::{Error, Result};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ReproduceArgs {
    /// Digits attacked per model: training digits for Tables 1–2 (up to all 60,000), test digits for 3–4 (up to all 10,000)
    #[arg(long, default_value_t = 1000)]
    pub n: usize,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Directory to write REPRODUCTION.md and reproduction.json into
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// Only Figure 5: attack the sample photos (minutes), write figure5/ and replace that
    /// section of REPRODUCTION.md, leaving the rest as it is
    #[arg(long)]
    pub figure5: bool,
}

/// "<cpu model>, <n> cores" from /proc/cpuinfo (Linux), or "unknown machine".
fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(str::trim);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    match model {
        Some(m) => format!("{m}, {cores} cores"),
        None => "unknown machine".into(),
    }
}

pub fn run(dirs: &Dirs, args: &ReproduceArgs, json: bool) -> Result<()> {
    std::fs::create_dir_all(&args.out).map_err(|e| Error::io(&args.out, e))?;
    let md = args.out.join("REPRODUCTION.md");
    let before = std::fs::read_to_string(&md).unwrap_or_default();
    if args.figure5 {
        let section = figure5::measure(dirs, &args.out, &machine())?;
        std::fs::write(&md, figure5::splice(&before, &section)).map_err(|e| Error::io(&md, e))?;
        if json {
            outln!(
                "{}",
                serde_json::json!({"out": args.out, "figure5": figure5::FOLDER})
            );
        } else {
            outln!(
                "wrote the Figure 5 section of {} and {}/",
                md.display(),
                figure5::FOLDER
            );
        }
        return Ok(());
    }
    if args.n == 0 || args.n > 60_000 {
        return Err(Error::Other("--n must be 1 to 60000".into()));
    }
    let device = dirs.compute.autodiff()?;
    let lab = measure::Materials {
        workshop: Folder::new(device.clone(), dirs.models.clone()),
        device,
        batch: dirs.compute.batch(),
        mnist: Mnist::load(&dirs.data)?,
        models: dirs.models.clone(),
    };
    let r = measure::reproduce(&lab, args.n, args.seed)?;
    let command = format!("blindspot reproduce --n {} --seed {}", args.n, args.seed);
    let mut written = markdown::render(&r, &command, &machine());
    if let Some(kept) = figure5::existing(&before) {
        written = figure5::splice(&written, kept);
    }
    std::fs::write(&md, written).map_err(|e| Error::io(&md, e))?;
    measure::write_json(&r, &args.out.join("reproduction.json"))?;
    if json {
        outln!(
            "{}",
            serde_json::json!({"seconds": r.seconds, "out": args.out})
        );
    } else {
        outln!(
            "wrote {} and reproduction.json in {:.0} s",
            md.display(),
            r.seconds
        );
    }
    Ok(())
}
