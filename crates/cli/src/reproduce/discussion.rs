//! The findings of a reproduction, every figure computed from the run beside the paper's (from
//! `paper.rs` and the zoo's specs). Explanations that no run computes are in `notes.md`.

use super::format::{pct, rms};
use super::measure::Reproduction;
use blindspot_core::experiment::TransferBlock;
use blindspot_core::paper;
use blindspot_core::zoo;
use std::fmt::Write;

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Mean of the off-diagonal cells of square rows (transfer between different models).
fn off_diagonal<'a>(rows: impl IntoIterator<Item = &'a [f64]>) -> f64 {
    let cells: Vec<f64> = rows
        .into_iter()
        .enumerate()
        .flat_map(|(i, r)| r.iter().enumerate().filter(move |(j, _)| *j != i))
        .map(|(_, e)| *e)
        .collect();
    mean(&cells)
}

fn ours(block: &TransferBlock) -> impl Iterator<Item = &[f64]> {
    block.examples.iter().map(|r| &r.errors[..])
}

/// Percentage points, signed.
fn pp(v: f64) -> String {
    format!("{:+.1} pp", 100.0 * v)
}

fn table1(o: &mut String, r: &Reproduction) {
    let paper_of = |model: &str| zoo::spec(model).ok().and_then(|s| s.paper);
    let gains: Vec<f64> = (r.table1.iter())
        .filter_map(|row| Some(row.distortion_t1? / row.measured.distortion - 1.0))
        .collect();
    let close: Vec<&str> = (r.table1.iter())
        .filter(|row| {
            paper_of(&row.measured.model)
                .is_some_and(|p| (row.measured.distortion / p.min_distortion - 1.0).abs() <= 0.1)
        })
        .map(|row| row.measured.model.as_str())
        .collect();
    let compared = r
        .table1
        .iter()
        .filter(|row| paper_of(&row.measured.model).is_some())
        .count();
    let error_gaps: Vec<String> = (r.table1.iter())
        .filter_map(|row| {
            Some((
                row,
                row.test_error - paper_of(&row.measured.model)?.test_error,
            ))
        })
        .filter(|(_, gap)| gap.abs() > 0.005)
        .map(|(row, gap)| format!("{} {}", row.measured.model, pp(gap)))
        .collect();
    let distortion = |m: &str| {
        r.table1
            .iter()
            .find(|row| row.measured.model == m)
            .map(|row| row.measured.distortion)
    };
    let fc10: Vec<f64> = paper::TABLE2_MODELS[..3]
        .iter()
        .filter_map(|m| distortion(m))
        .collect();
    let rising = fc10.windows(2).all(|w| w[0] < w[1]);
    let _ = writeln!(
        o,
        "- **Table 1.** Average minimal distortion within 10% of the paper's for {} of the {compared} paper models ({}). With the paper's loss (T = 1) the same attack needs {:+.0}% distortion on average over them. Test errors differ from the paper's by more than 0.5 pp for: {}. Among the fc10 models, stronger weight decay needs {} perturbations ({}), {} the paper.",
        close.len(),
        close.join(", "),
        100.0 * mean(&gains),
        if error_gaps.is_empty() {
            "none".into()
        } else {
            error_gaps.join(", ")
        },
        if rising {
            "larger"
        } else {
            "not always larger"
        },
        fc10.iter().map(|d| rms(*d)).collect::<Vec<_>>().join(" < "),
        if rising { "as in" } else { "unlike" }
    );
    let base = r.table1.iter().find(|x| x.measured.model == "fc100-100-10");
    let adv = r
        .table1
        .iter()
        .find(|x| x.measured.model == "fc100-100-10-adv");
    if let (Some(b), Some(a)) = (base, adv) {
        let reproduced = a.test_error < paper::ADVERSARIAL_TEST_ERROR_BELOW;
        let _ = writeln!(
            o,
            "- **Adversarial training** (Section 4.2): fc100-100-10-adv has test error {} against fc100-100-10's {} (paper: below {}), so the paper's accuracy gain is {}; its average minimal distortion is {} against {} ({:+.0}%). Its pool recipe is on its card (`models/fc100-100-10-adv.json`).",
            pct(a.test_error),
            pct(b.test_error),
            pct(paper::ADVERSARIAL_TEST_ERROR_BELOW),
            if reproduced {
                "reproduced"
            } else {
                "not reproduced"
            },
            rms(a.measured.distortion),
            rms(b.measured.distortion),
            100.0 * (a.measured.distortion / b.measured.distortion - 1.0)
        );
    }
}

fn table2(o: &mut String, r: &Reproduction) {
    let (Some(block), Some(theirs)) = (r.table2.blocks.first(), paper::table2().into_iter().next())
    else {
        return;
    };
    let diagonal: Vec<f64> = ours(block).enumerate().map(|(i, e)| e[i]).collect();
    let lowest = diagonal.iter().copied().fold(1.0, f64::min);
    let noise: Vec<String> = (block.noise.iter().zip(&theirs.noise))
        .map(|(row, (sigma, p))| {
            format!(
                "{:.1}% at σ = {sigma} (paper: {:.1}%)",
                100.0 * mean(&row.errors),
                100.0 * mean(p)
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "- **Table 2.** Other models err on {:.1}% of a model's adversarial examples on average (paper: {:.1}%), against {} on Gaussian noise. The diagonal (each model on its own examples) is {:.1}% at its lowest.",
        100.0 * off_diagonal(ours(block)),
        100.0 * off_diagonal(theirs.examples.iter().copied()),
        noise.join(" and "),
        100.0 * lowest
    );
}

fn tables34(o: &mut String, r: &Reproduction) {
    let clean_gap = (r.table3.iter().zip(paper::TABLE3))
        .flat_map(|(row, p)| [row.p1 - p[0], row.p2 - p[1], row.test - p[2]])
        .fold(0.0f64, |m, g| m.max(g.abs()));
    let theirs = paper::table4();
    let blocks: Vec<String> = (r.table4.blocks.iter().zip(&theirs))
        .map(|(ours_b, p)| {
            let noise = (ours_b.noise.iter())
                .map(|n| {
                    format!(
                        "{:.1}% for {} (RMS {})",
                        100.0 * mean(&n.errors),
                        n.made_for,
                        rms(n.distortion)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{:.1}% (paper: {:.1}%) at mean RMS {}, against {noise}",
                100.0 * off_diagonal(ours(ours_b)),
                100.0 * off_diagonal(p.examples.iter().copied()),
                rms(mean(
                    &ours_b
                        .examples
                        .iter()
                        .map(|e| e.distortion)
                        .collect::<Vec<_>>()
                ))
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "- **Tables 3–4.** The P1/P2 models' clean errors differ from the paper's by at most {:.1} pp. Other models err on the examples made on another training set: {}.",
        100.0 * clean_gap,
        blocks.join("; once amplified to RMS 0.1, ")
    );
}

fn units(o: &mut String, r: &Reproduction) {
    if r.units.is_empty() {
        return;
    }
    let gaps: Vec<String> = (r.units.iter())
        .map(|u| {
            format!(
                "{:+.2}",
                u.study.units.purity.mean - u.study.random.purity.mean
            )
        })
        .collect();
    let spread = mean(
        &r.units
            .iter()
            .map(|u| u.study.random.purity.std)
            .collect::<Vec<_>>(),
    );
    let similar = (r.units.iter())
        .filter(|u| u.study.units.similarity.mean > u.study.random.similarity.mean)
        .count();
    let dead: Vec<String> = (r.units.iter())
        .filter(|u| u.study.constant_units > 0)
        .map(|u| format!("{} {} ({})", u.model, u.study.layer, u.study.constant_units))
        .collect();
    let _ = writeln!(
        o,
        "- **Section 3.** Per layer, the top 10 of single units minus those of random directions in label purity: {} (spread across random directions ±{:.2}). Units are more pixel-similar than random directions in {similar} of {} layers. Layers with units constant on every test digit (left out): {}.",
        gaps.join(", "),
        spread,
        r.units.len(),
        if dead.is_empty() {
            "none".into()
        } else {
            dead.join(", ")
        }
    );
}

fn stability(o: &mut String, r: &Reproduction) {
    // Per model with both figures: (name, network bound, measured distortion, certified RMS).
    let measured: Vec<(&str, f64, f64, f64)> = (r.stability.iter())
        .filter_map(|s| {
            Some((
                s.model.as_str(),
                s.layers.last()?.bound,
                s.distortion?,
                s.certified_rms?,
            ))
        })
        .collect();
    let ratios: Vec<String> = (measured.iter())
        .map(|(m, _, d, c)| format!("{m} {:.0}×", d / c))
        .collect();
    let pairs: Vec<(f64, f64)> = measured.iter().map(|(_, b, d, _)| (*b, *d)).collect();
    let (mut agree, mut all) = (0, 0);
    for (i, a) in pairs.iter().enumerate() {
        for b in &pairs[i + 1..] {
            all += 1;
            // A smaller bound should mean a larger minimal distortion.
            agree += ((a.0 < b.0) == (a.1 > b.1)) as usize;
        }
    }
    let _ = writeln!(
        o,
        "- **Section 4.3.** The distortion L-BFGS needs is above the one the bounds certify by {}. Ordering the models by network bound and by measured distortion agrees for {agree} of {all} pairs.",
        ratios.join(", ")
    );
}

/// Where we agree with the paper and where not, in numbers from this run.
pub fn discussion(o: &mut String, r: &Reproduction) {
    let _ = writeln!(o, "\n## Findings (computed from this run)\n");
    table1(o, r);
    table2(o, r);
    tables34(o, r);
    units(o, r);
    stability(o, r);
}
