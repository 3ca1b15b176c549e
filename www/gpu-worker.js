// The WebGPU worker's loader. It watches every WebGPU device the worker opens and tells the
// page when one is lost (the page then reruns the job on the CPU), then starts the wasm that
// Trunk built from src/bin/gpu_worker.rs.
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
importScripts('./gpu_worker.js');
wasm_bindgen('./gpu_worker_bg.wasm').then(
  () => early.forEach((event) => self.onmessage(event)),
  (error) => self.postMessage({ lost: `the WebGPU worker did not load: ${error}` }),
);
