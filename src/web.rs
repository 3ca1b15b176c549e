//! The page: fetch, verify, classify, render. Errors are shown on the page, never thrown.

use blindspot_core::card::ModelCard;
use blindspot_core::data::{Digits, mnist::hex_sha256, slice};
use blindspot_core::{eval, model::Classifier, zoo};
use burn::prelude::Device;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The model the page demonstrates with.
const DEMO_MODEL: &str = "fc100-100-10";
/// Gallery digits classified on load.
const DEMO_DIGITS: usize = 20;

pub async fn start() {
    let html = match render().await {
        Ok(html) => html,
        Err(e) => format!(r#"<p data-testid="error" class="error">{}</p>"#, escape(&e)),
    };
    if let Some(el) = document().get_element_by_id("app") {
        el.set_inner_html(&html);
    }
}

async fn render() -> Result<String, String> {
    let mut rows = String::new();
    let mut cards = Vec::new();
    for spec in zoo::ZOO {
        let card: ModelCard =
            serde_json::from_slice(&fetch(&format!("models/{}.json", spec.name)).await?)
                .map_err(|e| format!("card of {}: {e}", spec.name))?;
        rows += &format!(
            "<tr><td>{}</td><td>{}</td><td>{:.2}%</td><td>{}</td><td>{:.0} KB</td></tr>",
            card.name,
            escape(&card.architecture),
            100.0 * card.test_error,
            card.paper
                .as_ref()
                .map_or("–".into(), |p| format!("{:.2}%", 100.0 * p.test_error)),
            card.bytes as f64 / 1024.0
        );
        cards.push(card);
    }
    let card = cards
        .iter()
        .find(|c| c.name == DEMO_MODEL)
        .ok_or("demo model missing")?;
    let weights = fetch(&format!("models/{DEMO_MODEL}.safetensors")).await?;
    if hex_sha256(&weights) != card.sha256 {
        return Err(format!(
            "{DEMO_MODEL}.safetensors does not match its card's sha256"
        ));
    }
    let device = Device::flex();
    let model = Classifier::from_safetensors(
        zoo::spec(DEMO_MODEL).map_err(|e| e.to_string())?.arch,
        weights,
        &device,
    )
    .map_err(|e| e.to_string())?;
    let digits = Digits::from_idx(
        fetch(&format!("digits/{}", slice::IMAGES)).await?,
        fetch(&format!("digits/{}", slice::LABELS)).await?,
    )
    .map_err(|e| e.to_string())?
    .range(0, DEMO_DIGITS);
    let predicted = eval::predict_labels(&model, &digits, &device);
    let right = predicted
        .iter()
        .zip(&digits.labels)
        .filter(|(p, l)| p == l)
        .count();
    Ok(format!(
        r#"<p data-testid="backend">CPU</p>
<p data-testid="demo" data-right="{right}" data-total="{DEMO_DIGITS}">{DEMO_MODEL}, running in this page,
labels {right} of the first {DEMO_DIGITS} test digits correctly: {}.</p>
<table><thead><tr><th>model</th><th>architecture</th><th>test error</th><th>paper</th><th>weights</th></tr></thead>
<tbody>{rows}</tbody></table>"#,
        predicted
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    ))
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a page has a document")
}

async fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{url}: {e:?}"))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("{url}: not a response"))?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let buffer = JsFuture::from(
        response
            .array_buffer()
            .map_err(|e| format!("{url}: {e:?}"))?,
    )
    .await
    .map_err(|e| format!("{url}: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
