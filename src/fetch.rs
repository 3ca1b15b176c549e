//! Files from the page's own origin (from the page or from a worker).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The answer for `url`, which must be a success.
pub async fn response(url: &str) -> Result<web_sys::Response, String> {
    let global = js_sys::global();
    let request = match global.dyn_ref::<web_sys::Window>() {
        Some(window) => window.fetch_with_str(url),
        None => global
            .unchecked_ref::<web_sys::WorkerGlobalScope>()
            .fetch_with_str(url),
    };
    let response = JsFuture::from(request)
        .await
        .map_err(|e| format!("{url}: {e:?}"))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("{url}: not a response"))?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    Ok(response)
}

pub async fn bytes(url: &str) -> Result<Vec<u8>, String> {
    let promise = (response(url).await?)
        .array_buffer()
        .map_err(|e| format!("{url}: {e:?}"))?;
    let buffer = JsFuture::from(promise)
        .await
        .map_err(|e| format!("{url}: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The file as a Blob (a picture for the browser to decode).
pub async fn blob(url: &str) -> Result<web_sys::Blob, String> {
    let promise = (response(url).await?)
        .blob()
        .map_err(|e| format!("{url}: {e:?}"))?;
    let blob = JsFuture::from(promise)
        .await
        .map_err(|e| format!("{url}: {e:?}"))?;
    Ok(blob.unchecked_into())
}
