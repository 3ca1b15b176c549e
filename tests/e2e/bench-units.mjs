// Timings of a Units deal in the built app (pkg/), headless Chromium, through the panel's
// Deal button: from the click until the rows are shown, on 1 and on 2 CPU workers, each deal
// right after a reload so that no worker holds the gallery's features yet (a cold deal: every
// worker computes its slice's features, then the best images for the dealt directions).
// Run: node tests/e2e/bench-units.mjs [deals per setting, default 3] (prints JSON, then a table).
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';
import { watchBlocking, longestBlock } from './harness.mjs';

const deals = Number(process.argv[2] ?? 3);
const root = new URL('../../', import.meta.url).pathname;
const server = await serve(process.env.PKG ?? root + 'pkg');
const app = await openApp(server.url);
const { page } = app;

/** One cold deal of `model`'s `layer` on `cores` workers: ms from the click to the rows, and
 *  the page's longest task meanwhile. */
async function deal(model, layer, cores) {
  await page.reload();
  await page.getByTestId('gallery').locator('button.pick').first().waitFor({ timeout: 60_000 });
  await page.evaluate((k) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => k, configurable: true }), cores);
  await page.getByTestId('units-model').selectOption(model);
  await page.getByTestId('units-layer').selectOption(layer);
  await watchBlocking(page);
  const started = await page.evaluate(() => performance.now());
  await page.getByTestId('units-deal').click();
  await page.getByTestId('units-reveal').waitFor({ timeout: 300_000 });
  const ms = (await page.evaluate(() => performance.now())) - started;
  return { ms, longest_task_ms: await longestBlock(page) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = {};
for (const [model, layer] of [['convnet', 'conv'], ['convnet', 'dense'], ['fc100-100-10', 'h1']]) {
  for (const cores of [1, 2]) {
    const runs = [];
    for (let i = 0; i < deals; i++) runs.push(await deal(model, layer, cores));
    out[`${model} ${layer}, ${cores} worker${cores > 1 ? 's' : ''}`] = {
      median_ms: median(runs.map((r) => r.ms)),
      runs_ms: runs.map((r) => Math.round(r.ms)),
      longest_task_ms: Math.max(...runs.map((r) => r.longest_task_ms)),
    };
  }
}
console.log(JSON.stringify(out, null, 2));
console.log(`\n| deal (cold, median of ${deals}) | time | longest page task |\n|---|---|---|`);
for (const [k, v] of Object.entries(out)) {
  console.log(`| ${k} | ${v.median_ms.toFixed(0)} ms | ${v.longest_task_ms > 0 ? `${v.longest_task_ms.toFixed(0)} ms` : 'none over 50 ms'} |`);
}
await app.browser.close();
server.close();
