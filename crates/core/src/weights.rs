//! Weights on disk: safetensors in PyTorch's layout, so numpy and PyTorch read them as they are.
//!
//! Names follow the module tree (`layers.0.weight`, `conv1.weight`, `fc2.bias`, …). A dense
//! weight is stored `[out, in]` (PyTorch's `nn.Linear`); Burn keeps `[in, out]`, and the
//! adapters transpose on the way out and back in. Convolution weights are `[out, in, kh, kw]`.
//! Files may store floats narrower than the float32 Blindspot computes in (EfficientNet-Lite0's
//! weights are float16, half the download); loading widens them.

use crate::{Error, Result};
use burn::module::Module;
use burn::store::{
    BurnToPyTorchAdapter, FloatCastAdapter, ModuleAdapter, ModuleSnapshot, PyTorchToBurnAdapter,
    SafetensorsStore,
};
use burn::tensor::DType;

pub fn to_safetensors<M: Module + ModuleSnapshot>(module: &M) -> Result<Vec<u8>> {
    let mut store = SafetensorsStore::from_bytes(None).with_to_adapter(BurnToPyTorchAdapter);
    module
        .save_into(&mut store)
        .map_err(|e| Error::Weights(e.to_string()))?;
    store.get_bytes().map_err(|e| Error::Weights(e.to_string()))
}

/// Decodes `bytes` into `module`, frozen: weights read from disk are only ever evaluated and
/// differentiated with respect to their input (attacks, probes), never trained further.
/// Tracked weights would have every backward pass compute their gradients too: on
/// fc100-100-10 that was a third of an attack's arithmetic and most of its copying.
pub fn load_safetensors<M: Module + ModuleSnapshot>(mut module: M, bytes: Vec<u8>) -> Result<M> {
    let widen = FloatCastAdapter::to(DType::F32);
    let mut store = SafetensorsStore::from_bytes(Some(bytes))
        .with_from_adapter(widen.chain(PyTorchToBurnAdapter));
    let result = module
        .load_from(&mut store)
        .map_err(|e| Error::Weights(e.to_string()))?;
    if !result.is_success() || !result.unused.is_empty() || !result.missing.is_empty() {
        return Err(Error::Weights(format!("{result}")));
    }
    Ok(module.freeze())
}
