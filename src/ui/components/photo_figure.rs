//! Figure 5 for one photo: original | perturbation × gain | adversarial, and its PNG.
use super::{PhotoRanked, PictureCanvas};
use crate::ui::photo_state::PhotoResult;
use crate::ui::pixels::download_png;
use blindspot_core::imagenet::figure::{self, HEIGHT, WIDTH};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The photo attacked, `[3, 224, 224]` in [0, 1].
    pub original: Vec<f32>,
    pub result: PhotoResult,
    pub gain: f32,
    pub on_gain: Callback<f32>,
}

/// Figure 5 for one photo: original | perturbation × gain | adversarial, what the model says of
/// the adversarial photo, the change's size, and a PNG of the picture.
#[function_component]
pub fn PhotoFigure(props: &Props) -> Html {
    let r = &props.result.attacked.report;
    let rgba = figure::triptych(&props.original, &props.result.adversarial, props.gain);
    let on_gain = props.on_gain.reform(|e: InputEvent| {
        e.target_unchecked_into::<HtmlInputElement>()
            .value()
            .parse::<f32>()
            .unwrap_or(figure::GAIN)
    });
    let download = {
        let rgba = rgba.clone();
        Callback::from(move |_: MouseEvent| {
            download_png(&rgba, WIDTH as u32, HEIGHT as u32, "figure5.png")
        })
    };
    let reached = if r.success {
        format!("{} reached.", r.target_name)
    } else {
        format!("{} not reached within the budget.", r.target_name)
    };
    html! {
        <div class="photo-result">
            <PictureCanvas rgba={rgba} width={WIDTH as u32} height={HEIGHT as u32} class="photo-triptych" testid="photo-figure"
                label={format!("The photo, the perturbation magnified {:.0} times, and the adversarial photo, which the model reads as {}", props.gain, r.name)} />
            <p class="legend">{format!("original | perturbation × {:.0} (grey: unchanged) | adversarial: {}", props.gain, r.name)}</p>
            <label>{"Gain "}<input type="range" data-testid="photo-gain" min="1" max="50" step="1" value={props.gain.to_string()} oninput={on_gain} /></label>
            <p class="stats">{reached}{" RMS "}
                <b data-testid="photo-rms" data-value={format!("{:.6}", r.rms)}>{format!("{:.4}", r.rms)}</b>
                {", L∞ "}<b data-testid="photo-linf" data-value={format!("{:.3}", r.linf_levels)}>{format!("{:.0}", r.linf_levels)}</b>
                {format!(" levels of 255, {} gradient evaluations, {:.1} s.", r.iterations, props.result.milliseconds / 1000.0)}
            </p>
            <PhotoRanked ranked={r.after.clone()} testid="photo-adv-top5" label="What the model says of the adversarial photo" />
            <button data-testid="photo-download" onclick={download}>{"Download the figure (PNG)"}</button>
        </div>
    }
}
