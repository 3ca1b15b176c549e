//! The attack's result: original | adversarial | amplified perturbation, with its distortion.
use super::{DigitCanvas, Probabilities};
use crate::ui::colour::{digit_rgba, perturbation_rgba};
use crate::ui::pixels::download_png;
use crate::ui::state::AttackView;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub original: Vec<f32>,
    pub original_label: Option<u8>,
    pub result: AttackView,
    pub gain: f32,
    pub on_gain: Callback<f32>,
    pub on_noise: Callback<()>,
}

/// Downloads `rgba` (28×28) as a PNG named `name`.
fn download(rgba: Vec<u8>, name: &'static str) -> Callback<MouseEvent> {
    Callback::from(move |_| download_png(&rgba, 28, 28, name))
}

/// Original | adversarial | amplified perturbation, with the distortion the paper measures.
#[function_component]
pub fn ResultView(props: &Props) -> Html {
    let r = &props.result;
    let noise_rgba = perturbation_rgba(&props.original, &r.adversarial, props.gain);
    let on_gain = props.on_gain.reform(|e: InputEvent| {
        e.target_unchecked_into::<HtmlInputElement>()
            .value()
            .parse::<f32>()
            .unwrap_or(10.0)
            .clamp(1.0, 50.0)
    });
    let confidence = r
        .probabilities
        .get(usize::from(r.label))
        .copied()
        .unwrap_or(0.0);
    let d = r.distortion;
    html! {
        <div class="result">
            <div class="triptych">
                <figure><DigitCanvas rgba={digit_rgba(&props.original)} class="big" label="the original digit" />
                    <figcaption>{"original: "}{props.original_label.map_or("?".into(), |l| l.to_string())}</figcaption></figure>
                <figure><DigitCanvas rgba={digit_rgba(&r.adversarial)} class="big" testid="adv-image"
                    label={format!("the adversarial image, which the model reads as {}", r.label)} />
                    <figcaption data-testid="adv-prediction" data-label={r.label.to_string()} data-ms={format!("{:.1}", r.milliseconds)}>
                        {format!("adversarial: {} ({:.1}%)", r.label, 100.0 * confidence)}</figcaption></figure>
                <figure><DigitCanvas rgba={noise_rgba.clone()} class="big" testid="noise-image"
                    label={format!("the perturbation, amplified {:.0} times: orange where ink was added, blue where it was taken away", props.gain)} />
                    <figcaption>{format!("perturbation × {:.0}", props.gain)}
                        <span class="legend"><span class="neg">{"− ink"}</span><span class="zero">{"0"}</span><span class="pos">{"+ ink"}</span></span>
                    </figcaption></figure>
            </div>
            <label data-control="gain">{"Gain "}<input type="range" data-testid="noise-gain" min="1" max="50" step="1" value={props.gain.to_string()} oninput={on_gain} /></label>
            <p class="stats">
                if r.success { {format!("Target {} reached. ", r.target)} } else { {"No adversarial example found within the budget. "} }
                {"Distortion (RMS, the paper's measure) "}<b data-testid="distortion" data-value={format!("{:.6}", d.rms)}>{format!("{:.4}", d.rms)}</b>
                {format!(", ‖r‖₂ {:.3}, ‖r‖∞ {:.3}, {} pixels changed, {:.0} ms.", d.l2, d.linf, d.changed, r.milliseconds)}
            </p>
            <Probabilities probabilities={Some(r.probabilities.clone())} prefix="adv-prob-"
                label="The model's probability for each digit, on the adversarial image" />
            <div class="row">
                <button data-testid="gaussian" onclick={props.on_noise.reform(|_| ())}>{"Add Gaussian noise of the same RMS"}</button>
                <button data-testid="download-adv" onclick={download(digit_rgba(&r.adversarial), "adversarial.png")}>{"Download adversarial PNG"}</button>
                <button data-testid="download-noise" onclick={download(noise_rgba, "perturbation.png")}>{"Download amplified noise PNG"}</button>
            </div>
            if let Some(twin) = &r.noise {
                <div class="noise-twin">
                    <DigitCanvas rgba={digit_rgba(&twin.pixels)} class="big" label="the original with Gaussian noise of the same RMS" />
                    <span data-testid="gaussian-prediction" data-label={twin.label.to_string()}>
                        {format!("Gaussian noise, same RMS: the model says {} ({:.1}%)", twin.label, 100.0 * twin.confidence)}</span>
                </div>
            }
        </div>
    }
}
