// Blindspot and TF.js 4.22 side by side in one Chromium page load (BENCHMARKS.md, "Browser:
// Blindspot and TF.js"): the same safetensors weights, test digits and targets (label + 1),
// the same objective and, for L-BFGS, the same search (tests/bench/tfjs/lbfgs.js, a port of
// attack/lbfgs.rs and c_search.rs). Both on the page's one thread. Run it with
// tests/bench/tfjs.sh, which builds Blindspot's half first. Prints JSON, then a table.
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve-static.mjs';
import { openPage } from '../e2e/browser.mjs';

const quick = process.argv.includes('--quick');
const plan = {
  models: quick ? { 'fc100-100-10': { lbfgs: 20, alone: 3 } }
    : { 'fc100-100-10': { lbfgs: 100, alone: 20 }, convnet: { lbfgs: 20, alone: 5 } },
  reps: { 1: quick ? 20 : 200, 100: quick ? 5 : 30 },
  // Every backend is timed per evaluation; the attacks run on these.
  backends: ['wasm', 'cpu', 'webgpu'],
  attacks: ['wasm'],
  // All cores against all cores: digits attacked, per model, by 1 and by all workers.
  allCores: quick ? { 'fc100-100-10': 20 } : { 'fc100-100-10': 100, convnet: 20 },
};
const root = new URL('../../', import.meta.url).pathname;
// No Content-Security-Policy: TF.js is not the app, and the bench page is not hosted.
const server = await serve(root, 0, { csp: null });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-unsafe-webgpu'],
});
const { page, errors } = await openPage(browser, `${server.url}tests/bench/tfjs/bench.html`, { gallery: false });
await page.waitForFunction(() => window.benchReady, null, { timeout: 60_000 });
const result = await page.evaluate((p) => window.runBench(p), plan);
result.page_errors = errors;
console.log(JSON.stringify(result, null, 2));

const f = (v, d = 2) => (v === undefined ? '–' : Number(v).toFixed(d));
const perAttack = (s, count) => (s ? s.ms / (count ?? 1) : undefined);
for (const [name, r] of Object.entries(result.models)) {
  const sizes = plan.models[name];
  console.log(`\n${name}: ms (median of ${plan.reps[1]} / ${plan.reps[100]} evaluations, each side alone; attacks: per attack)\n`);
  console.log('| | evaluation, batch 1 | evaluation, batch 100 | PGD-40, batch 100 | PGD-40, one at a time | L-BFGS, batch of ' + sizes.lbfgs + ' | L-BFGS, one at a time | reached | mean RMS |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const rows = [['Blindspot (Burn Flex, wasm SIMD)', r.blindspot], ...Object.entries(r.tfjs).map(([b, v]) => [`TF.js ${b}`, v])];
  for (const [label, v] of rows) {
    if (v.error) { console.log(`| ${label} | ${v.error} |`); continue; }
    const l = v.lbfgs_batch;
    console.log(`| ${label} | ${f(v.evaluation_batch_1_ms, 3)} | ${f(v.evaluation_batch_100_ms)} | ${f(perAttack(v.pgd40_batch_100, 100), 1)} | ${f(v.pgd40_batch_1?.ms, 1)} | ${f(perAttack(l, l?.of), 1)} | ${f(v.lbfgs_batch_1?.ms, 1)} | ${l ? `${l.reached} / ${l.of}` : '–'} | ${f(l?.mean_rms, 4)} |`);
  }
}
for (const [name, r] of Object.entries(result.models)) {
  const p = (b) => r.blindspot[`evaluation_batch_${b}_paired`];
  const line = (b) => `batch ${b}: ${f(p(b).a)} against ${f(p(b).b)} ms, TF.js/Blindspot ${f(p(b).ratio)}×`;
  console.log(`\n${name}, evaluations alternated call by call (medians; the ratio is the pairs' median): ${line(1)}; ${line(100)}`);
}
for (const [name, runs] of Object.entries(result.all_cores ?? {})) {
  console.log(`\n${name}, all cores against all cores (${result.cores} cores; wall time for all digits, ms)\n`);
  console.log('| run | Blindspot, 1 worker | Blindspot, all | TF.js wasm, 1 worker | TF.js wasm, all | reached (Blindspot / TF.js) | mean RMS (Blindspot / TF.js) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const kind of ['lbfgs', 'pgd']) {
    const at = (side, w) => runs[`${side}_${kind}_${w}_workers`];
    const [b1, bn, t1, tn] = [at('blindspot', 1), at('blindspot', result.cores), at('tfjs', 1), at('tfjs', result.cores)];
    console.log(`| ${kind === 'lbfgs' ? 'L-BFGS' : 'PGD-40'} | ${f(b1.ms, 0)} | ${f(bn.ms, 0)} | ${f(t1.ms, 0)} | ${f(tn.ms, 0)} | ${bn.reached} / ${tn.reached} of ${bn.of} | ${f(bn.mean_rms, 4)} / ${f(tn.mean_rms, 4)} |`);
  }
}
await browser.close();
server.close();
