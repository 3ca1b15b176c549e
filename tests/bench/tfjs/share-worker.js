// One worker of the bench's "all cores" runs (bench.js, `allCores`): `share-worker.js?blindspot`
// (Blindspot's bench build, src/bin/bench.rs) or `share-worker.js?tfjs` (TF.js's wasm backend,
// one thread: the page is not cross-origin isolated, as a course site's iframe is not). It
// loads the model when asked, then attacks the shares of digits it is sent, as the page's
// single-threaded runs do.
const side = self.location.search.slice(1);
let attack; // (kind, images, labels, targets) => per image { reached, rms, evaluations }

async function loadBlindspot(name, card, weights) {
  const { default: init, Bench } = await import('../../../target/bench-web/bench.js');
  await init();
  const bench = new Bench(name, card, weights);
  const outcomes = (flat) => Array.from({ length: flat.length / 4 }, (_, k) => ({
    reached: flat[4 * k] === 1, rms: flat[4 * k + 2], evaluations: flat[4 * k + 3],
  }));
  return (kind, x, y, t) => outcomes(kind === 'lbfgs' ? bench.lbfgs(x, y, t) : bench.pgd(x, y, t, 0.1, 40));
}

async function loadTfjs(name, weights) {
  importScripts('./node_modules/@tensorflow/tfjs/dist/tf.min.js',
    './node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');
  const { lbfgs, pgd, CONFIG } = await import('./lbfgs.js');
  const { safetensors, network, objective } = await import('./models.js');
  const tf = self.tf;
  tf.wasm.setWasmPaths('./node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  await tf.setBackend('wasm');
  await tf.ready();
  const forward = network(tf, name, safetensors(weights.buffer));
  const loss = objective(tf, forward, CONFIG.temperature);
  const ce = objective(tf, forward, 1);
  const plainCE = (v, v0, t) => ce(v, v0, t, new Array(t.length).fill(0));
  return (kind, x, _y, t) => (kind === 'lbfgs' ? lbfgs(loss, x, Array.from(t), 784) : pgd(plainCE, x, Array.from(t), 0.1, 40));
}

self.onmessage = async ({ data }) => {
  try {
    if (data.load) {
      const { name, card, weights } = data.load;
      attack = side === 'blindspot' ? await loadBlindspot(name, card, weights) : await loadTfjs(name, weights);
      self.postMessage({ loaded: true });
    } else {
      const { kind, x, y, t } = data.share;
      self.postMessage({ outcomes: await attack(kind, x, y, t) });
    }
  } catch (e) {
    self.postMessage({ error: String(e) });
  }
};
