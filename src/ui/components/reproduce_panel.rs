//! Reproduce: the paper's Table 1 (average minimal distortion) and Table 2 (cross-model
//! errors, as a heat map) on N gallery digits, in the browser, with progress and Stop.

use crate::clock::now;
use crate::compute::lab::{LabRef, Run};
use blindspot_core::data::Digits;
use blindspot_core::paper::{TABLE2, TABLE2_MODELS, TABLE2_NOISE};
use blindspot_core::work::plan::tables::{self, Measured, Stage, Tables};
use blindspot_core::zoo;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The seed of the targets and the noise (the CLI's `reproduce` default).
const SEED: u64 = 0;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
    pub digits: Option<Rc<Digits>>,
    /// The page's selected model, for "only this model" runs.
    pub model: String,
}

/// Both tables for the chosen models (Table 2's columns).
#[derive(Clone, PartialEq)]
struct Results {
    models: Vec<String>,
    measured: Measured,
}

/// White (0%) to red (100%), under dark text in either theme (`.heat-cell`).
fn heat(e: f64) -> String {
    let fade = (255.0 * (1.0 - e.clamp(0.0, 1.0))).round();
    format!("background: rgb(255, {fade}, {fade})")
}

/// Measures Tables 1–2 for `models` on the first `n` digits, on the CPU workers (one per
/// core), so the page only draws.
async fn run(
    lab: LabRef,
    digits: Rc<Digits>,
    n: usize,
    models: Vec<String>,
    status: Callback<(f64, String)>,
) -> Result<Results, String> {
    let chosen = digits.range(0, n);
    let indices: Vec<usize> = (0..n).collect();
    let tables = Tables {
        rows: models.iter().map(|m| (m.clone(), n)).collect(),
        columns: models.clone(),
        digits: &chosen,
        indices: &indices,
        seed: SEED,
    };
    let shown = Rc::new(move |stage: &Stage| match stage {
        Stage::Attacking {
            row,
            rows,
            model,
            progress: p,
        } => {
            let done = (*row as f64 + p.finished as f64 / p.problems.max(1) as f64) / *rows as f64;
            let text = format!("{model}: {} of {} digits done", p.finished, p.problems);
            status.emit((done, text));
        }
        Stage::Attacked(_) => {}
        Stage::Counting => status.emit((1.0, "testing every model on every set…".into())),
    });
    let pool = || lab.0.pool(Some(Run::Reproduce));
    let seconds = || now() / 1000.0;
    let measured = tables::run(&tables, pool, seconds, shown).await?;
    Ok(Results { models, measured })
}

#[function_component]
pub fn ReproducePanel(props: &Props) -> Html {
    let n = use_state(|| 10usize);
    let only = use_state(|| false);
    let results = use_state(|| None::<Result<Results, String>>);
    let progress = use_state(|| None::<(f64, String)>);
    let on_n = {
        let n = n.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            n.set(v.parse::<usize>().unwrap_or(10).clamp(1, 1000));
        })
    };
    let on_only = {
        let only = only.clone();
        Callback::from(move |e: Event| {
            only.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let models: Vec<String> = if *only {
        vec![props.model.clone()]
    } else {
        TABLE2_MODELS.iter().map(|m| m.to_string()).collect()
    };
    let on_run = {
        let (lab, digits, n, results, progress) = (
            props.lab.clone(),
            props.digits.clone(),
            *n,
            results.clone(),
            progress.clone(),
        );
        let models = models.clone();
        Callback::from(move |_| {
            let Some(digits) = digits.clone() else { return };
            let (lab, results, progress) = (lab.clone(), results.clone(), progress.clone());
            let models = models.clone();
            progress.set(Some((0.0, "starting…".into())));
            let status = {
                let progress = progress.clone();
                Callback::from(move |p: (f64, String)| progress.set(Some(p)))
            };
            wasm_bindgen_futures::spawn_local(async move {
                let r = run(lab, digits.clone(), n.min(digits.len()), models, status).await;
                results.set(Some(r));
                progress.set(None);
            });
        })
    };
    let on_stop = {
        let lab = props.lab.clone();
        Callback::from(move |_| lab.0.stop(Run::Reproduce))
    };
    let running = progress.is_some();
    html! {
        <section class="panel" data-testid="reproduce-panel">
            <h2>{"Reproduce Tables 1 and 2"}</h2>
            <p class="intro">{"How small is the smallest change that fools each of the paper's six models, and do the changed digits fool the other models too? This is the paper's Tables 1 and 2, computed here: the box-constrained L-BFGS attack towards a random wrong label (seeded) on the first N gallery digits (MNIST test digits; the paper used training digits), then every model on every set. Try N = 20 first: it takes a minute or two on the CPU."}</p>
            <div class="row">
                <label>{"N "}<input data-testid="reproduce-n" type="number" min="1" max="1000" value={n.to_string()} onchange={on_n} /></label>
                <label><input data-testid="reproduce-only" type="checkbox" checked={*only} onchange={on_only} />
                    {format!(" only {}", props.model)}</label>
                <button data-testid="reproduce-run" disabled={running || props.digits.is_none()} onclick={on_run}>{"Run"}</button>
                <button data-testid="reproduce-stop" disabled={!running} onclick={on_stop}>{"Stop"}</button>
            </div>
            if let Some((done, text)) = (*progress).clone() {
                <progress data-testid="reproduce-progress" max="1" value={done.to_string()} />
                <span class="busy">{text}</span>
            }
            { match &*results {
                None => html! {},
                Some(Err(e)) => html! { <p class="error" role="alert">{e.clone()}</p> },
                Some(Ok(r)) => render(r),
            } }
        </section>
    }
}

fn render(r: &Results) -> Html {
    let spec = |name: &str| zoo::spec(name).ok().and_then(|s| s.paper);
    let at = |m: &str| TABLE2_MODELS.iter().position(|x| *x == m);
    // The paper's Table 2 cell for (made for, tested on), where both are its models.
    let paper2 = |a: &str, b: &str| Some(TABLE2[at(a)?][at(b)?]);
    // Its noise row for σ = TABLE2_NOISE[k].0.
    let paper_noise = |k: usize, b: &str| Some(TABLE2_NOISE[k].1[at(b)?]);
    let pct = |v: Option<f64>| v.map_or(String::new(), |v| format!(" ({:.0}%)", 100.0 * v));
    html! {
        <div data-testid="reproduce-results" data-stopped={r.measured.stopped.to_string()}>
            if r.measured.stopped { <p class="busy">{"Stopped: the tables show the models finished so far."}</p> }
            <table data-testid="table1">
                <tr><th>{"model"}</th><th>{"av. min. distortion, ours"}</th><th>{"paper"}</th><th>{"succeeded"}</th><th>{"time"}</th></tr>
                { for r.measured.table1.iter().map(|row| html! {
                    <tr data-testid="table1-row" data-model={row.model.clone()} data-rms={format!("{:.5}", row.distortion)}
                        data-succeeded={row.succeeded.to_string()} data-seconds={format!("{:.3}", row.seconds)}>
                        <td>{row.model.clone()}</td><td>{format!("{:.3}", row.distortion)}</td>
                        <td>{spec(&row.model).map_or("–".into(), |p| format!("{:.3}", p.min_distortion))}</td>
                        <td>{format!("{} of {}", row.succeeded, row.attacked)}</td><td>{format!("{:.1} s", row.seconds)}</td>
                    </tr>
                }) }
            </table>
            <table data-testid="table2" class="heat">
                <tr><th>{"made for ↓ / tested on →"}</th>{ for r.models.iter().map(|m| html! { <th>{m.clone()}</th> }) }</tr>
                { for r.measured.table2.examples.iter().map(|row| html! {
                    <tr><th>{row.made_for.clone()}</th>
                    { for row.errors.iter().zip(&r.models).map(|(e, tested)| html! {
                        <td data-testid="table2-cell" class="heat-cell" style={heat(*e)}>
                            {format!("{:.0}%", 100.0 * e)}<small>{pct(paper2(&row.made_for, tested))}</small></td>
                    }) }
                    </tr>
                }) }
                { for r.measured.table2.noise.iter().enumerate().map(|(k, row)| html! {
                    <tr><th>{format!("{} (RMS {:.3})", row.made_for, row.distortion)}</th>
                    { for row.errors.iter().zip(&r.models).map(|(e, tested)| html! {
                        <td data-testid="table2-noise-cell" class="heat-cell" style={heat(*e)}>
                            {format!("{:.0}%", 100.0 * e)}<small>{pct(paper_noise(k, tested))}</small></td>
                    }) }
                    </tr>
                }) }
            </table>
            <p class="legend">{"Cells: ours (paper's). The diagonal is each model on its own successful adversarial examples; the Gaussian rows are the same digits with noise of about the perturbations' size."}</p>
        </div>
    }
}
