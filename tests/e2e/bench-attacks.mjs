// 1,000 L-BFGS attacks in the browser, through the Reproduce panel: the selected model only,
// N gallery digits (test digits 0…N-1), a seeded random wrong target each, batches of 100.
// Run: node tests/e2e/bench-attacks.mjs [model, default fc100-100-10] [N, default 1000]  (prints JSON)
// CORES=k: the page is told the machine has k cores (navigator.hardwareConcurrency), so its
// pool starts k CPU workers (at most 4). The run starts once the page has finished starting
// up (its start-up probe, with the WebGPU worker's compile, is done: the backend badge has its
// title); AT_LOAD=1 clicks at once instead, while that start-up still competes for the cores.
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';
import { watchBlocking, longestBlock, pretendCores } from './harness.mjs';

const model = process.argv[2] ?? 'fc100-100-10';
const n = process.argv[3] ?? '1000';
const root = new URL('../../', import.meta.url).pathname;
const server = await serve(process.env.PKG ?? root + 'pkg');
const app = await openApp(server.url);
const { page } = app;
if (process.env.CORES) await pretendCores(page, Number(process.env.CORES));
const atLoad = process.env.AT_LOAD === '1';
if (!atLoad) await page.locator('.badge[title]').waitFor({ timeout: 120_000 });
await page.getByTestId('model-select').selectOption(model);
await page.getByTestId('reproduce-only').check();
await page.getByTestId('reproduce-n').fill(n);
await page.getByTestId('reproduce-n').dispatchEvent('change');
await watchBlocking(page);
const started = Date.now();
await page.getByTestId('reproduce-run').click();
await page.getByTestId('reproduce-results').waitFor({ timeout: 3_600_000 });
const longest = await longestBlock(page);
const row = page.getByTestId('table1-row').first();
const attr = async (a) => row.getAttribute(a);
console.log(JSON.stringify({
  backend: await page.getByTestId('backend').textContent(),
  cores_reported: await page.evaluate(() => navigator.hardwareConcurrency),
  model, digits: Number(n),
  started: atLoad ? 'at load, with the start-up probe still running' : 'after the start-up probe',
  attack_seconds: Number(await attr('data-seconds')),
  succeeded: Number(await attr('data-succeeded')),
  mean_rms: Number(await attr('data-rms')),
  wall_seconds_incl_cross_check: (Date.now() - started) / 1000,
  // The page thread's longest task meanwhile (Long Tasks API: 0 when none reached 50 ms).
  longest_page_task_ms: longest,
}, null, 2));
await app.browser.close();
server.close();
