//! The student's own models in the browser's Cache Storage (cache [`CACHE`], which the service
//! worker's clean-up of old builds leaves alone): `yours/<name>.json` (the card) beside
//! `yours/<name>.safetensors`, written by the Train panel (a run, an upload), listed for the
//! model menus and read by every engine (the page's, each worker's), so they survive a reload
//! and work offline. Nothing here is fetched from the network.

use blindspot_core::card::ModelCard;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Not `blindspot-…`: the service worker deletes every such cache but its build's.
const CACHE: &str = "yours-models";

fn failed(e: wasm_bindgen::JsValue) -> String {
    format!("the browser's storage: {e:?}")
}

/// The page's or a worker's Cache Storage.
fn storage() -> Result<web_sys::CacheStorage, String> {
    js_sys::Reflect::get(&js_sys::global(), &"caches".into())
        .ok()
        .and_then(|c| c.dyn_into::<web_sys::CacheStorage>().ok())
        .ok_or_else(|| "this browser keeps no Cache Storage here (a private window?)".into())
}

/// The cache (made on first use).
async fn cache() -> Result<web_sys::Cache, String> {
    let cache = JsFuture::from(storage()?.open(CACHE))
        .await
        .map_err(failed)?;
    Ok(cache.unchecked_into())
}

/// A file's address, whatever page or worker asks.
fn url(file: &str) -> String {
    let base = js_sys::Reflect::get(&js_sys::global(), &"location".into())
        .ok()
        .and_then(|l| js_sys::Reflect::get(&l, &"href".into()).ok())
        .and_then(|h| h.as_string())
        .unwrap_or_default();
    web_sys::Url::new_with_base(&format!("yours/{file}"), &base)
        .map_or_else(|_| format!("yours/{file}"), |u| u.href())
}

/// Keeps `card` and its `weights` (replacing a model of the same name).
pub async fn save(card: &ModelCard, weights: &[u8]) -> Result<(), String> {
    let cache = cache().await?;
    let text = serde_json::to_vec_pretty(card).map_err(|e| e.to_string())?;
    for (file, bytes) in [
        (format!("{}.safetensors", card.name), weights.to_vec()),
        (format!("{}.json", card.name), text),
    ] {
        let mut bytes = bytes;
        let response =
            web_sys::Response::new_with_opt_u8_array(Some(&mut bytes)).map_err(failed)?;
        JsFuture::from(cache.put_with_str(&url(&file), &response))
            .await
            .map_err(failed)?;
    }
    Ok(())
}

/// The bytes of a kept file, if there is one.
async fn read(cache: &web_sys::Cache, file: &str) -> Result<Option<Vec<u8>>, String> {
    let found = JsFuture::from(cache.match_with_str(&url(file)))
        .await
        .map_err(failed)?;
    let Ok(response) = found.dyn_into::<web_sys::Response>() else {
        return Ok(None);
    };
    let buffer = JsFuture::from(response.array_buffer().map_err(failed)?)
        .await
        .map_err(failed)?;
    Ok(Some(js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// Model `name`'s file `name.<ending>` (`json`: its card, `safetensors`: its weights).
async fn file(name: &str, ending: &str) -> Result<Vec<u8>, String> {
    let found = read(&cache().await?, &format!("{name}.{ending}")).await?;
    found.ok_or_else(|| {
        format!("{name} is not kept in this browser (train it again, or upload its files)")
    })
}

/// Model `name`'s card, as text.
pub async fn card(name: &str) -> Result<Vec<u8>, String> {
    file(name, "json").await
}

/// Model `name`'s weights.
pub async fn weights(name: &str) -> Result<Vec<u8>, String> {
    file(name, "safetensors").await
}

/// Every kept model's card, oldest first; cards that do not read are left out. Listing makes no
/// cache where none is.
pub async fn list() -> Result<Vec<ModelCard>, String> {
    let there = JsFuture::from(storage()?.has(CACHE))
        .await
        .map_err(failed)?;
    if there.as_bool() != Some(true) {
        return Ok(Vec::new());
    }
    let cache = cache().await?;
    let keys = JsFuture::from(cache.keys()).await.map_err(failed)?;
    let mut cards = Vec::new();
    for request in js_sys::Array::from(&keys).iter() {
        let Ok(request) = request.dyn_into::<web_sys::Request>() else {
            continue;
        };
        let address = request.url();
        let Some(file) = address.rsplit('/').next().filter(|f| f.ends_with(".json")) else {
            continue;
        };
        if let Some(Ok(card)) = read(&cache, file)
            .await?
            .map(|b| serde_json::from_slice::<ModelCard>(&b))
        {
            cards.push(card);
        }
    }
    Ok(cards)
}
