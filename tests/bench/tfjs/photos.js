// The photo bench page's runner (tests/bench/photos.mjs): EfficientNet-Lite0 from the shipped
// files, the three sample photos cut as the app cuts them, and Blindspot's forward pass, input
// gradient and attacks (target/bench-web, src/bin/bench.rs), each path timed in this one page
// load, beside its peers on the same weights and pixels: TF.js 4.22 (efficientnet.js) on its
// wasm and cpu backends, and ONNX Runtime Web 1.30 (tests/bench/onnx_efficientnet.py's graph).
// `window.runPhotos(plan)` returns the results; `window.gradients(n)` and `window.forwards(n)` are what the profiler
// samples.
import init, { Photos } from '../../../target/bench-web/bench.js';
import { safetensors } from './models.js';
import { efficientnet } from './efficientnet.js';
import { timed } from './timing.js';

const { tf, ort } = window;
const now = () => performance.now();
const SAMPLES = ['chelsea.png', 'coffee.png', 'rocket.jpg'];
const OSTRICH = 9;
const get = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());

/** A sample photo's RGBA pixels, decoded by the browser as the app decodes an upload. */
async function rgba(name) {
  const bitmap = await createImageBitmap(await (await fetch(`/models/imagenet/samples/${name}`)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  return { width: bitmap.width, height: bitmap.height, data: context.getImageData(0, 0, bitmap.width, bitmap.height).data };
}

const argmax = (v) => v.reduce((best, x, i) => (x > v[best] ? i : best), 0);
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
/** ‖a − b‖ / ‖b‖, crates/core/tests/imagenet.rs's measure of a gradient. */
const relativeL2 = (a, b) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));

/** SplitMix64's uniforms in [0, 1), as crates/core/src/rng.rs draws them. */
function uniforms(seed) {
  let s = BigInt(seed);
  return () => {
    s = BigInt.asUintN(64, s + 0x9E3779B97F4A7C15n);
    let z = BigInt.asUintN(64, (s ^ (s >> 30n)) * 0xBF58476D1CE4E5B9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94D049BB133111EBn);
    return Number((z ^ (z >> 31n)) >> 11n) / 2 ** 53;
  };
}

/** PGD towards `target` on a photo as Blindspot runs it (attack/fgsm.rs with
 *  imagenet/attacks.rs's settings): the ranking forward pass first, a random start in the ε-ball
 *  (seed 0, the same draws), `steps` signed-gradient steps of 2.5·ε/steps each projected onto
 *  the ball and [0, 1], then the result judged once rounded to 8-bit levels. */
function pgd(net, x0, target, epsilon = 8 / 255, steps = 10) {
  net.forward(x0);
  const step = steps === 1 ? epsilon : (2.5 * epsilon) / steps;
  const project = (v, o) => Math.min(1, Math.max(0, Math.min(o + epsilon, Math.max(o - epsilon, v))));
  const u = uniforms(0);
  const x = x0.map((o) => project(o + epsilon * (2 * u() - 1), o));
  for (let s = 0; s < steps; s++) {
    const g = net.gradient(x, target);
    for (let j = 0; j < x.length; j++) x[j] = project(x[j] - step * Math.sign(g[j]), x0[j]);
  }
  const adversarial = x.map((v) => Math.round(v * 255) / 255);
  const label = argmax(net.forward(adversarial));
  const rms = Math.sqrt(adversarial.reduce((a, v, j) => a + (v - x0[j]) ** 2, 0) / x0.length);
  return { reached: label === target, label, rms, evaluations: steps };
}

await init();
tf.wasm.setWasmPaths('./node_modules/@tensorflow/tfjs-backend-wasm/dist/');
tf.wasm.setThreadsCount(1);
// ORT Web 1.30 ships one wasm build, with SIMD (env.wasm.simd only checks the browser has it).
// Its Emscripten glue is an .mjs, which scripts/serve-static.mjs serves as octet-stream, and
// Chromium imports a module only with a JavaScript type: so the glue goes in as a typed blob.
const ORT = new URL('./node_modules/onnxruntime-web/dist/', import.meta.url).href;
ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = {
  mjs: URL.createObjectURL(new Blob([await get(`${ORT}ort-wasm-simd-threaded.mjs`)], { type: 'text/javascript' })),
  wasm: `${ORT}ort-wasm-simd-threaded.wasm`,
};
const files = await Promise.all(['efficientnet-lite0.json', 'efficientnet-lite0.safetensors', 'classes.txt']
  .map((f) => get(`/models/imagenet/${f}`)));
const model = (kernels) => new Photos(files[0], files[1].slice(), files[2].slice(), kernels);
const photos = {};
for (const name of SAMPLES) {
  const { width, height, data } = await rgba(name);
  photos[name] = Photos.crop(width, height, new Uint8Array(data.buffer));
}

window.gradients = (n) => {
  const m = window.profiled ??= model(true);
  for (let i = 0; i < n; i++) m.gradient(photos['chelsea.png'], OSTRICH);
};

window.forwards = (n) => {
  const m = window.profiled ??= model(true);
  for (let i = 0; i < n; i++) m.forward(photos['chelsea.png']);
};

window.runPhotos = async (plan) => {
  const x = photos['chelsea.png'];
  const out = { crossOriginIsolated, blindspot: {}, tfjs: {} };
  // The peers' logits are checked against those of Blindspot's kernels, their gradients
  // against both paths'.
  let reference;
  const gradients = {};
  for (const [path, kernels] of [['kernels', true], ['burn', false]]) {
    const m = model(kernels);
    const r = {
      forward: await timed(() => m.forward(x), plan.reps, 2),
      gradient: await timed(() => m.gradient(x, OSTRICH), plan.reps, 2),
    };
    const logits = m.forward(x);
    reference ??= logits;
    gradients[path] = m.gradient(x, OSTRICH);
    r.max_logit_diff = maxDiff(logits, reference);
    r.chelsea_top5 = Array.from(logits).map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, 5).map(([, i]) => i);
    for (const method of plan.attacks) {
      r[method] = SAMPLES.map((name) => {
        const t = now();
        const [reached, label, rms, evaluations] = m.attack(photos[name], method, OSTRICH);
        return { photo: name, ms: now() - t, reached: reached === 1, label, rms, evaluations };
      });
    }
    m.free();
    out.blindspot[path] = r;
  }

  // TF.js. The cpu backend takes seconds a call, so it gets 3 timed calls.
  const tensors = safetensors(files[1].buffer);
  for (const [backend, reps, warm] of [['wasm', plan.reps, 2], ['cpu', Math.min(plan.reps, 3), 1]]) {
    const r = {};
    out.tfjs[backend] = r;
    try {
      await tf.setBackend(backend);
      await tf.ready();
      const net = efficientnet(tf, tensors);
      try {
        r.max_logit_diff = maxDiff(net.forward(x), reference);
        r.forward = await timed(() => net.forward(x), reps, warm);
        try {
          const g = net.gradient(x, OSTRICH);
          r.gradient_relative_l2 = Object.fromEntries(Object.entries(gradients).map(([path, b]) => [path, relativeL2(g, b)]));
          r.gradient = await timed(() => net.gradient(x, OSTRICH), reps, warm);
        } catch (e) {
          // TF.js wasm has no DepthwiseConv2dNativeBackpropInput kernel.
          r.gradient = { error: String(e) };
        }
        if (plan.peerAttacks && !r.gradient.error) {
          const t = now();
          r.pgd = [{ photo: 'chelsea.png', ...pgd(net, x, OSTRICH), ms: now() - t }];
        }
      } finally {
        net.dispose();
      }
    } catch (e) {
      r.error = String(e);
    }
  }
  out.tfjs_info = { wasm_threads: tf.wasm.getThreadsCount(), wasm_simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') };

  // ONNX Runtime Web, forward only (it has no gradients).
  out.ort = { version: ort.env.versions.web, threads: ort.env.wasm.numThreads };
  try {
    const session = await ort.InferenceSession.create('../../../target/bench-onnx/efficientnet-lite0.onnx', { executionProviders: ['wasm'] });
    const feed = { pixels: new ort.Tensor('float32', x, [1, 3, 224, 224]) };
    const run = async () => (await session.run(feed)).logits.data;
    out.ort.max_logit_diff = maxDiff(await run(), reference);
    out.ort.forward = await timed(run, plan.reps, 2);
    await session.release();
  } catch (e) {
    out.ort.error = `${e} (tests/bench/onnx_efficientnet.py writes the graph)`;
  }
  return out;
};
window.photosReady = true;
