//! Renders a [`Reproduction`] as REPRODUCTION.md: every cell ours, then the paper's in
//! parentheses (from `paper.rs` and the zoo's specs), findings computed from the run
//! (`discussion.rs`), and the hand-written notes (`notes.md`), marked as such.

use super::discussion::discussion;
use super::format::{pct, rms};
use super::measure::{Reproduction, TransferTable};
use blindspot_core::paper;
use blindspot_core::zoo;
use std::fmt::Write;

fn ours_paper(ours: f64, paper: Option<f64>, f: fn(f64) -> String) -> String {
    match paper {
        Some(p) => format!("{} ({})", f(ours), f(p)),
        None => f(ours),
    }
}

/// A transfer table, block by block, each row beside the paper's row in the same place.
fn transfer_table(
    o: &mut String,
    columns: &[&str],
    table: &TransferTable,
    paper: &[paper::TransferBlock],
) {
    let _ = writeln!(
        o,
        "| made for \\ tested on | {} | examples | av. distortion |",
        columns.join(" | ")
    );
    let _ = writeln!(o, "|---|{}---|---|", "---|".repeat(columns.len()));
    for (ours, theirs) in table.blocks.iter().zip(paper) {
        let theirs_noise = theirs.noise.iter().map(|(_, e)| *e);
        let rows = ours.examples.iter().chain(&ours.noise);
        for (row, p) in rows.zip(theirs.examples.iter().copied().chain(theirs_noise)) {
            let cells: Vec<String> = (row.errors.iter().zip(p))
                .map(|(&e, &p)| ours_paper(e, Some(p), pct))
                .collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                row.made_for,
                cells.join(" | "),
                row.examples,
                rms(row.distortion)
            );
        }
    }
}

fn attack_section(o: &mut String, r: &Reproduction) {
    let a = &r.attack;
    let _ = writeln!(o, "## The attack\n");
    let _ = writeln!(
        o,
        "- Box-constrained projected L-BFGS on c·‖r‖² + CE(logits(x+r)/T, target) over [0,1]^784 (`crates/core/src/attack/lbfgs.rs`): memory {}, at most {} iterations per solve, stop when the projected gradient's largest entry < {} or the objective stops decreasing; {}.",
        a.memory,
        a.max_iterations,
        a.tolerance,
        if a.warm_start {
            "each solve after an image's first starts where its previous solve ended"
        } else {
            "restart from x at every c"
        }
    );
    let start = match a.c_start {
        Some(c) => format!("c = {c}"),
        None => {
            "the c estimated from the loss's gradient at x (`attack::c_search::estimated_start`)"
                .into()
        }
    };
    let narrow = if a.guided {
        "narrow the bracket where the target's logit margin interpolates to zero (`attack/c_search.rs`)"
    } else {
        "bisect the bracket geometrically"
    };
    let _ = writeln!(
        o,
        "- Search over c per image: start at {start}, multiply (all solves succeed) or divide (all fail) by {} up to {} times, then {narrow} until the failing c is within {}× of the successful one, at most {} solves in all; keep the smallest successful r.",
        a.c_factor,
        a.bracket_steps,
        a.c_ratio,
        a.bracket_steps + a.bisections
    );
    let _ = writeln!(
        o,
        "- Softmax temperature T = {} (the paper's loss is T = 1: Table 1's last distortion column).",
        a.temperature
    );
    let _ = writeln!(
        o,
        "- Targets: a random wrong label per image, seeded (seed {}, `experiment::random_wrong_label`). Distortion: per-pixel RMS sqrt(Σr²/784), averaged over the successful attacks.",
        r.seed
    );
    let _ = writeln!(
        o,
        "- Tables 1–2: N = {} training digits (a seeded sample of the 60,000); the convnet row uses N/5. Tables 3–4: N = {} test digits (at most the 10,000). Gaussian noise: per-pixel N(0, σ²) added, then clipped to [0, 1]. Amplified rows rescale each r to RMS 0.1 (direction kept), then clip.\n",
        r.n,
        r.n.min(10_000)
    );
}

fn table1(o: &mut String, r: &Reproduction) {
    let _ = writeln!(o, "## Table 1: models and minimal distortion\n");
    let _ = writeln!(
        o,
        "| model | train error | test error | av. min. distortion | same, paper's loss (T = 1) | attacks succeeded | time |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|---|");
    for row in &r.table1 {
        let p = zoo::spec(&row.measured.model).ok().and_then(|s| s.paper);
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} of {} | {:.0} s |",
            row.measured.model,
            ours_paper(row.train_error, p.and_then(|p| p.train_error), pct),
            ours_paper(row.test_error, p.map(|p| p.test_error), pct),
            ours_paper(row.measured.distortion, p.map(|p| p.min_distortion), rms),
            row.distortion_t1.map_or("–".into(), rms),
            pct(row.measured.success_rate()),
            row.measured.attacked,
            row.measured.seconds
        );
    }
}

fn table3(o: &mut String, r: &Reproduction) {
    let _ = writeln!(o, "\n## Table 3: the P1/P2 models on clean data\n");
    let _ = writeln!(
        o,
        "| model | error on P1 | error on P2 | error on test | min. av. distortion (test) |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|");
    for (row, p) in r.table3.iter().zip(paper::TABLE3) {
        let d = zoo::spec(&row.model)
            .ok()
            .and_then(|s| s.paper)
            .map(|p| p.min_distortion);
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            row.model,
            ours_paper(row.p1, Some(p[0]), pct),
            ours_paper(row.p2, Some(p[1]), pct),
            ours_paper(row.test, Some(p[2]), pct),
            ours_paper(row.distortion, d, rms)
        );
    }
}

fn units(o: &mut String, r: &Reproduction) {
    let _ = writeln!(o, "\n## Section 3: units vs random directions\n");
    let _ = writeln!(
        o,
        "Top 10 of the 10,000 test digits for up to 100 units of a layer (evenly spaced over the units that are not constant on the test set) and 100 seeded random Gaussian directions. Purity: fraction of the 10 sharing their most common label. Similarity: mean pairwise cosine of their pixels. Mean ± standard deviation over directions. Grids: `blindspot units <model> --layer <L> --unit 0,1,2 --out units.png`, `--random 1,2,3`.\n"
    );
    let _ = writeln!(
        o,
        "| model | layer | width | constant units | purity, units | purity, random | similarity, units | similarity, random |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|---|---|");
    for u in &r.units {
        let s = &u.study;
        let pm =
            |x: &blindspot_core::units::coherence::Spread| format!("{:.2} ± {:.2}", x.mean, x.std);
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            u.model,
            s.layer,
            s.width,
            s.constant_units,
            pm(&s.units.purity),
            pm(&s.random.purity),
            pm(&s.units.similarity),
            pm(&s.random.similarity)
        );
    }
}

fn stability(o: &mut String, r: &Reproduction) {
    let _ = writeln!(o, "\n## Section 4.3: upper Lipschitz bounds per layer\n");
    let _ = writeln!(
        o,
        "σ: operator norm of the layer's linear map (power iteration for fc; the Fourier formula on the layer's input grid for conv, tested against dense operators). Bound: σ, ¼σ after a sigmoid, 1 for max-pooling. `blindspot lipschitz <model> --json` prints one model. Certified RMS: mean over Table 1's digits of (logit margin of the true label over the target) / (√2 · network bound) / 28, the distortion below which no attack can succeed by the bound.\n"
    );
    let _ = writeln!(
        o,
        "| model | layers: kind shape → bound | network bound | certified RMS | av. min. distortion |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|");
    for s in &r.stability {
        let layers: Vec<String> = s
            .layers
            .iter()
            .filter(|l| l.kind != "network")
            .map(|l| {
                format!(
                    "{} {} {} → {:.2}",
                    l.layer,
                    l.kind,
                    shape(&l.shape),
                    l.bound
                )
            })
            .collect();
        let net = s.layers.last().map_or(0.0, |l| l.bound);
        let opt = |v: Option<f64>| v.map_or("–".into(), |v| format!("{v:.5}"));
        let _ = writeln!(
            o,
            "| {} | {} | {:.1} | {} | {} |",
            s.model,
            layers.join("; "),
            net,
            opt(s.certified_rms),
            opt(s.distortion)
        );
    }
    let _ = writeln!(
        o,
        "\nPer model, in the shape of the paper's Table 5 (size: in × out for fc, in × k × k × out for conv):"
    );
    for st in &r.stability {
        let _ = writeln!(o, "\n**{}**\n", st.model);
        bounds_table(o, &st.layers);
    }
}

/// A layer's size as Table 5 writes it (`in×k×k×out`).
fn shape(size: &[usize]) -> String {
    size.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("×")
}

/// Per-layer bounds as a Table 5-shaped markdown table.
pub fn bounds_table(o: &mut String, layers: &[blindspot_core::stability::LayerBound]) {
    let _ = writeln!(
        o,
        "| layer | kind | size | stride | σ | upper bound |\n|---|---|---|---|---|---|"
    );
    for l in layers {
        let stride = if l.kind.starts_with("fc") || l.kind == "network" {
            "–".to_string()
        } else {
            l.stride.to_string()
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {:.3} | {:.3} |",
            l.layer,
            l.kind,
            shape(&l.shape),
            stride,
            l.sigma,
            l.bound
        );
    }
}

pub fn render(r: &Reproduction, command: &str, machine: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Reproduction of Szegedy et al. (2014) on Blindspot's zoo\n"
    );
    let _ = writeln!(
        o,
        "Generated by `{command}` on {machine} in {:.0} s ({:.1} min). Every cell: **ours (paper's)**. Raw numbers: `reproduction.json`. Everything above the hand-written notes comes from this run; Figure 5, after them, names its own.\n",
        r.seconds,
        r.seconds / 60.0
    );
    attack_section(&mut o, r);
    table1(&mut o, r);
    let _ = writeln!(
        o,
        "\n## Table 2: cross-model generalisation (error of each column model on the row's examples)\n"
    );
    transfer_table(&mut o, &paper::TABLE2_MODELS, &r.table2, &paper::table2());
    table3(&mut o, r);
    let _ = writeln!(
        o,
        "\n## Table 4: cross-training-set generalisation (adversarial sets made on the test set)\n"
    );
    transfer_table(&mut o, &paper::TABLE4_MODELS, &r.table4, &paper::table4());
    units(&mut o, r);
    stability(&mut o, r);
    discussion(&mut o, r);
    let _ = writeln!(o, "\n{}", include_str!("notes.md").trim_end());
    o
}
