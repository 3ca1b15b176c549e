//! Transfer: the current adversarial example (and its Gaussian twin of the same RMS) through
//! every model of the zoo — one live row of the paper's Table 2.

use crate::compute::lab::LabRef;
use blindspot_core::eval::top;
use blindspot_core::experiment::gaussian_twin;
use blindspot_core::work::plan::classify::everywhere;
use blindspot_core::zoo::ZOO;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
    pub original: Vec<f32>,
    pub adversarial: Vec<f32>,
    /// The perturbation's per-pixel RMS: the twin's noise level.
    pub rms: f32,
    /// The original's label as the attacked model read it.
    pub label: Option<u8>,
}

#[derive(Clone, PartialEq)]
struct Row {
    model: &'static str,
    adversarial: (u8, f32),
    twin: (u8, f32),
}

#[function_component]
pub fn TransferPanel(props: &Props) -> Html {
    let rows = use_state(|| None::<Result<Vec<Row>, String>>);
    let busy = use_state(|| false);
    {
        let rows = rows.clone();
        use_effect_with(props.adversarial.clone(), move |_| rows.set(None));
    }
    let run = {
        let (rows, busy) = (rows.clone(), busy.clone());
        let (lab, original, adversarial, rms) = (
            props.lab.clone(),
            props.original.clone(),
            props.adversarial.clone(),
            props.rms,
        );
        Callback::from(move |_| {
            let (rows, busy, lab) = (rows.clone(), busy.clone(), lab.clone());
            let twin = gaussian_twin(&original, rms);
            let adversarial = adversarial.clone();
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                // On the CPU workers, a model each at a time.
                let models: Vec<&'static str> = ZOO.iter().map(|s| s.name).collect();
                let images = [adversarial, twin];
                let answers = everywhere(&lab.0.pool(None), &models, &images).await;
                let made = answers
                    .map(|each| {
                        (models.iter().zip(each))
                            .map(|(&model, p)| Row {
                                model,
                                adversarial: top(&p[0]),
                                twin: top(&p[1]),
                            })
                            .collect()
                    })
                    .map_err(String::from);
                rows.set(Some(made));
                busy.set(false);
            });
        })
    };
    let label = props.label;
    let cell = |(l, p): (u8, f32)| {
        let fooled = Some(l) != label;
        html! { <td class={classes!(fooled.then_some("fooled"))}>{format!("{l} ({:.0}%)", 100.0 * p)}</td> }
    };
    html! {
        <section class="panel" data-testid="transfer-panel">
            <h2>{"Transfer"}</h2>
            <p class="intro">{"Does the adversarial example made for one model fool the others, trained differently? One row of the paper's Table 2, live: press the button and compare with the Gaussian twin. "}
               {format!("Its Gaussian twin adds noise of the same RMS ({:.3}) instead.", props.rms)}</p>
            <button data-testid="transfer-run" disabled={*busy} onclick={run}>{"Test on every model"}</button>
            { match &*rows {
                None if *busy => html! { <p class="busy">{"running every model…"}</p> },
                None => html! {},
                Some(Err(e)) => html! { <p class="error" role="alert">{e.clone()}</p> },
                Some(Ok(rows)) => html! {
                    <table data-testid="transfer-table">
                        <tr><th>{"model"}</th><th>{"adversarial: says (confidence)"}</th><th>{"Gaussian twin"}</th></tr>
                        { for rows.iter().map(|r| html! {
                            <tr data-testid="transfer-row" data-model={r.model}
                                data-adversarial={r.adversarial.0.to_string()} data-twin={r.twin.0.to_string()}>
                                <td>{r.model}</td>{cell(r.adversarial)}{cell(r.twin)}
                            </tr>
                        }) }
                    </table>
                },
            } }
        </section>
    }
}
