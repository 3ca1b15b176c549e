// EfficientNet-Lite0 in one Chromium page load (BENCHMARKS.md, "ImageNet speed"): Blindspot's
// forward pass, input gradient, PGD-10 and L-BFGS towards ostrich on the sample photos, with the
// CPU kernels and on Burn's generic path, beside TF.js (wasm, cpu) and ONNX Runtime Web (wasm)
// on the same weights and pixels, all on the page's one thread. tests/bench/photos.sh builds
// what it needs (target/bench-web, tests/bench/tfjs/node_modules, target/bench-onnx) and runs
// it after the native benches. Prints JSON, then a table.
// Run: node tests/bench/photos.mjs [--quick] [--lbfgs] [--profile | --profile-forward]
//   --quick: fewer repetitions, and no PGD on TF.js (half a minute on its cpu backend).
//   --profile: instead, the CPU profile (V8's sampler) of 20 gradients with the kernels: each
//   function's share of the samples (self time); --profile-forward, of 20 forward passes.
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve-static.mjs';
import { openPage } from '../e2e/browser.mjs';

const quick = process.argv.includes('--quick');
const plan = {
  reps: quick ? 5 : 20,
  attacks: ['pgd', ...(process.argv.includes('--lbfgs') ? ['lbfgs'] : [])],
  peerAttacks: !quick,
};
const root = new URL('../../', import.meta.url).pathname;
const server = await serve(root, 0, { csp: null });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const { page, errors } = await openPage(browser, `${server.url}tests/bench/tfjs/photos.html`, { gallery: false });
await page.waitForFunction(() => window.photosReady, null, { timeout: 120_000 });
const profiled = process.argv.includes('--profile') ? 'gradients'
  : process.argv.includes('--profile-forward') ? 'forwards' : null;
if (profiled) {
  await page.evaluate((f) => window[f](2), profiled);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.evaluate((f) => window[f](20), profiled);
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const k = byId.get(id).callFrame.functionName || '(anonymous)';
    self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`${(100 * v / total).toFixed(1).padStart(5)}%  ${k.slice(0, 140)}`);
  }
} else {
  const result = await page.evaluate((p) => window.runPhotos(p), plan);
  result.page_errors = errors;
  console.log(JSON.stringify(result, null, 1));
  table(result);
}
await browser.close();
server.close();

/** The side-by-side table: medians in ms; PGD-10 on chelsea; L-BFGS the median of the three
 *  photos. Sets a failing exit code where a peer's logits are more than 1e-3 from Blindspot's. */
function table({ blindspot, tfjs, ort }) {
  const ms = (v) => (v === undefined ? '–' : v.toFixed(1));
  const time = (t) => (t?.error ? t.error : ms(t?.median_ms));
  const median = (list) => list && list.map((p) => p.ms).sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const rows = [['Blindspot kernels', blindspot.kernels], ['Blindspot burn', blindspot.burn],
    ['TF.js wasm', tfjs.wasm], ['TF.js cpu', tfjs.cpu], ['ORT Web wasm', ort]];
  console.log('\n| | forward (ms) | gradient (ms) | PGD-10, chelsea (ms) | L-BFGS, median of 3 photos (ms) | max abs logit diff from Blindspot kernels |');
  console.log('|---|---|---|---|---|---|');
  for (const [label, v] of rows) {
    if (v.error) { console.log(`| ${label} | ${v.error} |`); continue; }
    const pgd = v.pgd?.find((p) => p.photo === 'chelsea.png');
    console.log(`| ${label} | ${time(v.forward)} | ${v.gradient ? time(v.gradient) : 'none'} | ${ms(pgd?.ms)} | ${ms(median(v.lbfgs))} | ${v.max_logit_diff?.toExponential(1) ?? '–'} |`);
    if (!(v.max_logit_diff <= 1e-3)) {
      console.log(`${label}: logits differ from Blindspot's by more than 1e-3`);
      process.exitCode = 1;
    }
  }
}
