// Where Blindspot's objective evaluation spends its time in Chromium: a CPU profile (V8's
// sampling profiler over CDP) of 100 evaluations of `model` at `batch` rows on Burn Flex in
// wasm, as the bench page runs them, with each function's share of the samples (self time).
// Needs target/bench-web, which tests/bench/tfjs.sh builds.
// Run: node tests/bench/profile_evaluation.mjs [model, default fc100-100-10] [batch, default 100]
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve-static.mjs';
const root = new URL('../../', import.meta.url).pathname;
const server = await serve(root, 0, { csp: null });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
await page.goto(`${server.url}tests/bench/tfjs/bench.html`);
const model = process.argv[2] ?? 'fc100-100-10';
const batch = Number(process.argv[3] ?? 100);
await page.evaluate(async ([model, batch]) => {
  const m = await import('/target/bench-web/bench.js');
  await m.default();
  const get = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());
  const b = new m.Bench(model, await get(`/models/${model}.json`), await get(`/models/${model}.safetensors`));
  const x = m.digits(batch), y = m.labels(batch);
  const t = Uint32Array.from(y, (l) => (l + 1) % 10);
  window.run = (n) => { const s = performance.now(); for (let i = 0; i < n; i++) b.evaluate(x, t, 1); return (performance.now() - s) / n; };
  window.run(5);
}, [model, batch]);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
await cdp.send('Profiler.start');
const ms = await page.evaluate(() => window.run(100));
const { profile } = await cdp.send('Profiler.stop');
console.log(`${model} batch ${batch}: ${ms.toFixed(2)} ms per evaluation`);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
profile.samples.forEach((id, i) => { const n = byId.get(id); const k = n.callFrame.functionName || '(anon)'; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); });
const total = [...self.values()].reduce((a, b) => a + b, 0);
[...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).forEach(([k, v]) => console.log((100 * v / total).toFixed(1).padStart(5) + '%  ' + k.slice(0, 150)));
await browser.close(); server.close();
