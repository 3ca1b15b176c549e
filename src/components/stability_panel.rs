//! Stability: the selected model's per-layer upper Lipschitz bounds (Section 4.3) as bars.

use crate::lab::LabRef;
use crate::pacing::next_frame;
use blindspot_core::stability::{LayerBound, layer_jobs, with_network};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
    pub model: String,
}

#[function_component]
pub fn StabilityPanel(props: &Props) -> Html {
    let bounds = use_state(|| None::<Result<Vec<LayerBound>, String>>);
    {
        let (bounds, lab) = (bounds.clone(), props.lab.clone());
        use_effect_with(props.model.clone(), move |name| {
            let name = name.clone();
            bounds.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                // On the CPU: the bounds read weights synchronously.
                // Layer by layer, yielding between layers.
                match lab.0.cpu().model(&name).await {
                    Ok(m) => {
                        let mut layers = Vec::new();
                        for job in layer_jobs(m.as_ref()) {
                            layers.push(job());
                            next_frame().await;
                        }
                        bounds.set(Some(Ok(with_network(layers))));
                    }
                    Err(e) => bounds.set(Some(Err(e))),
                }
            });
        });
    }
    let body = match &*bounds {
        None => html! { <p class="busy">{"computing…"}</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{e.clone()}</p> },
        Some(Ok(b)) => {
            let layers: Vec<&LayerBound> = b.iter().filter(|l| l.kind != "network").collect();
            let widest = layers.iter().map(|l| l.bound).fold(1.0, f64::max);
            let network = b.last().map_or(0.0, |l| l.bound);
            html! {
                <>
                <div class="stability">
                { for layers.iter().map(|l| {
                    let shape: Vec<String> = l.shape.iter().map(usize::to_string).collect();
                    html! {
                        <div class="bar" data-testid="stability-row" data-layer={l.layer.clone()}
                            data-sigma={format!("{:.6}", l.sigma)} data-bound={format!("{:.6}", l.bound)}>
                            <span class="name">{format!("{} {} {}", l.layer, l.kind, shape.join("×"))}</span>
                            <span class="fill" style={format!("width: {:.1}rem", 12.0 * l.bound / widest)} />
                            <span>{format!("{:.3}", l.bound)}</span>
                        </div>
                    }
                }) }
                </div>
                <p data-testid="stability-product" data-bound={format!("{network:.6}")}>
                    {format!("Network bound (product): {network:.1}. A perturbation r moves the logits by at most this × ‖r‖₂.")}
                </p>
                </>
            }
        }
    };
    html! {
        <section class="panel" data-testid="stability-panel">
            <h2>{format!("Stability of {}", props.model)}</h2>
            <p class="intro">{"How far can a small change to the input move the network's output? Each layer can stretch a perturbation by at most its bound; the network by at most their product (the paper's Section 4.3 and Table 5, for the model chosen above). Bounds: ‖W‖ by power iteration (the Fourier formula for convolutions), ¼‖W‖ after a sigmoid, 1 for max-pooling. Large products leave room for blind spots; try the convnet against fc10-1e-4."}</p>
            {body}
        </section>
    }
}
