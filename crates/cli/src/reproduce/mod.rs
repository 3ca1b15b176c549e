//! `reproduce`: the paper's Tables 1–4, Section 3's units study and Section 4.3's bounds on
//! our zoo, written to REPRODUCTION.md and reproduction.json; Figure 5 on ImageNet photos
//! (`--figure5`) and adversarial training (`--defences`), sections of their own.

mod defences;
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
    /// Only the defences: each adversarially trained model beside its plain twin (minutes),
    /// replacing that section of REPRODUCTION.md, leaving the rest as it is
    #[arg(long, conflicts_with = "figure5")]
    pub defences: bool,
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
    if args.figure5 || args.defences {
        let (heading, section) = if args.figure5 {
            let section = figure5::measure(dirs, &args.out, &machine())?;
            (figure5::HEADING, section)
        } else {
            let section = defences::measure(dirs, &machine(), args.seed)?;
            (defences::HEADING, section)
        };
        let spliced = splice(&before, heading, &section);
        std::fs::write(&md, spliced).map_err(|e| Error::io(&md, e))?;
        if json {
            outln!(
                "{}",
                serde_json::json!({"out": args.out, "section": heading})
            );
        } else {
            outln!("wrote the section \"{heading}\" of {}", md.display());
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
        written = splice(&written, figure5::HEADING, kept);
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

/// `markdown` with its section `heading` (from the heading to the next `## ` heading, or the
/// end) replaced by `section`, or `section` appended where it has none.
fn splice(markdown: &str, heading: &str, section: &str) -> String {
    let (kept, after) = match markdown.find(heading) {
        Some(at) => {
            let rest = &markdown[at + heading.len()..];
            let next = rest.find("\n## ").map_or("", |k| &rest[k + 1..]);
            (&markdown[..at], next)
        }
        None => (markdown, ""),
    };
    let spliced = format!("{}\n\n{}\n", kept.trim_end(), section.trim_end());
    match after {
        "" => spliced,
        after => format!("{spliced}\n{}\n", after.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::splice;

    #[test]
    fn a_section_replaces_the_old_one_or_is_appended() {
        let heading = "## Figure 5";
        let old = format!("# R\n\ntext\n\n{heading}\n\nold numbers\n");
        let new = format!("{heading}\n\nnew numbers\n");
        assert_eq!(splice(&old, heading, &new), format!("# R\n\ntext\n\n{new}"));
        assert_eq!(splice("# R\n", heading, &new), format!("# R\n\n{new}"));
        let later = format!("{old}\n## After the paper\n\nkept\n");
        assert_eq!(
            splice(&later, heading, &new),
            format!("# R\n\ntext\n\n{new}\n## After the paper\n\nkept\n")
        );
    }
}
