// End-to-end: the attacks after the paper in a real Chromium: the method menu and its links,
// and the Compare view (every minimal attack on one digit over the worker pool), embedded and
// on the full page, sorted, stopped, with the page never blocked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, waitLabel, watchBlocking, longestBlock, shownBlock, PAGE_TASK_LIMIT_MS } from './harness.mjs';
import { openPage } from './browser.mjs';

const app = useApp();
const METHODS = ['lbfgs', 'deepfool', 'cw', 'jsma'];
const open = (fragment) => openPage(app.browser, new URL(app.page.url()).origin + '/' + fragment);

/** Every Compare row's data attributes, in the table's order. */
const rows = (page) => page.getByTestId('compare-row').evaluateAll((els) => els.map((e) => ({ ...e.dataset })));

test('a link picks each new method and C&W\'s κ, and the menu says what each minimises', async () => {
  const { page, foreign, errors } = await open('#model=convnet&digit=0&method=cw&kappa=2.5&target=3');
  await waitLabel(page, 'prediction', 7);
  assert.equal(await page.getByTestId('attack-method').inputValue(), 'cw');
  assert.equal(await page.getByTestId('attack-kappa').inputValue(), '2.5');
  assert.match(await page.getByTestId('attack-method-line').textContent(), /Carlini/);
  for (const [method, says] of [['deepfool', /nearest boundary/], ['jsma', /pixels changed/]]) {
    await page.getByTestId('attack-method').selectOption(method);
    assert.match(await page.getByTestId('attack-method-line').textContent(), says);
    assert.match(new URL(page.url()).hash, new RegExp(`method=${method}`));
  }
  // JSMA on the page: the target reached with a few pixels changed.
  await page.getByTestId('attack-run').click();
  await waitLabel(page, 'adv-prediction', 3, 60_000);
  assert.deepEqual([foreign, errors], [[], []]);
  await page.close();
});

test('Compare embedded: every minimal attack reaches the target on a gallery digit, over the pool', async () => {
  const { page, foreign, errors } = await open('#model=convnet&digit=0&target=3&embed=compare');
  await waitLabel(page, 'prediction', 7);
  await watchBlocking(page);
  const started = Date.now();
  await page.getByTestId('compare-run').click();
  await page.getByTestId('compare-table').waitFor({ timeout: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  const blocked = await longestBlock(page);
  const found = await rows(page);
  console.log(`# Compare (convnet, digit 0 → 3): ${seconds.toFixed(2)} s click to table; ` +
    found.map((r) => `${r.method} ${r.ms} ms L2 ${Number(r.l2).toFixed(3)} L0 ${r.l0}`).join(', ') +
    `; longest task of the page ${shownBlock(blocked)}`);
  assert.deepEqual(found.map((r) => r.method), METHODS);
  for (const r of found) {
    assert.equal(r.reached, 'true', `${r.method} reached the target`);
    assert.equal(r.label, '3', r.method);
    for (const k of ['rms', 'l2', 'linf', 'ms']) assert.ok(Number(r[k]) > 0, `${r.method} ${k} ${r[k]}`);
    assert.ok(Number(r.l0) >= 1 && Number(r.l0) <= 784, `${r.method} l0 ${r.l0}`);
  }
  // JSMA changes the fewest pixels, the L2 attacks the smallest L2.
  const by = Object.fromEntries(found.map((r) => [r.method, r]));
  assert.ok(Number(by.jsma.l0) < Number(by.cw.l0), `${by.jsma.l0} vs ${by.cw.l0}`);
  assert.ok(Number(by.cw.l2) < Number(by.jsma.l2), `${by.cw.l2} vs ${by.jsma.l2}`);
  assert.ok(blocked < PAGE_TASK_LIMIT_MS, `the page was blocked for ${blocked} ms`);
  // The bar chart: four norms, a bar per method each.
  assert.equal(await page.getByTestId('compare-chart').locator('figure').count(), 4);
  assert.equal(await page.getByTestId('compare-chart').locator('rect').count(), 16);
  // Sorted by L0, then the other way.
  const l0 = page.getByRole('button', { name: 'L0', exact: true });
  await l0.click();
  const up = (await rows(page)).map((r) => Number(r.l0));
  assert.deepEqual(up, [...up].sort((a, b) => a - b));
  await l0.click();
  const down = (await rows(page)).map((r) => Number(r.l0));
  assert.deepEqual(down, [...up].reverse());
  assert.deepEqual([foreign, errors], [[], []]);
  await page.close();
});

test('Compare on the full page: untargeted, and Stop answers at once with what each had', async () => {
  const { page } = app;
  await page.getByTestId('model-select').selectOption('fc100-100-10');
  await page.getByTestId('gallery').locator('button.pick[data-index="1"]').click(); // a 2
  await waitLabel(page, 'prediction', 2);
  await page.getByTestId('compare-target').selectOption('untargeted');
  await page.getByTestId('compare-run').click();
  await page.getByTestId('compare-table').waitFor({ timeout: 120_000 });
  const found = await rows(page);
  assert.deepEqual(found.map((r) => r.method), METHODS);
  for (const r of found) {
    assert.equal(r.reached, 'true', r.method);
    assert.notEqual(r.label, '2', r.method);
  }
  // A target equal to the digit's label is refused with a clear message.
  await page.getByTestId('compare-target').selectOption('2');
  await page.getByTestId('compare-run').click();
  await page.getByText(/the target 2 is the digit's own label/).waitFor({ timeout: 10_000 });
  // Stop right after Run: the table comes back quickly.
  await page.getByTestId('compare-target').selectOption('5');
  await page.getByTestId('compare-run').click();
  const stopped = Date.now();
  await page.getByTestId('compare-stop').click();
  await page.getByTestId('compare-table').waitFor({ timeout: 20_000 });
  console.log(`# Compare stopped: table ${((Date.now() - stopped) / 1000).toFixed(2)} s after Stop`);
  assert.equal((await rows(page)).length, 4);
  assert.deepEqual([app.foreign, app.errors], [[], []]);
});
