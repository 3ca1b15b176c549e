//! The page's header: which backend computes (and why), the backend switch, the model, the
//! theme.

use super::ModelSelect;
use crate::compute::backend::{Backend, Devices};
use crate::ui::state::YourModel;
use crate::ui::view::Theme;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub backend: Backend,
    /// What start-up found (`None` while it looks).
    pub devices: Option<Devices>,
    pub model: AttrValue,
    /// The student's own models.
    pub yours: Vec<YourModel>,
    pub on_backend: Callback<Backend>,
    pub on_model: Callback<String>,
    /// `None`: the browser's preference.
    pub theme: Option<Theme>,
    pub on_theme: Callback<Option<Theme>>,
}

#[function_component]
pub fn Header(props: &Props) -> Html {
    let gpu_available = props.devices.as_ref().is_some_and(|d| d.adapter.is_ok());
    let adapter = match &props.devices {
        None => "looking for WebGPU…".to_string(),
        Some(d) => match &d.adapter {
            Ok(name) => format!("WebGPU adapter: {name}"),
            Err(why) => format!("no WebGPU ({why})"),
        },
    };
    let probe = props.devices.as_ref().map(|d| {
        format!(
            "start-up probe: CPU {:.1} ms, WebGPU {}; the faster is chosen",
            d.cpu_ms,
            d.gpu_ms.map_or("–".into(), |g| format!("{g:.1} ms"))
        )
    });
    let on_backend = props.on_backend.reform(|e: Event| {
        let key = e.target_unchecked_into::<HtmlSelectElement>().value();
        Backend::from_key(&key).unwrap_or(Backend::Cpu)
    });
    let on_theme = props
        .on_theme
        .reform(|e: Event| Theme::parse(&e.target_unchecked_into::<HtmlSelectElement>().value()));
    html! {
        <>
        <div class="title">
            <h1>{"Blindspot"}</h1>
            <p>{"Find the imperceptible change that makes a neural network misread a digit, in your browser: the experiments of "}
                <a href="https://arxiv.org/abs/1312.6199" rel="noopener">{"Szegedy et al., Intriguing properties of neural networks (2014)"}</a>
                {". Nothing leaves this page."}</p>
        </div>
        <header>
            <span class="badge" title={probe}>{"Backend: "}<b data-testid="backend">{props.backend.label()}</b>
                {format!(" — {adapter}")}</span>
            <label>{"Switch "}
                <select data-testid="backend-select" onchange={on_backend}>
                    <option value={Backend::Cpu.key()} selected={props.backend == Backend::Cpu}>{"CPU (Burn Flex, WebAssembly)"}</option>
                    if gpu_available {
                        <option value={Backend::WebGpu.key()} selected={props.backend == Backend::WebGpu}>{"WebGPU"}</option>
                    }
                </select>
            </label>
            <label>{"Model "}
                <ModelSelect model={props.model.clone()} yours={props.yours.clone()} on_model={props.on_model.clone()} />
            </label>
            <label>{"Theme "}
                <select data-testid="theme-select" onchange={on_theme}>
                    <option value="auto" selected={props.theme.is_none()}>{"as the browser"}</option>
                    { for Theme::ALL.map(|t| html! { <option value={t.as_str()} selected={props.theme == Some(t)}>{t.as_str()}</option> }) }
                </select>
            </label>
        </header>
        </>
    }
}
