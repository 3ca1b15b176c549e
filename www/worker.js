// The compute workers' loader: `worker.js?gpu_worker` (WebGPU) or `worker.js?cpu_worker` (the
// CPU workers of the pool). It watches every WebGPU device the worker opens and tells
// the page when one is lost (the page then reruns the job on the CPU), then starts the wasm
// that Trunk built from src/bin/<name>.rs.
// The page names the worker (`WorkerOptions.name`); the query is for the service worker, and is
// lost offline, where the cached `worker.js` answers and becomes the worker's location.
const name = self.name || self.location.search.slice(1);
self.gpuDevices = [];
if (self.GPUAdapter) {
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (...args) {
    const device = await requestDevice.apply(this, args);
    self.gpuDevices.push(device);
    device.lost.then((info) => self.postMessage({ lost: `${info.reason}: ${info.message}` }));
    return device;
  };
}
// Requests that arrive while the wasm loads wait here; its main() then takes over onmessage.
const early = [];
self.onmessage = (event) => early.push(event);
if (!['gpu_worker', 'cpu_worker'].includes(name)) {
  self.postMessage({ lost: `worker.js was asked for '${name}', not gpu_worker or cpu_worker` });
} else {
  importScripts(`./${name}.js`);
  wasm_bindgen(`./${name}_bg.wasm`).then(
    (wasm) => {
      self.wasmMemory = wasm.memory; // read by the soak (tests/e2e/soak.mjs)
      early.forEach((event) => self.onmessage(event));
    },
    (error) => self.postMessage({ lost: `the worker's wasm did not load: ${error}` }),
  );
}
