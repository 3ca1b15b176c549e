// The bench page's runner: Blindspot (target/bench-web, src/bin/bench.rs) and TF.js on the same
// weights, digits and targets, timed in this one page load. tests/bench/tfjs.mjs calls
// `window.runBench(plan)` and prints what it returns.
import init, { Bench, digits, labels } from '../../../target/bench-web/bench.js';
import { lbfgs, pgd, CONFIG } from './lbfgs.js';
import { safetensors, network, objective } from './models.js';
import { timed } from './timing.js';

const tf = window.tf;
const now = () => performance.now();
const DIM = 784;

/** Medians of `reps` calls of `a` and of `b`, alternated call by call after `warm` untimed
 *  pairs, so that whatever else this shared machine does slows both alike; and the median of
 *  the pairs' ratios b / a. */
async function paired(a, b, reps, warm = 3) {
  for (let i = 0; i < warm; i++) { await a(); await b(); }
  const ta = [], tb = [], ratio = [];
  for (let i = 0; i < reps; i++) {
    let t = now();
    await a();
    ta.push(now() - t);
    t = now();
    await b();
    tb.push(now() - t);
    ratio.push(tb[i] / ta[i]);
  }
  const median = (v) => v.sort((x, y) => x - y)[Math.floor(v.length / 2)];
  return { a: median(ta), b: median(tb), ratio: median(ratio) };
}

/** Per image [reached, label, rms, evaluations] (Blindspot's flat answer) as objects. */
const outcomes = (flat) => Array.from({ length: flat.length / 4 }, (_, k) => ({
  reached: flat[4 * k] === 1, rms: flat[4 * k + 2], evaluations: flat[4 * k + 3],
}));

function summary(list, ms) {
  const hit = list.filter((o) => o.reached);
  const mean = (key) => hit.reduce((s, o) => s + (o[key] ?? 0), 0) / Math.max(hit.length, 1);
  return { ms, reached: hit.length, of: list.length, mean_rms: mean('rms'), mean_evaluations: mean('evaluations') };
}

async function bytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.arrayBuffer();
}

/** One answer from `worker` to `message`. */
const ask = (worker, message) => new Promise((resolve, reject) => {
  worker.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data));
  worker.postMessage(message);
});

/** All cores against all cores: `workers` share-worker.js workers of one side, each with the
 *  model loaded (untimed), then the first `n` digits dealt into `workers` contiguous shares,
 *  one batch each, and the wall time until every share is back. */
async function allCores(side, workers, name, card, weights, kind, x, y, t) {
  const pool = Array.from({ length: workers }, () => new Worker(`./share-worker.js?${side}`));
  try {
    await Promise.all(pool.map((w) => ask(w, { load: { name, card, weights } })));
    const n = y.length;
    const per = Math.ceil(n / workers);
    const started = now();
    const shares = await Promise.all(pool.map((w, k) => {
      const [a, b] = [k * per, Math.min(n, (k + 1) * per)];
      return ask(w, { share: { kind, x: x.slice(a * DIM, b * DIM), y: y.slice(a, b), t: t.slice(a, b) } });
    }));
    return summary(shares.flatMap((s) => s.outcomes), now() - started);
  } finally {
    pool.forEach((w) => w.terminate());
  }
}

window.runBench = async (plan) => {
  await init();
  tf.wasm.setWasmPaths('./node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  const out = { crossOriginIsolated, cores: navigator.hardwareConcurrency, models: {} };
  for (const [name, sizes] of Object.entries(plan.models)) {
    const weights = await bytes(`../../../models/${name}.safetensors`);
    const card = new Uint8Array(await bytes(`../../../models/${name}.json`));
    const blindspot = new Bench(name, card, new Uint8Array(weights));
    const n = Math.max(sizes.lbfgs, 100);
    const x = digits(n), y = labels(n);
    const targets = Array.from(y, (l) => (l + 1) % 10);
    const first = (k) => [x.slice(0, k * DIM), Uint32Array.from(y.slice(0, k)), Uint32Array.from(targets.slice(0, k))];
    const result = { blindspot: {}, tfjs: {} };
    out.models[name] = result;
    // Blindspot. Its evaluations are timed below, next to TF.js wasm's.
    const evaluate = (batch) => {
      const [xs, , ts] = first(batch);
      return () => blindspot.evaluate(xs, ts, 1);
    };
    {
      const [xs, ls, ts] = first(100);
      let t = now();
      result.blindspot.pgd40_batch_100 = summary(outcomes(blindspot.pgd(xs, ls, ts, 0.1, 40)), now() - t);
      t = now();
      const alone = [];
      for (let k = 0; k < sizes.alone; k++) alone.push(...outcomes(blindspot.pgd(xs.slice(k * DIM, (k + 1) * DIM), ls.slice(k, k + 1), ts.slice(k, k + 1), 0.1, 40)));
      result.blindspot.pgd40_batch_1 = summary(alone, (now() - t) / sizes.alone);
    }
    {
      const [xs, ls, ts] = first(sizes.lbfgs);
      let t = now();
      result.blindspot.lbfgs_batch = summary(outcomes(blindspot.lbfgs(xs, ls, ts)), now() - t);
      t = now();
      const alone = [];
      for (let k = 0; k < sizes.alone; k++) alone.push(...outcomes(blindspot.lbfgs(xs.slice(k * DIM, (k + 1) * DIM), ls.slice(k, k + 1), ts.slice(k, k + 1))));
      result.blindspot.lbfgs_batch_1 = summary(alone, (now() - t) / sizes.alone);
    }
    // TF.js, each backend asked for.
    const tensors = safetensors(weights);
    for (const backend of plan.backends) {
      const r = {};
      result.tfjs[backend] = r;
      try {
        await tf.setBackend(backend);
        await tf.ready();
        const forward = network(tf, name, tensors);
        const loss = objective(tf, forward, CONFIG.temperature);
        const ce = objective(tf, forward, 1);
        for (const batch of [1, 100]) {
          const [xs, , ts] = first(batch);
          const cs = new Array(batch).fill(1);
          const theirs = () => loss(xs, xs, Array.from(ts), cs);
          const key = `evaluation_batch_${batch}_ms`;
          if (backend === 'wasm') {
            // Each alone, one after the other, then alternated call by call.
            result.blindspot[key] = (await timed(evaluate(batch), plan.reps[batch])).median_ms;
            r[key] = (await timed(theirs, plan.reps[batch])).median_ms;
            result.blindspot[`evaluation_batch_${batch}_paired`] = await paired(evaluate(batch), theirs, plan.reps[batch]);
          } else {
            r[key] = (await timed(theirs, plan.reps[batch])).median_ms;
          }
        }
        if (!plan.attacks.includes(backend)) continue;
        const [xs, , ts] = first(100);
        const zeros = (k) => new Array(k).fill(0);
        const plainCE = (v, v0, t) => ce(v, v0, t, zeros(t.length));
        let t = now();
        r.pgd40_batch_100 = summary(await pgd(plainCE, xs, Array.from(ts), 0.1, 40), now() - t);
        t = now();
        const alone = [];
        for (let k = 0; k < sizes.alone; k++) alone.push(...(await pgd(plainCE, xs.slice(k * DIM, (k + 1) * DIM), [ts[k]], 0.1, 40)));
        r.pgd40_batch_1 = summary(alone, (now() - t) / sizes.alone);
        const [lx, , lt] = first(sizes.lbfgs);
        t = now();
        r.lbfgs_batch = summary(await lbfgs(loss, lx, Array.from(lt), DIM), now() - t);
        t = now();
        const one = [];
        for (let k = 0; k < sizes.alone; k++) one.push(...(await lbfgs(loss, lx.slice(k * DIM, (k + 1) * DIM), [lt[k]], DIM)));
        r.lbfgs_batch_1 = summary(one, (now() - t) / sizes.alone);
      } catch (e) {
        r.error = String(e);
      }
    }
    blindspot.free();
  }
  // All cores against all cores, in workers (message passing, no shared memory).
  if (plan.allCores) {
    const cores = navigator.hardwareConcurrency;
    out.all_cores = {};
    for (const [name, count] of Object.entries(plan.allCores)) {
      const weights = new Uint8Array(await bytes(`../../../models/${name}.safetensors`));
      const card = new Uint8Array(await bytes(`../../../models/${name}.json`));
      const x = digits(count), y = labels(count);
      const targets = Uint32Array.from(y, (l) => (l + 1) % 10);
      const runs = {};
      for (const side of ['blindspot', 'tfjs']) {
        for (const kind of ['lbfgs', 'pgd']) {
          for (const workers of [1, cores]) {
            runs[`${side}_${kind}_${workers}_workers`] = await allCores(side, workers, name, card, weights, kind, x, Uint32Array.from(y), targets);
          }
        }
      }
      out.all_cores[name] = runs;
    }
  }
  out.tfjs_backend_info = { wasm_simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT').catch(() => null), wasm_threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT').catch(() => null) };
  return out;
};
window.benchReady = true;
