//! Units: the paper's Section 3 as a game. Rows of the ten gallery digits that most excite a
//! single unit or a random direction of a hidden layer, shuffled; guess which rows are single
//! units, then reveal.

use super::DigitCanvas;
use crate::compute::lab::LabRef;
use crate::ui::colour::digit_rgba;
use crate::ui::state::YourModel;
use blindspot_core::data::Digits;
use blindspot_core::units::Direction;
use blindspot_core::work::plan::units;
use blindspot_core::zoo::{self, ModelSpec, ZOO};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
    pub digits: Option<Rc<Digits>>,
    /// The student's own models, probed with their architecture's layers.
    pub yours: Vec<YourModel>,
}

#[derive(Clone, PartialEq)]
struct Row {
    direction: Direction,
    top: Vec<usize>,
    guess: Option<bool>, // Some(true): "single unit"
}

#[derive(Clone, PartialEq, Default)]
struct Deal {
    rows: Vec<Row>,
    revealed: bool,
}

/// A deal's rows of each kind (live units, random directions), and digits shown per row.
const UNITS_PER_KIND: usize = 3;
const UNITS_SHOWN: usize = 10;

fn is_unit(d: &Direction) -> bool {
    matches!(d, Direction::Unit(_))
}

/// A deal (`units::deal`) on the gallery's `n` digits, computed on the CPU workers.
async fn deal(
    lab: LabRef,
    model: String,
    layer: String,
    round: u64,
    n: usize,
) -> Result<Deal, String> {
    let deal = units::Deal {
        model: &model,
        layer: &layer,
        round,
        n,
        per_kind: UNITS_PER_KIND,
        shown: UNITS_SHOWN,
    };
    let dealt = units::run(&lab.0.pool(None), &deal).await?;
    let rows = dealt
        .into_iter()
        .map(|d| Row {
            direction: d.direction,
            top: d.top,
            guess: None,
        })
        .collect();
    Ok(Deal {
        rows,
        revealed: false,
    })
}

/// The models with hidden layers to probe, as (name, what the menu shows, spec): the zoo's,
/// then the student's own (each with its zoo twin's spec).
fn probed_models(yours: &[YourModel]) -> Vec<(String, String, &'static ModelSpec)> {
    let zoo = ZOO
        .iter()
        .map(|s| (s.name.to_string(), s.name.to_string(), s));
    let yours = yours
        .iter()
        .filter_map(|y| Some((y.name.clone(), y.title.clone(), zoo::spec(&y.twin).ok()?)));
    zoo.chain(yours)
        .filter(|(_, _, s)| !s.arch.probe_layers().is_empty())
        .collect()
}

/// The names of a model's probe layers, input side first.
fn layer_names(spec: &ModelSpec) -> Vec<String> {
    spec.arch
        .probe_layers()
        .into_iter()
        .map(|l| l.name)
        .collect()
}

#[function_component]
pub fn UnitsPanel(props: &Props) -> Html {
    // The app's default model and its deepest layer to start (zoo.rs tests it has layers).
    let first = zoo::spec(zoo::DEFAULT).expect("zoo.rs tests that DEFAULT is in the zoo");
    let model = use_state(|| first.name.to_string());
    let layer = use_state(|| layer_names(first).last().cloned().unwrap_or_default());
    let layer_names_now = use_state(|| layer_names(first));
    let round = use_state(|| 1u64);
    let current = use_state(|| None::<Result<Deal, String>>);
    let busy = use_state(|| false);
    let on_model = {
        let (model, layer, names) = (model.clone(), layer.clone(), layer_names_now.clone());
        let yours = props.yours.clone();
        Callback::from(move |e: Event| {
            let name = e.target_unchecked_into::<HtmlSelectElement>().value();
            let probed = probed_models(&yours);
            if let Some((_, _, spec)) = probed.into_iter().find(|(n, _, _)| *n == name) {
                let all = layer_names(spec);
                layer.set(all.last().cloned().unwrap_or_default());
                names.set(all);
                model.set(name);
            }
        })
    };
    let on_layer = {
        let layer = layer.clone();
        Callback::from(move |e: Event| {
            layer.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_deal = {
        let (lab, digits, model, layer, round, current, busy) = (
            props.lab.clone(),
            props.digits.clone(),
            model.clone(),
            layer.clone(),
            round.clone(),
            current.clone(),
            busy.clone(),
        );
        Callback::from(move |_| {
            let Some(n) = digits.as_ref().map(|d| d.len()) else {
                return; // the rows show gallery digits
            };
            let (lab, current, busy, r) = (lab.clone(), current.clone(), busy.clone(), *round);
            let (m, l) = ((*model).clone(), (*layer).clone());
            round.set(r + 1);
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                current.set(Some(deal(lab, m, l, r, n).await));
                busy.set(false);
            });
        })
    };
    let guess = |i: usize| {
        let current = current.clone();
        Callback::from(move |e: Event| {
            if let Some(Ok(d)) = (*current).clone() {
                let mut d = d;
                d.rows[i].guess = match e
                    .target_unchecked_into::<HtmlSelectElement>()
                    .value()
                    .as_str()
                {
                    "unit" => Some(true),
                    "random" => Some(false),
                    _ => None,
                };
                current.set(Some(Ok(d)));
            }
        })
    };
    let on_reveal = {
        let current = current.clone();
        Callback::from(move |_| {
            if let Some(Ok(mut d)) = (*current).clone() {
                d.revealed = true;
                current.set(Some(Ok(d)));
            }
        })
    };

    let body = match (&*current, &props.digits) {
        (Some(Err(e)), _) => html! { <p class="error" role="alert">{e.clone()}</p> },
        (Some(Ok(d)), Some(digits)) => {
            let right = d
                .rows
                .iter()
                .filter(|r| r.guess == Some(is_unit(&r.direction)))
                .count();
            html! {
                <>
                { for d.rows.iter().enumerate().map(|(i, r)| html! {
                    <div class="units-row row" data-testid="units-row"
                        data-top={r.top.iter().map(usize::to_string).collect::<Vec<_>>().join(",")}
                        data-kind={d.revealed.then(|| if is_unit(&r.direction) { "unit" } else { "random" })}>
                        { for r.top.iter().map(|&j| html! { <DigitCanvas rgba={digit_rgba(&digits.pixels(j))} /> }) }
                        <select data-testid="units-guess" disabled={d.revealed} onchange={guess(i)}>
                            <option value="" selected={r.guess.is_none()}>{"your guess…"}</option>
                            <option value="unit" selected={r.guess == Some(true)}>{"single unit"}</option>
                            <option value="random" selected={r.guess == Some(false)}>{"random direction"}</option>
                        </select>
                        if d.revealed {
                            <span class="truth">{match r.direction {
                                Direction::Unit(u) => format!("unit {u}"),
                                Direction::Random(s) => format!("random direction (seed {s})"),
                            }}</span>
                        }
                    </div>
                }) }
                if d.revealed {
                    <p data-testid="units-score" data-right={right.to_string()}>
                        {format!("You named {right} of {} rows correctly. The paper's point: single units are no more meaningful than random directions.", d.rows.len())}
                    </p>
                } else {
                    <button data-testid="units-reveal" onclick={on_reveal}>{"Reveal"}</button>
                }
                </>
            }
        }
        _ => html! {},
    };
    html! {
        <section class="panel" data-testid="units-panel">
            <h2>{"Units vs random directions"}</h2>
            <p class="intro">{"Do single units of a hidden layer mean more than random directions in the same layer? The paper's Section 3 (Figures 1 and 2) found they do not. Each row shows the 10 gallery digits that most excite one direction: half the rows are single units, half random directions. Guess which are which, then reveal."}</p>
            <div class="row">
                <label>{"Model "}<select data-testid="units-model" onchange={on_model}>
                    { for probed_models(&props.yours).into_iter().map(|(name, label, _)| html! {
                        <option selected={*model == name} value={name.clone()}>{label}</option>
                    }) }
                </select></label>
                <label>{"Layer "}<select data-testid="units-layer" onchange={on_layer}>
                    { for layer_names_now.iter().map(|l| html! { <option value={l.clone()} selected={*layer == *l}>{l.clone()}</option> }) }
                </select></label>
                <button data-testid="units-deal" disabled={*busy || props.digits.is_none()} onclick={on_deal}>{"Deal rows"}</button>
            </div>
            {body}
        </section>
    }
}
