//! `zoo`: the table of committed models, from their cards (the README's table is its output).

use crate::Dirs;
use crate::out::outln;
use blindspot_core::card::ModelCard;
use blindspot_core::{Result, zoo::ZOO};

pub fn run(dirs: &Dirs, json: bool) -> Result<()> {
    let cards: Vec<ModelCard> = ZOO
        .iter()
        .map(|s| ModelCard::load(&dirs.models, s.name))
        .collect::<Result<_>>()?;
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&cards).expect("cards serialise")
        );
        return Ok(());
    }
    let pct = |e: f64| format!("{:.2}%", 100.0 * e);
    outln!(
        "| model | trained on | train error | test error | paper test error | target | params | bytes | train time |"
    );
    outln!("|---|---|---|---|---|---|---|---|---|");
    for (spec, c) in ZOO.iter().zip(&cards) {
        outln!(
            "| {} | {} | {} | {} | {} | ≤ {} | {} | {} | {:.0} s |",
            c.name,
            c.train_split,
            pct(c.train_error),
            pct(c.test_error),
            c.paper.as_ref().map_or("–".into(), |p| pct(p.test_error)),
            pct(spec.target_test_error),
            c.params,
            c.bytes,
            c.train_seconds
        );
    }
    let total: f64 = cards.iter().map(|c| c.train_seconds).sum();
    outln!("\nTotal training time: {:.1} min.", total / 60.0);
    Ok(())
}
