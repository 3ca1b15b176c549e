// Each attack on one digit in the browser (the attack panel: one CPU worker; the page's own
// clock from click to result), and Compare's four on that digit, for fc100-100-10 and the
// convnet: gallery digits 0…N-1 towards (label + 1) mod 10, after the start-up probe.
// Run: node tests/e2e/bench-after.mjs [N, default 5]  (prints JSON: median ms per method)
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';
import { watchBlocking, longestBlock } from './harness.mjs';

const n = Number(process.argv[2] ?? 5);
const root = new URL('../../', import.meta.url).pathname;
const server = await serve(process.env.PKG ?? root + 'pkg');
const { browser, page } = await openApp(server.url);
await page.locator('.badge[title]').waitFor({ timeout: 120_000 });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const label = (id) => page.getByTestId(id).getAttribute('data-label');
const report = { digits: n, backend: await page.getByTestId('backend').textContent(), models: {} };
await watchBlocking(page);
for (const model of ['fc100-100-10', 'convnet']) {
  await page.getByTestId('model-select').selectOption(model);
  const times = {};
  for (let i = 0; i < n; i++) {
    await page.getByTestId('gallery').locator(`button.pick[data-index="${i}"]`).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="prediction"]')?.dataset.label !== undefined);
    const target = String((Number(await label('prediction')) + 1) % 10);
    await page.getByTestId('attack-target').selectOption(target);
    for (const method of ['lbfgs', 'deepfool', 'cw', 'jsma']) {
      await page.getByTestId('attack-method').selectOption(method);
      const before = await page.evaluate(() => document.querySelector('[data-testid="adv-prediction"]')?.dataset.ms ?? '');
      await page.getByTestId('attack-run').click();
      // Done: Run enabled again, with a result that was not there before.
      await page.waitForFunction((before) => !document.querySelector('[data-testid="attack-run"]').disabled
        && (document.querySelector('[data-testid="adv-prediction"]')?.dataset.ms ?? before) !== before, before, { timeout: 120_000 });
      (times[method] ??= []).push(Number(await page.getByTestId('adv-prediction').getAttribute('data-ms')));
    }
    await page.getByTestId('compare-target').selectOption(target);
    const started = Date.now();
    await page.getByTestId('compare-run').click();
    await page.getByTestId('compare-table').waitFor({ timeout: 120_000 });
    (times.compare_all ??= []).push(Date.now() - started);
  }
  report.models[model] = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}
report.longest_task_ms = await longestBlock(page);
console.log(JSON.stringify(report, null, 1));
await browser.close();
server.close();
