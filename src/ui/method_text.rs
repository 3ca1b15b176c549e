//! How the page names each attack method and says what it minimises (the method menu and the
//! Compare view read the same words).

use blindspot_core::attack::MethodName;

/// The method's name in the menu and the Compare table.
pub fn title(method: MethodName) -> &'static str {
    match method {
        MethodName::Lbfgs => "Box-constrained L-BFGS (paper)",
        MethodName::Fgsm => "FGSM",
        MethodName::Pgd => "Iterative FGSM (PGD)",
        MethodName::Deepfool => "DeepFool",
        MethodName::Cw => "Carlini–Wagner L2",
        MethodName::Jsma => "JSMA",
    }
}

/// One line on what the method minimises (or spends).
pub fn minimises(method: MethodName) -> &'static str {
    match method {
        MethodName::Lbfgs => {
            "Minimises c·‖r‖² plus the loss of the target, searching for the largest c that still reaches it (Szegedy et al. 2014)."
        }
        MethodName::Fgsm => {
            "Minimises nothing: one step of L∞ size ε along the sign of the gradient (Goodfellow et al. 2015)."
        }
        MethodName::Pgd => {
            "Maximises the loss inside an L∞ ball of radius ε, in 40 projected steps from a random start (Madry et al. 2018)."
        }
        MethodName::Deepfool => {
            "Minimises ‖r‖₂ by stepping to the nearest boundary of the model made linear, again and again (Moosavi-Dezfooli et al. 2016)."
        }
        MethodName::Cw => {
            "Minimises ‖r‖₂² plus c times how far the target's logit is from leading by κ, with Adam and a search over c (Carlini & Wagner 2017)."
        }
        MethodName::Jsma => {
            "Minimises the pixels changed (L0): turns on, two at a time, the pixels that raise the target most and the others least (Papernot et al. 2016)."
        }
    }
}
