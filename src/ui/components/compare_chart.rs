//! The Compare view's picture: the four norms of every method's perturbation as bars, one
//! small chart per norm (each on its own scale), a colour per method (Okabe–Ito, safe for
//! colour-blind readers), unreached methods drawn hollow.

use crate::ui::method_text::title;
use blindspot_core::attack::{Distortion, MethodName};
use yew::prelude::*;

/// One bar group: the method, its perturbation's size and whether it reached its goal.
#[derive(Clone, PartialEq)]
pub struct Bar {
    pub method: MethodName,
    pub distortion: Distortion,
    pub reached: bool,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub bars: Vec<Bar>,
}

/// Okabe–Ito colours, one per method in `MethodName::ALL`'s order.
const COLOURS: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
];

/// The four norms: name, value and how it is written.
fn norms(d: &Distortion) -> [(&'static str, f64, String); 4] {
    [
        ("RMS", d.rms as f64, format!("{:.4}", d.rms)),
        ("L2", d.l2 as f64, format!("{:.3}", d.l2)),
        ("L0 (pixels)", d.changed as f64, d.changed.to_string()),
        ("L∞", d.linf as f64, format!("{:.3}", d.linf)),
    ]
}

#[function_component]
pub fn CompareChart(props: &Props) -> Html {
    const ROW: f64 = 18.0;
    // Room for the longest method name at the charts' 12 px (`.norm-chart` in style.css).
    const LEFT: f64 = 200.0;
    const WIDTH: f64 = 140.0;
    let height = ROW * props.bars.len() as f64 + 4.0;
    let chart = |k: usize| {
        let values: Vec<(f64, String)> = (props.bars.iter())
            .map(|b| {
                let (_, v, text) = norms(&b.distortion)[k].clone();
                (v, text)
            })
            .collect();
        let most = values.iter().map(|v| v.0).fold(0.0, f64::max).max(1e-12);
        let name = norms(&Distortion::default())[k].0;
        html! {
            <figure class="norm-chart">
                <figcaption>{name}</figcaption>
                <svg viewBox={format!("0 0 {} {height}", LEFT + WIDTH + 110.0)} role="img"
                    aria-label={format!("{name} of each method's perturbation")}>
                    { for props.bars.iter().zip(&values).enumerate().map(|(i, (b, (v, text)))| {
                        let y = ROW * i as f64 + 2.0;
                        let w = (v / most * WIDTH).max(1.0);
                        let colour = COLOURS[MethodName::ALL.iter().position(|m| *m == b.method).unwrap_or(0)];
                        let (fill, note) = if b.reached { (colour, "") } else { ("none", " (not reached)") };
                        html! {
                            <g>
                                <text x={(LEFT - 6.0).to_string()} y={(y + 12.0).to_string()} text-anchor="end">{title(b.method)}</text>
                                <rect x={LEFT.to_string()} y={y.to_string()} width={format!("{w:.1}")} height={(ROW - 4.0).to_string()}
                                    fill={fill} stroke={colour} stroke-width="1.5" />
                                <text x={format!("{:.1}", LEFT + w + 4.0)} y={(y + 12.0).to_string()}>{format!("{text}{note}")}</text>
                            </g>
                        }
                    }) }
                </svg>
            </figure>
        }
    };
    html! {
        <div class="norm-charts" data-testid="compare-chart">{ for (0..4).map(chart) }</div>
    }
}
