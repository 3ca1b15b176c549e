// Memory while only reading digits, never attacking, on the WebGPU worker (SwiftShader here):
// gallery digits 0 and 1 (a 7 and a 2) clicked in turn, each read waited for, and the
// worker's wasm memory taken every `every` reads after a warm-up. Before every engine read on
// its device without autodiff, each read's forward graph stayed until the next backward pass.
//   node tests/e2e/soak-reads.mjs [reads, default 300] [warm-up, default 30] [every, default 100]
// (prints JSON; exits 1 where the page offers no WebGPU adapter)
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';
import { watchMemory } from './soak.mjs';

const [count, warmup, every] = [300, 30, 100].map((d, i) => Number(process.argv[2 + i] ?? d));
const root = new URL('../../', import.meta.url).pathname;
const server = await serve(process.env.PKG ?? root + 'pkg');
const app = await openApp(server.url);
const { page } = app;
await watchMemory(page);
const gpu = await page.waitForFunction(() => document.querySelector('[data-testid="backend-select"] option[value="webgpu"]'), null, { timeout: 120_000 }).then(() => true, () => false);
if (!gpu) {
  console.log(JSON.stringify({ error: 'no WebGPU adapter offered' }));
  process.exit(1);
}
await page.getByTestId('backend-select').selectOption('webgpu');
await page.getByTestId('model-select').selectOption('fc100-100-10');
const picks = page.getByTestId('gallery').locator('button.pick');
const labels = [];
for (const i of [0, 1]) labels.push(Number((await picks.nth(i).getAttribute('title')).match(/label (\d)/)[1]));

async function reads(n, from) {
  for (let k = from; k < from + n; k++) {
    await picks.nth(k % 2).click();
    await page.waitForFunction((v) => document.querySelector('[data-testid="prediction"]')?.dataset.label === v, String(labels[k % 2]), { timeout: 60_000 });
  }
}

const gpuWorkerMemory = async () => {
  const [worker] = page.workers().filter((w) => w.url().includes('gpu_worker'));
  return worker.evaluate(() => self.wasmMemory.buffer.byteLength);
};

await reads(warmup, 0);
const readings = [{ after_reads: warmup, gpu_worker_wasm_memory: await gpuWorkerMemory() }];
const started = Date.now();
for (let done = 0; done < count; done += every) {
  const step = Math.min(every, count - done);
  await reads(step, warmup + done);
  readings.push({ after_reads: warmup + done + step, gpu_worker_wasm_memory: await gpuWorkerMemory() });
}
const [before, after] = [readings[0], readings.at(-1)];
console.log(JSON.stringify({
  backend: await page.getByTestId('backend').textContent(),
  reads: count, warmup, seconds: (Date.now() - started) / 1000, readings,
  gpu_worker_wasm_memory_growth: (after.gpu_worker_wasm_memory - before.gpu_worker_wasm_memory) / before.gpu_worker_wasm_memory,
  page_errors: app.errors,
}, null, 2));
await app.browser.close();
server.close();
