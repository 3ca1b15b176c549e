//! Stability: the selected model's per-layer upper Lipschitz bounds (Section 4.3) as bars.

use crate::compute::lab::LabRef;
use blindspot_core::attack::Progress;
use blindspot_core::stability::LayerBound;
use blindspot_core::work::{Job, plan};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
    pub model: String,
}

#[function_component]
pub fn StabilityPanel(props: &Props) -> Html {
    let bounds = use_state(|| None::<Result<Vec<LayerBound>, String>>);
    let panel = use_node_ref();
    let seen = crate::ui::control::use_seen(panel.clone(), false);
    {
        let (bounds, lab) = (bounds.clone(), props.lab.clone());
        use_effect_with((props.model.clone(), seen), move |(name, seen)| {
            let name = name.clone();
            bounds.set(None);
            if !*seen {
                return;
            }
            // On a CPU worker: the bounds read weights synchronously.
            wasm_bindgen_futures::spawn_local(async move {
                let job = Job::Lipschitz { model: Some(name) };
                let done = plan::one(&lab.0.pool(None), job, plan::quiet()).await;
                bounds.set(Some(done.map_err(String::from)));
            });
        });
    }
    let body = match &*bounds {
        None => html! { <p class="busy">{"computing…"}</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{e.clone()}</p> },
        Some(Ok(b)) => bounds_view(b),
    };
    html! {
        <section class="panel" data-testid="stability-panel" ref={panel}>
            <h2>{format!("Stability of {}", props.model)}</h2>
            <p class="intro">{"How far can a small change to the input move the network's output? Each layer can stretch a perturbation by at most its bound; the network by at most their product (the paper's Section 4.3 and Table 5, for the model chosen above). Bounds: ‖W‖ by power iteration (the Fourier formula for convolutions), ¼‖W‖ after a sigmoid, 1 for max-pooling. Large products leave room for blind spots; try the convnet against fc10-1e-4."}</p>
            // Its place is kept while it computes (it starts when the panel comes into view), so
            // that what lies below, the Photos panel's buttons, does not move under a click.
            <div class="stability-body">{body}</div>
            <ImagenetBounds lab={props.lab.clone()} />
        </section>
    }
}

/// The bounds as bars, one per layer, and the network's product.
fn bounds_view(b: &[LayerBound]) -> Html {
    let layers: Vec<&LayerBound> = b.iter().filter(|l| l.kind != "network").collect();
    let widest = layers.iter().map(|l| l.bound).fold(1.0, f64::max);
    let network = b.last().map_or(0.0, |l| l.bound);
    html! {
        <>
        <div class="stability">
        { for layers.iter().map(|l| {
            let shape: Vec<String> = l.shape.iter().map(usize::to_string).collect();
            html! {
                <div class="bar" data-testid="stability-row" data-layer={l.layer.clone()} data-kind={l.kind.clone()}
                    data-sigma={format!("{:.6}", l.sigma)} data-bound={format!("{:.6}", l.bound)}>
                    <span class="name">{format!("{} {} {}", l.layer, l.kind, shape.join("×"))}</span>
                    <span class="fill" style={format!("width: {:.1}rem", 12.0 * l.bound / widest)} />
                    <span>{format!("{:.3}", l.bound)}</span>
                </div>
            }
        }) }
        </div>
        <p data-testid="stability-product" data-bound={format!("{network:.6}")}>
            {format!("Network bound (product): {network:.3e}. A perturbation r moves the logits by at most this × ‖r‖₂.")}
        </p>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ImagenetProps {
    lab: LabRef,
}

/// Table 5 where the paper had it, on an ImageNet network: EfficientNet-Lite0's layers,
/// computed where photos are (the WebGPU worker or the pool's first CPU worker) on request (it loads the 9.3 MB model), with progress.
#[function_component]
fn ImagenetBounds(props: &ImagenetProps) -> Html {
    let bounds = use_state(|| None::<Result<Vec<LayerBound>, String>>);
    let progress = use_state(|| None::<(usize, usize)>);
    let on_run = {
        let (lab, bounds, progress) = (props.lab.clone(), bounds.clone(), progress.clone());
        Callback::from(move |_: MouseEvent| {
            let (lab, bounds, progress) = (lab.clone(), bounds.clone(), progress.clone());
            progress.set(Some((0, 0)));
            wasm_bindgen_futures::spawn_local(async move {
                let report = progress.clone();
                let status = move |p: &Progress| report.set(Some((p.finished, p.problems)));
                let job = Job::Lipschitz { model: None };
                let done = lab.0.photo(job, None, status).await;
                bounds.set(Some(done.map_err(String::from)));
                progress.set(None);
            });
        })
    };
    html! {
        <div data-testid="stability-imagenet">
            <h3>{"Table 5 on an ImageNet network: EfficientNet-Lite0"}</h3>
            <p class="intro">{"The paper's Table 5 bounds the layers of its ImageNet network. Here: the Photos panel's EfficientNet-Lite0, batch norm folded into each convolution, depthwise convolutions by their Fourier blocks, ReLU6 as 1, average pooling as 1/7, each residual block as 1 + the product of its layers. Computed in a worker (it loads the 9.3 MB model)."}</p>
            if let Some((done, total)) = *progress {
                <progress data-testid="stability-imagenet-progress" max={total.max(1).to_string()} value={done.to_string()} />
                <span class="busy">{format!("{done} of {total} layers")}</span>
            } else {
                <button data-testid="stability-imagenet-run" onclick={on_run}>{"Compute Table 5 for EfficientNet-Lite0"}</button>
            }
            { match &*bounds {
                None => html! {},
                Some(Err(e)) => html! { <p class="error" role="alert">{e.clone()}</p> },
                Some(Ok(b)) => bounds_view(b),
            } }
        </div>
    }
}
