//! One of the Train panel's live charts, as SVG: a measure over the run (each batch's loss,
//! or each epoch's accuracy or distortion) as a solid line with points, and the plain zoo
//! model's value as a dashed reference line, both labelled (colour-blind safe: Okabe–Ito
//! colours, and dashes and points tell the two apart without colour).
use crate::ui::colour::{CHART_BLUE as BLUE, CHART_VERMILION as VERMILION};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub title: AttrValue,
    /// What the x axis counts ("batch", "epoch").
    pub x: AttrValue,
    /// The values, at x = 1, 2, … (`every` x apart).
    pub values: Vec<f64>,
    #[prop_or(1.0)]
    pub every: f64,
    /// The plain zoo model's value.
    #[prop_or_default]
    pub reference: Option<f64>,
    /// A fixed y range (accuracies: 0 to 1); otherwise the values' own.
    #[prop_or_default]
    pub range: Option<(f64, f64)>,
    /// How a value is written.
    #[prop_or(3)]
    pub digits: usize,
    pub testid: AttrValue,
}

const W: f64 = 320.0;
const H: f64 = 170.0;
const LEFT: f64 = 46.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 28.0;

#[function_component]
pub fn TrainChart(props: &Props) -> Html {
    let all = props.values.iter().copied().chain(props.reference);
    let (low, high) = props.range.unwrap_or_else(|| {
        let low = all.clone().fold(f64::INFINITY, f64::min);
        let high = all.fold(f64::NEG_INFINITY, f64::max);
        let pad = ((high - low) * 0.1).max(1e-3);
        (low - pad, high + pad)
    });
    let last = props.values.len().max(2) as f64 * props.every;
    let x = |i: usize| LEFT + ((i + 1) as f64 * props.every) / last * (W - LEFT - RIGHT);
    let y = |v: f64| TOP + (high - v) / (high - low) * (H - TOP - BOTTOM);
    let fmt = |v: f64| format!("{v:.*}", props.digits);
    let ok = low.is_finite() && high > low;
    let points: String = (props.values.iter().enumerate())
        .map(|(i, &v)| format!("{:.1},{:.1} ", x(i), y(v)))
        .collect();
    let latest = props.values.last().map_or("–".to_string(), |&v| fmt(v));
    html! {
        <figure class="train-chart" data-testid={props.testid.clone()} data-points={props.values.len().to_string()}>
            <svg viewBox={format!("0 0 {W} {H}")} role="img"
                aria-label={format!("{}: {} values, the latest {latest}", props.title, props.values.len())}>
                <text x={LEFT.to_string()} y="16" class="chart-title">{format!("{}: {latest}", props.title)}</text>
                if ok {
                    <line x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={(H - BOTTOM).to_string()} stroke="currentColor" stroke-opacity="0.4" />
                    <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={(H - BOTTOM).to_string()} y2={(H - BOTTOM).to_string()} stroke="currentColor" stroke-opacity="0.4" />
                    <text x={(LEFT - 4.0).to_string()} y={(TOP + 4.0).to_string()} text-anchor="end">{fmt(high)}</text>
                    <text x={(LEFT - 4.0).to_string()} y={(H - BOTTOM).to_string()} text-anchor="end">{fmt(low)}</text>
                    <text x={(LEFT + (W - LEFT - RIGHT) / 2.0).to_string()} y={(H - 6.0).to_string()} text-anchor="middle">{props.x.clone()}</text>
                    if let Some(r) = props.reference {
                        <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y(r).to_string()} y2={y(r).to_string()}
                            stroke={VERMILION} stroke-width="2" stroke-dasharray="6 4" data-testid={format!("{}-reference", props.testid)} />
                        <text x={(W - RIGHT - 2.0).to_string()} y={(y(r) - 4.0).to_string()} text-anchor="end" style={format!("fill: {VERMILION}")}>
                            {format!("plain {}", fmt(r))}</text>
                    }
                    <polyline points={points} fill="none" stroke={BLUE} stroke-width="2" />
                    if props.values.len() <= 40 {
                        { for props.values.iter().enumerate().map(|(i, &v)| html! {
                            <circle cx={x(i).to_string()} cy={y(v).to_string()} r="3.5" fill={BLUE} />
                        }) }
                    }
                }
            </svg>
        </figure>
    }
}

/// `values` as at most `most` means of consecutive runs, and how many each mean covers.
pub fn thinned(values: &[f32], most: usize) -> (Vec<f64>, usize) {
    let per = values.len().div_ceil(most.max(1)).max(1);
    let means = values
        .chunks(per)
        .map(|c| c.iter().map(|&v| v as f64).sum::<f64>() / c.len() as f64)
        .collect();
    (means, per)
}
