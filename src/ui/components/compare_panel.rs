//! Compare: the page's digit, model and target attacked at once by every method that looks for
//! the smallest perturbation (`MethodName::MINIMAL`, one job each over the CPU workers), each
//! row with original | adversarial | perturbation ×gain, whether it reached its goal, the new
//! label, its four norms and time, sortable, above the norms drawn as bars (`compare_chart`).

use super::compare_chart::{Bar, CompareChart};
use super::{DigitCanvas, TargetSelect};
use crate::compute::lab::{LabRef, Run};
use crate::ui::colour::{digit_rgba, perturbation_rgba};
use crate::ui::control::progress_line;
use crate::ui::link::goal;
use crate::ui::method_text::{minimises, title};
use blindspot_core::attack::{MethodName, Progress, Settings};
use blindspot_core::work::Attacked;
use blindspot_core::work::plan::compare::{self, Compare};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
    pub input: Option<Vec<f32>>,
    /// The label the model gives the input.
    pub label: Option<u8>,
    pub model: String,
    /// `None`: untargeted.
    pub target: Option<u8>,
    pub settings: Settings,
    pub gain: f32,
    pub on_target: Callback<Option<u8>>,
}

/// What a column sorts by.
#[derive(Clone, Copy, PartialEq)]
enum Column {
    Method,
    Rms,
    L2,
    L0,
    Linf,
    Ms,
}

/// A row's value in `column` (unfinished and unreached rows sort last).
fn key(column: Column, (method, a): &(MethodName, Option<Attacked>)) -> (bool, f64) {
    let Some(a) = a.as_ref().filter(|a| a.outcome.success) else {
        return (true, 0.0);
    };
    let d = a.outcome.distortion;
    let value = match column {
        Column::Method => MethodName::MINIMAL
            .iter()
            .position(|m| m == method)
            .unwrap_or(0) as f64,
        Column::Rms => d.rms as f64,
        Column::L2 => d.l2 as f64,
        Column::L0 => d.changed as f64,
        Column::Linf => d.linf as f64,
        Column::Ms => a.milliseconds,
    };
    (false, value)
}

#[function_component]
pub fn ComparePanel(props: &Props) -> Html {
    let rows = use_state(|| None::<Result<Vec<(MethodName, Option<Attacked>)>, String>>);
    let status = use_state(|| None::<String>);
    let sort = use_state(|| (Column::Method, true));
    {
        let rows = rows.clone();
        let changed = (props.input.clone(), props.model.clone(), props.target);
        use_effect_with(changed, move |_| rows.set(None));
    }
    let run = {
        let (rows, status) = (rows.clone(), status.clone());
        let lab = props.lab.clone();
        let compare = props
            .input
            .clone()
            .zip(props.label)
            .map(|(pixels, label)| Compare {
                model: props.model.clone(),
                pixels,
                label,
                goal: goal(props.target),
                settings: props.settings,
            });
        Callback::from(move |_| {
            let Some(compare) = compare.clone() else {
                return;
            };
            let (rows, status, lab) = (rows.clone(), status.clone(), lab.clone());
            status.set(Some("starting every method…".into()));
            wasm_bindgen_futures::spawn_local(async move {
                let methods = compare.methods();
                let heard = status.clone();
                let shown = Rc::new(move |k: usize, p: &Progress| {
                    heard.set(Some(progress_line(methods[k], p)))
                });
                let answers = compare::run(&lab.0.pool(Some(Run::Compare)), &compare, shown).await;
                let made = answers
                    .map(|a| MethodName::MINIMAL.into_iter().zip(a).collect())
                    .map_err(String::from);
                rows.set(Some(made));
                status.set(None);
            });
        })
    };
    let stop = {
        let lab = props.lab.clone();
        Callback::from(move |_| lab.0.stop(Run::Compare))
    };
    let header = |column: Column, name: &'static str| {
        let sort = sort.clone();
        let (by, ascending) = *sort;
        let aria = (by == column).then_some(if ascending { "ascending" } else { "descending" });
        let onclick = Callback::from(move |_| sort.set((column, !(by == column && ascending))));
        html! { <th aria-sort={aria}><button class="sort" {onclick}>{name}</button></th> }
    };
    let original = props.input.clone().unwrap_or_else(|| vec![0.0; 784]);
    let busy = status.is_some();
    html! {
        <section class="panel" data-testid="compare-panel">
            <h2>{"Compare the attacks"}</h2>
            <p class="intro">{"The same digit, model and target for every attack that looks for the smallest change: which finds the smallest, by which measure, and how fast? They run side by side in the page's workers; click a column to sort. (FGSM and PGD spend a fixed budget ε instead: try them in the attack panel.)"}</p>
            <label>{"Target "}
                <TargetSelect target={props.target} testid="compare-target" on_target={props.on_target.clone()} />
            </label>
            <button data-testid="compare-run" disabled={busy || props.label.is_none()} onclick={run}>{"Run every attack"}</button>
            <button data-testid="compare-stop" disabled={!busy} onclick={stop}>{"Stop"}</button>
            if let Some(s) = &*status { <span class="busy" data-testid="compare-status">{s.clone()}</span> }
            { match &*rows {
                None => html! {},
                Some(Err(e)) => html! { <p class="error" role="alert">{e.clone()}</p> },
                Some(Ok(found)) => {
                    let mut sorted = found.clone();
                    let (by, ascending) = *sort;
                    sorted.sort_by(|a, b| {
                        let (ka, kb) = (key(by, a), key(by, b));
                        let order = ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1));
                        if ascending || ka.0 != kb.0 { order } else { order.reverse().then(ka.0.cmp(&kb.0)) }
                    });
                    let bars: Vec<Bar> = (found.iter())
                        .filter_map(|(m, a)| a.as_ref().map(|a| Bar { method: *m, distortion: a.outcome.distortion, reached: a.outcome.success }))
                        .collect();
                    html! {
                        <>
                        <table class="compare" data-testid="compare-table">
                            <tr>{header(Column::Method, "method")}<th>{"original | adversarial | perturbation ×"}{props.gain}</th>
                                <th>{"reached"}</th><th>{"reads"}</th>{header(Column::Rms, "RMS")}{header(Column::L2, "L2")}
                                {header(Column::L0, "L0")}{header(Column::Linf, "L∞")}{header(Column::Ms, "ms")}</tr>
                            { for sorted.iter().map(|(m, a)| row(*m, a.as_ref(), &original, props.gain)) }
                        </table>
                        <CompareChart {bars} />
                        </>
                    }
                }
            } }
        </section>
    }
}

/// One method's row (`None`: Stop came before it started).
fn row(method: MethodName, attacked: Option<&Attacked>, original: &[f32], gain: f32) -> Html {
    let name = html! { <td title={minimises(method)}>{title(method)}</td> };
    let Some(a) = attacked else {
        return html! { <tr data-testid="compare-row" data-method={method.as_str()}>{name}<td colspan="8">{"stopped before it started"}</td></tr> };
    };
    let (o, d) = (&a.outcome, a.outcome.distortion);
    html! {
        <tr data-testid="compare-row" data-method={method.as_str()} data-reached={o.success.to_string()}
            data-label={o.label.to_string()} data-rms={d.rms.to_string()} data-l2={d.l2.to_string()}
            data-l0={d.changed.to_string()} data-linf={d.linf.to_string()} data-ms={format!("{:.1}", a.milliseconds)}>
            {name}
            <td class="triptych">
                <DigitCanvas rgba={digit_rgba(original)} />
                <DigitCanvas rgba={digit_rgba(&o.adversarial)} label={format!("{} adversarial example", title(method))} />
                <DigitCanvas rgba={perturbation_rgba(original, &o.adversarial, gain)} label={format!("{} perturbation", title(method))} />
            </td>
            <td>{if o.success { "yes" } else { "no" }}</td><td>{o.label}</td>
            <td>{format!("{:.4}", d.rms)}</td><td>{format!("{:.3}", d.l2)}</td><td>{d.changed}</td>
            <td>{format!("{:.3}", d.linf)}</td><td>{format!("{:.0}", a.milliseconds)}</td>
        </tr>
    }
}
