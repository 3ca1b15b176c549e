// The first attack and the first photo after the page loads, against warm ones, in headless
// Chromium through the UI (BENCHMARKS.md, "ImageNet speed"): the page is left idle for a few
// seconds (a person looking at it), then L-BFGS towards label + 1 on the first gallery digit
// (fc100-100-10) four times, the first cold; then the Photos lab is opened, left idle likewise,
// and the sample photos read, the first of them cold. Wall times from the click to the
// result on screen. Run: node tests/e2e/bench-first.mjs [idle seconds, default 3] (JSON).
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';

const idle = Number(process.argv[2] ?? 3) * 1000;
const root = new URL('../../', import.meta.url).pathname;
const server = await serve(process.env.PKG ?? root + 'pkg');
const app = await openApp(server.url);
const { page } = app;
const waitLabel = (id, v, timeout = 120_000) =>
  page.waitForFunction(([id, v]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.label === v, [id, String(v)], { timeout });

await page.waitForTimeout(idle);
const attacks = [];
const pick = page.getByTestId('gallery').locator('button.pick[data-index="0"]');
const label = Number((await pick.getAttribute('title')).match(/label (\d)/)[1]);
await pick.click();
await waitLabel('prediction', label);
await page.getByTestId('attack-method').selectOption('lbfgs');
await page.getByTestId('attack-target').selectOption(String((label + 1) % 10));
for (let i = 0; i < 4; i++) {
  const before = await page.getByTestId('adv-prediction').getAttribute('data-ms').catch(() => null);
  const started = Date.now();
  await page.getByTestId('attack-run').click();
  await page.waitForFunction(([ms, t]) => {
    const shown = document.querySelector('[data-testid="adv-prediction"]');
    return shown && shown.dataset.ms !== ms && shown.dataset.label === t && !document.querySelector('[data-testid="attack-run"]').disabled;
  }, [before, String((label + 1) % 10)], { timeout: 120_000 });
  attacks.push(Date.now() - started);
}

await page.getByTestId('photo-open').click();
await page.waitForTimeout(idle);
const reads = [];
for (const name of ['chelsea.png', 'coffee.png', 'rocket.jpg']) {
  const started = Date.now();
  await page.locator(`[data-testid="photo-sample"][data-name="${name}"]`).click();
  await page.waitForFunction(([n]) => document.querySelector('[data-testid="photo-crop"]')?.getAttribute('aria-label').includes(n)
    && document.querySelector('[data-testid="photo-top5"] li'), [name], { timeout: 120_000 });
  reads.push(Date.now() - started);
}
/** The median of the warm runs (all but the first). */
const warm = (xs) => { const w = xs.slice(1).sort((a, b) => a - b); return (w[(w.length - 1) >> 1] + w[w.length >> 1]) / 2; };
console.log(JSON.stringify({
  idle_ms: idle,
  attack_ms: attacks, attack_first_over_warm: attacks[0] / warm(attacks),
  photo_read_ms: reads, photo_first_over_warm: reads[0] / warm(reads),
}));
await app.browser.close();
server.close();
