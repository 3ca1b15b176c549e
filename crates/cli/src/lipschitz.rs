//! `lipschitz`: per-layer upper Lipschitz bounds of a model (the paper's Table 5 shape).

use crate::Dirs;
use crate::out::outln;
use blindspot_core::card::load_model;
use blindspot_core::stability::{LayerBound, lipschitz_bounds};
use blindspot_core::{Result, zoo};

pub fn run(dirs: &Dirs, name: &str, json: bool) -> Result<()> {
    let (model, _) = load_model(&dirs.models, zoo::spec(name)?, &dirs.compute.device()?)?;
    print(&lipschitz_bounds(&model), json);
    Ok(())
}

/// Prints `bounds` as a table, or as JSON.
pub fn print(bounds: &[LayerBound], json: bool) {
    if json {
        outln!("{}", serde_json::to_string_pretty(&bounds).expect("json"));
        return;
    }
    outln!(
        "{:<18} {:<16} {:<16} {:>6} {:>10} {:>10}",
        "layer",
        "kind",
        "shape",
        "stride",
        "sigma",
        "bound"
    );
    for b in bounds {
        let shape: Vec<String> = b.shape.iter().map(usize::to_string).collect();
        outln!(
            "{:<18} {:<16} {:<16} {:>6} {:>10.4} {:>10.4}",
            b.layer,
            b.kind,
            shape.join("x"),
            b.stride,
            b.sigma,
            b.bound
        );
    }
}
