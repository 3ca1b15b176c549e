//! MNIST's 60,000 training digits for the Train panel, fetched only when a run starts: the
//! gzip files the build serves beside the page (`mnist/`, written by `scripts/lib/post-build.mjs`
//! from `data/mnist`), decompressed by the browser (`DecompressionStream`) and checked by
//! sha256 (`SubtleCrypto`) against the canonical files' digests, neither on the page's thread;
//! then copied into the page's memory a slice at a time, so that no task holds the page.
//! Offline, the service worker answers from its cache (the files are cached once used).

use crate::pacing::next_frame;
use blindspot_core::data::Digits;
use blindspot_core::data::mnist::FILES;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

// The browser's gzip decoder (web-sys has it only behind its unstable-APIs flag).
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = DecompressionStream)]
    type Gunzip;
    #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
    fn new(format: &str) -> Result<Gunzip, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &Gunzip) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &Gunzip) -> web_sys::WritableStream;
}

/// Where the build serves them, beside the page.
const DIR: &str = "./mnist/";
/// Bytes copied into the page's memory between two yields.
const SLICE: u32 = 4 << 20;

/// The training digits, verified; `status` hears what is being done.
pub async fn load(status: impl Fn(&str)) -> Result<Digits, String> {
    let [(images, images_sha), (labels, labels_sha), ..] = FILES;
    status("Fetching MNIST's training digits (9.8 MB)…");
    let images = verified(images, images_sha).await?;
    let labels = verified(labels, labels_sha).await?;
    status("Reading the training digits…");
    let (images, labels) = (copied(&images).await, copied(&labels).await);
    Digits::from_idx(images, labels).map_err(|e| e.to_string())
}

/// `DIR/name.gz`, decompressed, whose sha256 must be `sha256`.
async fn verified(name: &str, sha256: &str) -> Result<js_sys::Uint8Array, String> {
    let url = format!("{DIR}{name}.gz");
    let failed = |e: JsValue| format!("{url}: {e:?}");
    let bytes = gunzipped(&url).await.map_err(|e| {
        format!("{e}. The training digits are served with the page: run `blindspot fetch-mnist`, then build the page again (README, \"Train\")")
    })?;
    let subtle = web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(failed)?
        .subtle();
    let digest = subtle
        .digest_with_str_and_buffer_source("SHA-256", &bytes)
        .map_err(failed)?;
    let digest = js_sys::Uint8Array::new(&JsFuture::from(digest).await.map_err(failed)?);
    let hex: String = digest.to_vec().iter().map(|b| format!("{b:02x}")).collect();
    if hex != sha256 {
        return Err(format!(
            "{url} is not MNIST's {name}: its sha256 is {hex}, not {sha256}"
        ));
    }
    Ok(bytes)
}

/// The file at `url`, gunzipped by the browser.
async fn gunzipped(url: &str) -> Result<js_sys::Uint8Array, String> {
    let failed = |e: JsValue| format!("{url}: {e:?}");
    let body = crate::fetch::response(url)
        .await?
        .body()
        .ok_or_else(|| format!("{url}: an empty answer"))?;
    let gunzip = Gunzip::new("gzip").map_err(failed)?;
    let pair = web_sys::ReadableWritablePair::new(&gunzip.readable(), &gunzip.writable());
    let plain = web_sys::Response::new_with_opt_readable_stream(Some(&body.pipe_through(&pair)))
        .map_err(failed)?;
    let buffer = JsFuture::from(plain.array_buffer().map_err(failed)?)
        .await
        .map_err(|e| format!("{url}: not a gzip file ({e:?})"))?;
    Ok(js_sys::Uint8Array::new(buffer.unchecked_ref()))
}

/// `bytes` in the page's memory, copied a slice at a time.
async fn copied(bytes: &js_sys::Uint8Array) -> Vec<u8> {
    let mut out = vec![0; bytes.length() as usize];
    for (k, chunk) in out.chunks_mut(SLICE as usize).enumerate() {
        let start = k as u32 * SLICE;
        bytes
            .subarray(start, start + chunk.len() as u32)
            .copy_to(chunk);
        next_frame().await;
    }
    out
}
