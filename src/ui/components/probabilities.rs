//! The model's ten probabilities as bars, the predicted digit highlighted.
use blindspot_core::eval::argmax;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub probabilities: Option<Vec<f32>>,
    /// Prefix of the test ids (`prob-` for the input, `adv-prob-` for the adversarial).
    #[prop_or(AttrValue::from("prob-"))]
    pub prefix: AttrValue,
    /// What a screen reader calls the bars.
    #[prop_or(AttrValue::from("The model's probability for each digit"))]
    pub label: AttrValue,
}

/// Ten bars, one per digit, the predicted one highlighted.
#[function_component]
pub fn Probabilities(props: &Props) -> Html {
    let p = props.probabilities.clone().unwrap_or_else(|| vec![0.0; 10]);
    let best = props.probabilities.as_ref().map(|p| argmax(p) as usize);
    html! {
        <div class="bars" role="group" aria-label={props.label.clone()}>
        { for (0..10).map(|d| html! {
            <div class={classes!("bar", (Some(d) == best).then_some("best"))}
                 data-testid={format!("{}{d}", props.prefix)} data-value={format!("{:.6}", p[d])}>
                <span class="digit-label">{d}</span>
                <span class="fill" aria-hidden="true" style={format!("width: {:.1}%", 100.0 * p[d])}></span>
                <span class="pct">{format!("{:.1}%", 100.0 * p[d])}</span>
            </div>
        }) }
        </div>
    }
}
