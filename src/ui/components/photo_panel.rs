//! Photos: the paper's ImageNet experiment (Figure 5) on EfficientNet-Lite0. Nothing of it
//! loads until a person opens the panel: then the class names, and with the first photo the
//! CPU worker and the 9.3 MB model.

use super::{PhotoControls, PhotoFigure, PhotoRanked, PictureCanvas, Upload};
use crate::compute::lab::LabRef;
use crate::ui::control::{PhotoCallbacks, sample_url, use_photo};
use crate::ui::photo_state::{PhotoAction, PhotoState, SAMPLES};
use blindspot_core::imagenet::{self, Classes, SIDE, attacks, figure};
use blindspot_core::levels::from_bytes;
use blindspot_core::work::Job;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
}

#[function_component]
pub fn PhotoPanel(props: &Props) -> Html {
    let open = use_state(|| false);
    let on_open = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(true))
    };
    html! {
        <section class="panel" data-testid="photo-panel">
            <h2>{"Photos: the paper's ImageNet experiment"}</h2>
            <p class="intro">{"The paper's Figure 5: photos an ImageNet network reads correctly, a change too small to see (shown ×10), and the same photos read as \"ostrich\". Here the network is EfficientNet-Lite0 (75.1% top-1 on ImageNet by its authors' figure); the paper used AlexNet, which has no openly licensed weights in reach. It runs in workers on your CPU: PGD takes about a second, the paper's L-BFGS about half a minute on two cores (its search over c tries two values of c at a time, one a core)."}</p>
            if *open {
                <PhotoLab lab={props.lab.clone()} />
            } else {
                <button data-testid="photo-open" onclick={on_open}>{"Open the Photos lab (downloads a 9.3 MB model)"}</button>
            }
        </section>
    }
}

#[function_component]
fn PhotoLab(props: &Props) -> Html {
    let state = use_reducer(PhotoState::default);
    let classes = use_state(|| None::<Result<Rc<Classes>, String>>);
    {
        let (classes, lab) = (classes.clone(), props.lab.0.clone());
        use_effect_with((), move |_| {
            // The network's download and load start with the lab, not with the first photo.
            wasm_bindgen_futures::spawn_local(async move {
                // On every worker a photo's L-BFGS lanes run on.
                let pixels = vec![128; imagenet::INPUT];
                lab.warm(Job::Photo { pixels }, attacks::MAX_LANES).await;
            });
            wasm_bindgen_futures::spawn_local(async move {
                let url = format!("models/{}/classes.txt", imagenet::DIR);
                let parsed = match crate::fetch::bytes(&url).await {
                    Ok(text) => Classes::parse(&String::from_utf8_lossy(&text))
                        .map(Rc::new)
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(format!(
                        "{e} (python3 scripts/lib/imagenet_weights.py makes it)"
                    )),
                };
                classes.set(Some(parsed));
            });
        });
    }
    let PhotoCallbacks {
        on_sample,
        on_file,
        on_run,
        on_stop,
    } = use_photo(props.lab.0.clone(), state.clone());
    let busy = state.busy.is_some();
    let ready = state.ready(matches!(&*classes, Some(Ok(_))));
    let phase = match (ready, busy) {
        (true, _) => "ready",
        (false, true) => "busy",
        (false, false) => "loading",
    };
    let original = state.pixels.as_deref().map(from_bytes);
    html! {
        <div class="photo-lab" data-testid="photo-lab" data-state={phase}>
            if let Some(e) = &state.error {
                <p data-testid="error" class="error" role="alert">{e.clone()}</p>
            }
            <div class="row photo-samples" role="group" aria-label="Sample photos">
                { for SAMPLES.iter().map(|&name| html! {
                    <button data-testid="photo-sample" data-name={name} disabled={!ready} onclick={on_sample.reform(move |_: MouseEvent| name)}>
                        <img src={sample_url(name)} alt={format!("sample photo {name}")} width="72" height="48" />
                    </button>
                }) }
            </div>
            <p class="legend">{"Samples from scikit-image: chelsea and coffee (CC0), rocket (public domain); see models/imagenet/samples/README.md."}</p>
            <Upload label="Upload a photo (JPEG, PNG, WebP or GIF) or drop it here" testid="photo-upload" disabled={!ready} {on_file} />
            if let Some(pixels) = &original {
                <div class="row photo-input">
                    <PictureCanvas rgba={figure::photo_rgba(pixels)} width={SIDE as u32} height={SIDE as u32} testid="photo-crop"
                        label={format!("the 224 by 224 crop of {} that the model sees", state.source.clone().unwrap_or_default())} />
                    if let Some(top) = &state.top {
                        <PhotoRanked ranked={top.clone()} testid="photo-top5" label="What the model says of the photo" />
                    }
                </div>
            }
            { match &*classes {
                None => html! { <p class="busy">{"loading the class names…"}</p> },
                Some(Err(e)) => html! { <p class="error" role="alert">{e.clone()}</p> },
                Some(Ok(c)) => html! {
                    <PhotoControls classes={c.clone()} target={state.target} method={state.method} epsilon={state.epsilon_levels}
                        busy={state.busy.clone().map(AttrValue::from)} can_run={state.top.is_some()}
                        on_target={state.dispatcher().to_callback().reform(PhotoAction::Target)}
                        on_method={state.dispatcher().to_callback().reform(PhotoAction::Method)}
                        on_epsilon={state.dispatcher().to_callback().reform(PhotoAction::Epsilon)}
                        on_error={state.dispatcher().to_callback().reform(|e: String| PhotoAction::Error(Some(e)))}
                        {on_run} {on_stop} />
                },
            } }
            if busy {
                <p class="busy" data-testid="photo-status" aria-live="polite">{state.busy.clone()}</p>
            }
            if let (Some(original), Some(result)) = (original, &state.result) {
                <PhotoFigure {original} result={result.clone()} gain={state.gain}
                    on_gain={state.dispatcher().to_callback().reform(PhotoAction::Gain)} />
            }
        </div>
    }
}
