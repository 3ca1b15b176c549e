// Timings of the built app (pkg/) in headless Chromium, through the UI a student uses:
// time to interactive, inference per digit, L-BFGS to a target per digit, for two models, on
// the CPU backend and then, switched in the same page, on the WebGPU worker (if an adapter).
// Each digit is attacked twice: towards a target, then untargeted (its nine targets dealt over
// the CPU workers). Run: node tests/e2e/bench.mjs [digits per model on the CPU, default 10]
// [on WebGPU, default 2] (prints JSON). CORES=k: the page is told the machine has k cores.
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';
import { watchBlocking, longestBlock, pretendCores } from './harness.mjs';

const digits = { cpu: Number(process.argv[2] ?? 10), webgpu: Number(process.argv[3] ?? 2) };
const root = new URL('../../', import.meta.url).pathname;
const server = await serve(process.env.PKG ?? root + 'pkg');
const started = Date.now();
const app = await openApp(server.url);
const { page } = app;
const interactive = await page.evaluate(() => performance.now());
if (process.env.CORES) await pretendCores(page, Number(process.env.CORES));
const out = { chosen_backend: await page.getByTestId('backend').textContent(), time_to_interactive_ms: interactive, wall_to_gallery_ms: Date.now() - started, backends: {} };
const gpu = await page.waitForFunction(() => document.querySelector('[data-testid="backend-select"] option[value="webgpu"]'), null, { timeout: 120_000 }).then(() => true, () => false);
out.adapter = await page.locator('.badge').textContent();
out.startup_probe = await page.locator('.badge').getAttribute('title');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const waitLabel = (id, v, timeout = 300_000) =>
  page.waitForFunction(([id, v]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.label === v, [id, String(v)], { timeout });

/** Inference and L-BFGS timings for the first `n` gallery digits on the current backend. */
async function timeModel(model, n) {
  await page.getByTestId('model-select').selectOption(model);
  const inference = [], lbfgs = [], rms = [], untargeted = [], untargetedRms = [];
  await watchBlocking(page);
  for (let i = 0; i < n; i++) {
    const pick = page.getByTestId('gallery').locator(`button.pick[data-index="${i}"]`);
    const label = Number((await pick.getAttribute('title')).match(/label (\d)/)[1]);
    await pick.click();
    await waitLabel('prediction', label); // the first test digits are all read right by both models
    inference.push(Number(await page.getByTestId('prediction').getAttribute('data-ms')));
    const target = (label + 1 + (i % 9)) % 10;
    await page.getByTestId('attack-method').selectOption('lbfgs');
    await page.getByTestId('attack-target').selectOption(String(target));
    await page.getByTestId('attack-run').click();
    await waitLabel('adv-prediction', target, 1_200_000);
    lbfgs.push(Number(await page.getByTestId('adv-prediction').getAttribute('data-ms')));
    rms.push(Number(await page.getByTestId('distortion').getAttribute('data-value')));
    await page.getByTestId('attack-target').selectOption('untargeted');
    const before = await page.getByTestId('adv-prediction').getAttribute('data-ms');
    await page.getByTestId('attack-run').click();
    await page.waitForFunction((ms) => {
      const shown = document.querySelector('[data-testid="adv-prediction"]');
      return shown?.dataset.ms !== ms && !document.querySelector('[data-testid="attack-run"]').disabled;
    }, before, { timeout: 1_200_000 });
    if (await page.getByTestId('adv-prediction').getAttribute('data-label') === String(label)) throw new Error(`digit ${i}: untargeted attack missed`);
    untargeted.push(Number(await page.getByTestId('adv-prediction').getAttribute('data-ms')));
    untargetedRms.push(Number(await page.getByTestId('distortion').getAttribute('data-value')));
  }
  const longest = await longestBlock(page); // the page's longest task over these attacks
  return { digits: n, inference_ms_median: median(inference), lbfgs_ms_median: median(lbfgs), lbfgs_ms_max: Math.max(...lbfgs), rms_mean: rms.reduce((a, b) => a + b, 0) / n,
    untargeted_ms_median: median(untargeted), untargeted_rms_mean: untargetedRms.reduce((a, b) => a + b, 0) / n, longest_page_task_ms: longest };
}

for (const backend of gpu ? ['cpu', 'webgpu'] : ['cpu']) {
  await page.getByTestId('backend-select').selectOption(backend);
  out.backends[backend] = {};
  for (const model of ['fc100-100-10', 'convnet']) {
    out.backends[backend][model] = await timeModel(model, digits[backend]);
  }
}
console.log(JSON.stringify(out, null, 2));
await app.browser.close();
server.close();
