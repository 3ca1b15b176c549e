//! What the page says of a running attack: one line on where it is.

use blindspot_core::attack::{Method, Progress};

/// One line on where a running attack is.
pub fn progress_line(method: Method, p: &Progress) -> String {
    match method {
        Method::Lbfgs => format!(
            "L-BFGS: round {} (c = {:.3}), iteration {}, loss {:.4}",
            p.round + 1,
            p.c,
            p.iteration + 1,
            p.loss
        ),
        Method::Fgsm { .. } | Method::Pgd { .. } => format!(
            "{}: step {}, loss {:.4}",
            method.name().as_str().to_uppercase(),
            p.iteration + 1,
            p.loss
        ),
        Method::DeepFool => format!("DeepFool: step {}", p.iteration + 1),
        Method::Cw(config) => format!(
            "C&W: c = {:.3} ({} of {}), iteration {}, loss {:.4}",
            p.c,
            p.round + 1,
            config.search_steps,
            p.iteration + 1,
            p.loss
        ),
        Method::Jsma { .. } => format!("JSMA: {} pixels changed", 2 * (p.iteration + 1)),
    }
}
