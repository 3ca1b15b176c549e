//! MNIST (its 60,000 training and 10,000 test digits), for a worker's training jobs (the Train
//! panel's): the gzip files the build serves beside the page (`mnist/`, written by `scripts/lib/post-build.mjs`),
//! fetched on a worker's first training job, decompressed by the browser (`DecompressionStream`)
//! and checked by sha256 (`SubtleCrypto`) against the canonical files' digests. The page's own
//! thread never holds them. Offline, the service worker answers from its cache (the files are
//! cached once used).

use blindspot_core::data::mnist::FILES;
use blindspot_core::data::{Digits, Mnist};
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
    /// `crypto` of the page's or a worker's global scope.
    #[wasm_bindgen(thread_local_v2, js_name = crypto)]
    static CRYPTO: web_sys::Crypto;
}

/// Where the build serves them, beside the page.
const DIR: &str = "./mnist/";

/// MNIST, verified: its training digits, and its test digits (for a trained model's card).
pub async fn load() -> Result<Mnist, String> {
    let mut files = Vec::new();
    for (name, sha256) in FILES {
        files.push(verified(name, sha256).await?.to_vec());
    }
    let mut files = files.into_iter();
    let mut next = || {
        Digits::from_idx(
            files.next().unwrap_or_default(),
            files.next().unwrap_or_default(),
        )
    };
    let train = next().map_err(|e| e.to_string())?;
    let test = next().map_err(|e| e.to_string())?;
    Ok(Mnist { train, test })
}

/// `DIR/name.gz`, decompressed, whose sha256 must be `sha256`.
async fn verified(name: &str, sha256: &str) -> Result<js_sys::Uint8Array, String> {
    let url = format!("{DIR}{name}.gz");
    let failed = |e: JsValue| format!("{url}: {e:?}");
    let bytes = gunzipped(&url).await.map_err(|e| {
        format!("{e}. The training digits are served with the page: build it again after `npm ci` (README, \"Train\")")
    })?;
    let digest = CRYPTO
        .with(|c| {
            c.subtle()
                .digest_with_str_and_buffer_source("SHA-256", &bytes)
        })
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
