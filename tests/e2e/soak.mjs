// Memory under load: attacks in a row in the page, then the page's memory compared before and
// after them. The test suite runs a short soak (soak.test.mjs); the long one, for BENCHMARKS.md:
//   node tests/e2e/soak.mjs [attacks, default 200] [warm-up, default 20] [reading every, default 50]
// (prints JSON)
// Measured after a full garbage collection each time (Chromium's DevTools protocol): the JS heap
// in use, the page module's wasm memory (it never shrinks, so any leak in Rust shows as growth),
// and how many Workers the page has made.
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';

/** Before the app starts: keep its wasm exports (Trunk's loader hands them to this event) and
 *  count every Worker made. Reloads `page` so that both hold from the first script. */
export async function watchMemory(page) {
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.soakWasm = e.detail.wasm; });
    const Made = window.Worker;
    window.workersMade = 0;
    window.Worker = class extends Made {
      constructor(...args) {
        super(...args);
        window.workersMade += 1;
      }
    };
  });
  await page.reload();
  await page.getByTestId('gallery').locator('button.pick').first().waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => window.soakWasm?.memory);
}

/** The page's memory now, after a full collection: JS heap bytes, wasm memory bytes, workers
 *  made, and the CPU workers' wasm memory (summed; the attacks compute there). */
export async function memory(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  const [wasm, workers] = await page.evaluate(() => [window.soakWasm.memory.buffer.byteLength, window.workersMade]);
  let inWorkers = 0;
  for (const w of page.workers().filter((w) => w.url().includes('cpu_worker'))) {
    inWorkers += await w.evaluate(() => self.wasmMemory?.buffer.byteLength ?? 0);
  }
  return { js_heap: usedSize, wasm_memory: wasm, worker_wasm_memory: inWorkers, workers };
}

/** `count` attacks one after another on fc100-100-10, each on another gallery digit towards
 *  the next label: L-BFGS, with every fifth FGSM, every fifth PGD and every fifth an untargeted
 *  L-BFGS (its targets dealt over the workers); resolves with the L-BFGS attacks that missed
 *  (FGSM's and PGD's fixed ε often falls short of a target, by design). */
export async function attacks(page, count, from = 0) {
  const picks = page.getByTestId('gallery').locator('button.pick');
  const shown = await picks.count();
  const missed = [];
  for (let k = from; k < from + count; k++) {
    const pick = picks.nth(k % shown);
    await pick.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="prediction"]')?.dataset.label);
    const label = Number(await page.getByTestId('prediction').getAttribute('data-label'));
    const untargeted = k % 5 === 3;
    const target = (label + 1) % 10;
    const method = ['lbfgs', 'lbfgs', 'fgsm', 'lbfgs', 'pgd'][k % 5];
    await page.getByTestId('attack-method').selectOption(method);
    await page.getByTestId('attack-target').selectOption(untargeted ? 'untargeted' : String(target));
    await page.getByTestId('attack-run').click();
    await page.getByTestId('adv-prediction').waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid="attack-run"]').disabled, null, { timeout: 120_000 });
    const reached = Number(await page.getByTestId('adv-prediction').getAttribute('data-label'));
    if (method === 'lbfgs' && (untargeted ? reached === label : reached !== target)) missed.push(k);
  }
  return missed;
}

/** The soak: `warmup` attacks, then `count` more with the memory taken every `every` of them;
 *  growth from the first reading to the last, as fractions. */
export async function soak(page, count, warmup, every = count) {
  await page.getByTestId('model-select').selectOption('fc100-100-10');
  await attacks(page, warmup);
  const readings = [{ after_attacks: warmup, ...(await memory(page)) }];
  const started = Date.now();
  let missed = 0;
  for (let done = 0; done < count; done += every) {
    const step = Math.min(every, count - done);
    missed += (await attacks(page, step, warmup + done)).length;
    readings.push({ after_attacks: warmup + done + step, ...(await memory(page)) });
  }
  const seconds = (Date.now() - started) / 1000;
  const [before, after] = [readings[0], readings.at(-1)];
  const growth = (key) => (after[key] - before[key]) / before[key];
  return {
    attacks: count, warmup, seconds, lbfgs_missed_targets: missed, before, after, readings,
    js_heap_growth: growth('js_heap'), wasm_memory_growth: growth('wasm_memory'),
    worker_wasm_memory_growth: growth('worker_wasm_memory'),
    workers_made_during: after.workers - before.workers,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 200);
  const warmup = Number(process.argv[3] ?? 20);
  const every = Number(process.argv[4] ?? 50);
  const root = new URL('../../', import.meta.url).pathname;
  const server = await serve(process.env.PKG ?? root + 'pkg');
  const app = await openApp(server.url);
  await watchMemory(app.page);
  const result = await soak(app.page, count, warmup, every);
  console.log(JSON.stringify({ ...result, page_errors: app.errors }, null, 2));
  await app.browser.close();
  server.close();
}
