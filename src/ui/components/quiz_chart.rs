//! The quiz's staircase as an SVG chart: the RMS of each round's change on a log scale, right
//! answers filled circles and wrong ones hollow squares, with the student's threshold and the
//! attack's RMS as labelled lines (colour-blind safe: shapes and dashes tell them apart too).
use crate::ui::colour::{CHART_BLUE as BLUE, CHART_VERMILION as VERMILION};
use crate::ui::quiz::{ROUNDS, Trial};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub trials: Vec<Trial>,
    pub threshold: Option<f64>,
    pub attack: Option<f64>,
}

/// The chart's size and margins, in SVG units (scaled by CSS).
const W: f64 = 480.0;
const H: f64 = 220.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 34.0;

#[function_component]
pub fn QuizChart(props: &Props) -> Html {
    let values = (props.trials.iter().map(|t| t.rms))
        .chain(props.threshold)
        .chain(props.attack)
        .filter(|v| *v > 0.0);
    let low = values.clone().fold(f64::INFINITY, f64::min) / 1.3;
    let high = values.fold(0.0, f64::max) * 1.3;
    if !(low.is_finite() && high > low) {
        return html! {};
    }
    let x = |round: usize| LEFT + (round as f64 - 0.5) / ROUNDS as f64 * (W - LEFT - RIGHT);
    let y = |v: f64| TOP + (high / v).ln() / (high / low).ln() * (H - TOP - BOTTOM);
    let ticks: Vec<f64> = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
        .into_iter()
        .filter(|t| (low..=high).contains(t))
        .collect();
    let line = |v: Option<f64>, colour: &'static str, dash: &'static str, name: &'static str| {
        v.map_or(html! {}, |v| {
            html! {
                <g>
                    <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y(v).to_string()} y2={y(v).to_string()}
                        stroke={colour} stroke-width="2" stroke-dasharray={dash} />
                    <text x={(W - RIGHT - 4.0).to_string()} y={(y(v) - 4.0).to_string()} text-anchor="end" fill={colour}>
                        {format!("{name} {v:.3}")}</text>
                </g>
            }
        })
    };
    html! {
        <figure class="quiz-chart" data-testid="quiz-chart">
            <svg viewBox={format!("0 0 {W} {H}")} role="img"
                aria-label={format!("The RMS of the change in each of the {} rounds, with your threshold and the attack's", props.trials.len())}>
                { for ticks.iter().map(|&t| html! {
                    <g>
                        <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y(t).to_string()} y2={y(t).to_string()} stroke="currentColor" stroke-opacity="0.15" />
                        <text x={(LEFT - 6.0).to_string()} y={(y(t) + 4.0).to_string()} text-anchor="end">{t}</text>
                    </g>
                }) }
                <text x={(LEFT + (W - LEFT - RIGHT) / 2.0).to_string()} y={(H - 4.0).to_string()} text-anchor="middle">{"round"}</text>
                <text x="12" y={(TOP + (H - TOP - BOTTOM) / 2.0).to_string()} text-anchor="middle"
                    transform={format!("rotate(-90 12 {})", TOP + (H - TOP - BOTTOM) / 2.0)}>{"RMS"}</text>
                {line(props.threshold, BLUE, "6 4", "you")}
                {line(props.attack, VERMILION, "2 3", "attack")}
                { for props.trials.iter().enumerate().map(|(i, t)| {
                    let (cx, cy) = (x(i + 1), y(t.rms));
                    if t.right() {
                        html! { <circle cx={cx.to_string()} cy={cy.to_string()} r="5" fill={BLUE} data-right="true" /> }
                    } else {
                        html! { <rect x={(cx - 5.0).to_string()} y={(cy - 5.0).to_string()} width="10" height="10" fill="none"
                            stroke={VERMILION} stroke-width="2" data-right="false" /> }
                    }
                }) }
            </svg>
            <figcaption>{"Each round's change: ● right, □ wrong; the dashed line is your threshold, the dotted one the attack's change."}</figcaption>
        </figure>
    }
}
