// Timings of a Units deal in the built app (pkg/), headless Chromium, through the panel's
// Deal button: from the click until the rows are shown, on 1 and on 2 CPU workers (medians).
// After each reload, a first deal on another layer starts the workers; the deal timed next
// finds them started but without its layer's features, so every worker computes its slice's
// features, then the best images for the dealt directions.
// Run: node tests/e2e/bench-units.mjs [deals per setting, default 3] (prints JSON, then a table).
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';
import { watchBlocking, longestBlock } from './harness.mjs';

const deals = Number(process.argv[2] ?? 3);
const root = new URL('../../', import.meta.url).pathname;
const server = await serve(process.env.PKG ?? root + 'pkg');
const app = await openApp(server.url);
const { page } = app;

/** Clicks Deal and waits until the deal is done (the button enabled again): ms, and the
 *  page's longest task meanwhile. */
async function timedDeal(layer) {
  await page.getByTestId('units-layer').selectOption(layer);
  await watchBlocking(page);
  // The button is disabled while the deal runs: a deal is done once its `disabled` has come
  // and gone, however quickly (the observer sees both changes).
  await page.evaluate(() => {
    const button = document.querySelector('[data-testid="units-deal"]');
    window.dealDone = null;
    let seen = false;
    new MutationObserver((records, observer) => {
      seen ||= records.some((r) => r.oldValue === null);
      if (seen && !button.disabled) {
        window.dealDone = performance.now();
        observer.disconnect();
      }
    }).observe(button, { attributes: true, attributeFilter: ['disabled'], attributeOldValue: true });
    window.dealStarted = performance.now();
    button.click();
  });
  await page.waitForFunction(() => window.dealDone !== null, null, { timeout: 300_000 });
  const ms = await page.evaluate(() => window.dealDone - window.dealStarted);
  await page.getByTestId('units-reveal').waitFor({ timeout: 5_000 });
  return { ms, longest_task_ms: await longestBlock(page) };
}

/** After a reload, on `cores` workers: the first deal of `model` (on layer `first`: the workers
 *  start, load the model and the gallery), then a deal on `layer` (started workers, whose
 *  features of `layer` are not cached: what the split speeds up). */
async function deal(model, first, layer, cores) {
  await page.reload();
  await page.getByTestId('gallery').locator('button.pick').first().waitFor({ timeout: 60_000 });
  await page.evaluate((k) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => k, configurable: true }), cores);
  await page.getByTestId('units-model').selectOption(model);
  const cold = await timedDeal(first);
  const warm = await timedDeal(layer);
  return { cold, warm };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = {};
for (const [model, first, layer] of [['convnet', 'dense', 'conv'], ['convnet', 'conv', 'dense'], ['fc100-100-10', 'h2', 'h1']]) {
  for (const cores of [1, 2]) {
    const runs = [];
    for (let i = 0; i < deals; i++) runs.push(await deal(model, first, layer, cores));
    const of = (kind) => ({
      median_ms: median(runs.map((r) => r[kind].ms)),
      runs_ms: runs.map((r) => Math.round(r[kind].ms)),
      longest_task_ms: Math.max(...runs.map((r) => r[kind].longest_task_ms)),
    });
    out[`${model} ${layer}, ${cores} worker${cores > 1 ? 's' : ''}`] = { first_deal: { layer: first, ...of('cold') }, deal: of('warm') };
  }
}
console.log(JSON.stringify(out, null, 2));
const task = (ms) => (ms > 0 ? `${ms.toFixed(0)} ms` : 'none over 50 ms');
console.log(`\n| layer dealt, workers | first deal after a load (layer) | then a deal on this layer | longest page task |\n|---|---|---|---|`);
for (const [k, v] of Object.entries(out)) {
  console.log(`| ${k} | ${v.first_deal.median_ms.toFixed(0)} ms (${v.first_deal.layer}) | ${v.deal.median_ms.toFixed(0)} ms | ${task(Math.max(v.first_deal.longest_task_ms, v.deal.longest_task_ms))} |`);
}
await app.browser.close();
server.close();
