// Timings of the Photos panel (EfficientNet-Lite0) in headless Chromium, through the UI: the
// model's download size, reading a photo, PGD-10 within 8/255 and the paper's L-BFGS towards
// ostrich per sample photo, on the CPU worker and then, switched in the same page, on the
// WebGPU worker (SwiftShader here: reading and PGD only, L-BFGS would take an hour).
// Run: node tests/e2e/bench-photos.mjs [L-BFGS on the CPU: all|none, default all] [backends:
// all|cpu, default all] (prints JSON). CORES=k: the page is told the machine has k cores, so
// its pool starts k CPU workers and L-BFGS runs in k lanes (CORES=1: one lane). PHOTOS=a.png,b.jpg:
// those files, uploaded, in place of the three samples.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';
import { pretendCores } from './harness.mjs';

const lbfgs = (process.argv[2] ?? 'all') === 'all';
const webgpu = (process.argv[3] ?? 'all') === 'all';
const root = new URL('../../', import.meta.url).pathname;
const pkg = process.env.PKG ?? root + 'pkg';
const weights = await readFile(`${pkg}/models/imagenet/efficientnet-lite0.safetensors`);
const out = {
  model_bytes: weights.length,
  model_gzip_bytes: gzipSync(weights, { level: 9 }).length,
  cpu_worker_wasm_bytes: (await readFile(`${pkg}/cpu_worker_bg.wasm`)).length,
  cpu_worker_wasm_gzip_bytes: gzipSync(await readFile(`${pkg}/cpu_worker_bg.wasm`), { level: 9 }).length,
  backends: {},
};
const server = await serve(pkg);
const app = await openApp(server.url);
const { page } = app;
if (process.env.CORES) await pretendCores(page, Number(process.env.CORES));
out.cores_reported = await page.evaluate(() => navigator.hardwareConcurrency);
const gpu = await page.waitForFunction(() => document.querySelector('[data-testid="backend-select"] option[value="webgpu"]'), null, { timeout: 120_000 }).then(() => true, () => false);
await page.getByTestId('photo-open').click();
const SAMPLES = ['chelsea.png', 'coffee.png', 'rocket.jpg'];
const PHOTOS = process.env.PHOTOS ? process.env.PHOTOS.split(',') : SAMPLES;
const first = () => page.evaluate(() => document.querySelector('[data-testid="photo-top5"] li')?.dataset.label);

/** Reads `photo` (a sample's name, or a file's path): done once its crop is shown (which clears
 * the list before) and listed. */
async function read(photo) {
  const name = photo.split('/').pop();
  const started = Date.now();
  if (SAMPLES.includes(photo)) await page.locator(`[data-testid="photo-sample"][data-name="${name}"]`).click();
  else await page.getByTestId('photo-upload').setInputFiles(photo);
  await page.waitForFunction(([n]) => document.querySelector('[data-testid="photo-crop"]')?.getAttribute('aria-label').includes(n)
    && document.querySelector('[data-testid="photo-top5"] li'), [name], { timeout: 600_000 });
  return { ms: Date.now() - started, label: Number(await first()) };
}

async function attack(method) {
  await page.getByTestId('photo-method').selectOption(method);
  if (method === 'pgd') await page.getByTestId('photo-epsilon').selectOption('8');
  const started = Date.now();
  await page.getByTestId('photo-run').click();
  await page.getByTestId('photo-status').waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="photo-status"]'), null, { timeout: 3_600_000 });
  const wall = Date.now() - started;
  const value = (id) => page.getByTestId(id).getAttribute('data-value').then(Number);
  const stats = await page.locator('.photo-result .stats').textContent();
  return {
    wall_ms: wall,
    after: Number(await page.evaluate(() => document.querySelector('[data-testid="photo-adv-top5"] li').dataset.label)),
    rms: await value('photo-rms'),
    linf_levels: await value('photo-linf'),
    evaluations: Number(stats.match(/(\d+) gradient evaluations/)[1]),
  };
}

async function run(backend) {
  const rows = [];
  for (const photo of PHOTOS) {
    const row = { photo: photo.split('/').pop(), read: await read(photo) };
    row.pgd = await attack('pgd');
    if (backend === 'cpu' && lbfgs) row.lbfgs = await attack('lbfgs');
    rows.push(row);
    console.error(JSON.stringify({ backend, ...row }));
  }
  out.backends[backend] = rows;
}

await run('cpu');
if (gpu && webgpu) {
  await page.getByTestId('backend-select').selectOption('webgpu');
  await run('webgpu');
}
console.log(JSON.stringify(out, null, 1));
await app.browser.close();
server.close();
