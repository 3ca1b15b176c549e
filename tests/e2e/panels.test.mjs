// End-to-end: the experiment panels (Transfer, Reproduce, Units, Stability) in a real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { root, useApp, waitLabel, watchBlocking, longestBlock, shownBlock, PAGE_TASK_LIMIT_MS } from './harness.mjs';

const app = useApp();
const cells = (testid, attr) => app.page.getByTestId(testid).evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attr);

test('the watch on the page sees a task that blocks it for longer than the limit', async () => {
  const { page } = app;
  await watchBlocking(page);
  // A task of the page's own (Playwright's evaluate itself does not run as one).
  const busy = PAGE_TASK_LIMIT_MS + 20;
  await page.evaluate((busy) => new Promise((done) => setTimeout(() => {
    const end = performance.now() + busy;
    while (performance.now() < end);
    done();
  }, 0)), busy);
  const blocked = await longestBlock(page);
  assert.ok(blocked >= PAGE_TASK_LIMIT_MS && blocked < 3000, `saw ${blocked} ms`);
});

test('Transfer runs the adversarial example and its Gaussian twin through every zoo model', async () => {
  const { page } = app;
  await page.getByTestId('model-select').selectOption('fc100-100-10');
  await page.getByTestId('gallery').locator('button.pick[data-index="0"]').click(); // a 7
  await waitLabel(page, 'prediction', 7);
  await page.getByTestId('attack-method').selectOption('lbfgs');
  await page.getByTestId('attack-target').selectOption('3');
  await page.getByTestId('attack-run').click();
  await waitLabel(page, 'adv-prediction', 3, 120_000);
  await page.getByTestId('transfer-run').click();
  await page.getByTestId('transfer-table').waitFor({ timeout: 60_000 });
  const models = await cells('transfer-row', 'data-model');
  const options = await page.getByTestId('model-select').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(models, options, 'one row per zoo model');
  const adversarial = await cells('transfer-row', 'data-adversarial');
  assert.equal(adversarial[models.indexOf('fc100-100-10')], '3', 'the attacked model says the target');
  const twin = await cells('transfer-row', 'data-twin');
  const sevens = twin.filter((l) => l === '7').length;
  assert.ok(sevens >= models.length - 1, `the twin stays a 7 for ${sevens} of ${models.length} models`);
});

test('Reproduce fills Table 1 and the Table 2 heat map for N gallery digits', async () => {
  const { page } = app;
  await page.getByTestId('reproduce-n').fill('3');
  await page.getByTestId('reproduce-n').dispatchEvent('change');
  await watchBlocking(page);
  await page.getByTestId('reproduce-run').click();
  await page.getByTestId('reproduce-progress').waitFor({ timeout: 10_000 });
  await page.getByTestId('reproduce-results').waitFor({ timeout: 240_000 });
  const blocked = await longestBlock(page);
  console.log(`# Reproduce (6 models, 3 digits): longest task of the page ${shownBlock(blocked)}`);
  assert.ok(blocked < PAGE_TASK_LIMIT_MS, `the page was blocked for ${blocked} ms`);
  const rms = (await cells('table1-row', 'data-rms')).map(Number);
  assert.equal(rms.length, 6);
  assert.ok(rms.every((r) => r > 0.005 && r < 0.3), rms.join());
  const heat = await page.getByTestId('table2-cell').allTextContents();
  assert.equal(heat.length, 36);
  // The diagonal: every model is wrong on all of its own (successful) adversarial examples.
  for (let i = 0; i < 6; i++) assert.match(heat[i * 6 + i], /^100%/, `diagonal ${i}: ${heat[i * 6 + i]}`);
});

test('Reproduce stops when asked and shows what it finished', async () => {
  const { page } = app;
  await page.getByTestId('reproduce-n').fill('100');
  await page.getByTestId('reproduce-n').dispatchEvent('change');
  await watchBlocking(page);
  await page.getByTestId('reproduce-run').click();
  await page.getByTestId('reproduce-progress').waitFor({ timeout: 10_000 });
  await page.waitForTimeout(1500); // into the batch of 100 problems
  const t = Date.now();
  await page.getByTestId('reproduce-stop').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="reproduce-results"]')?.dataset.stopped === 'true', null, { timeout: 30_000 });
  const blocked = await longestBlock(page);
  console.log(`# Reproduce (batch of 100) stopped in ${Date.now() - t} ms; longest task ${shownBlock(blocked)}`);
  assert.ok(blocked < PAGE_TASK_LIMIT_MS, `the page was blocked for ${blocked} ms`);
  assert.ok(Date.now() - t < 5000);
});

test('an attack and a Reproduce run share the workers, and each Stop stops only its own run', async () => {
  const { page } = app;
  const enabled = (id) => page.waitForFunction((id) => !document.querySelector(`[data-testid="${id}"]`).disabled, id, { timeout: 120_000 });
  const reproduce = async (n) => {
    await page.getByTestId('reproduce-only').check();
    await page.getByTestId('reproduce-n').fill(String(n));
    await page.getByTestId('reproduce-n').dispatchEvent('change');
    await page.getByTestId('reproduce-run').click();
    await page.getByTestId('reproduce-progress').waitFor({ timeout: 10_000 });
  };
  const reproduced = async () => {
    await page.waitForFunction(() => !document.querySelector('[data-testid="reproduce-progress"]'), null, { timeout: 240_000 });
    return page.getByTestId('reproduce-results').getAttribute('data-stopped');
  };
  const untargeted = async (model) => {
    await page.getByTestId('model-select').selectOption(model);
    await page.getByTestId('gallery').locator('button.pick[data-index="0"]').click();
    await waitLabel(page, 'prediction', 7);
    await page.getByTestId('attack-method').selectOption('lbfgs');
    await page.getByTestId('attack-target').selectOption('untargeted');
    await page.getByTestId('attack-run').click();
  };
  const distortion = () => page.getByTestId('distortion').getAttribute('data-value');
  // The convnet's untargeted attack alone, then again with a Reproduce run started and stopped
  // while it runs: the attack gives what it gives alone.
  await untargeted('convnet');
  await enabled('attack-run');
  const alone = await distortion();
  await untargeted('convnet');
  await reproduce(100);
  await page.getByTestId('reproduce-stop').click();
  assert.equal(await reproduced(), 'true', 'Reproduce stopped');
  await enabled('attack-run');
  assert.equal(await distortion(), alone, "Reproduce's Stop left the attack going");
  // An attack stopped while a Reproduce run goes on: Reproduce finishes every digit.
  await page.getByTestId('model-select').selectOption('fc100-100-10');
  await reproduce(100);
  await untargeted('fc100-100-10');
  await page.getByTestId('attack-stop').click();
  await enabled('attack-run');
  assert.equal(await reproduced(), 'false', "the attack's Stop left Reproduce going");
  assert.equal(await page.getByTestId('table1-row').first().getAttribute('data-succeeded'), '100');
});

test('Reproduce on a pool of CPU workers gives one worker\'s results, and a lost worker is replaced', async () => {
  const { page } = app;
  let started = 0;
  page.on('worker', (w) => { if (w.url().includes('cpu_worker')) started++; });
  const cores = (k) => page.evaluate((k) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => k, configurable: true }), k);
  await page.getByTestId('model-select').selectOption('fc100-100-10');
  await page.getByTestId('reproduce-only').check();
  await page.getByTestId('reproduce-n').fill('150'); // batches of 100 and 50
  await page.getByTestId('reproduce-n').dispatchEvent('change');
  const run = async (kill) => {
    await page.getByTestId('reproduce-run').click();
    await page.getByTestId('reproduce-progress').waitFor({ timeout: 10_000 });
    if (kill) {
      // Every worker reports itself lost while at least one computes (the message its loader sends when
      // its device or wasm fails): the page drops it, starts another and reruns its batch.
      await page.waitForFunction(() => / of 150 /.test(document.querySelector('[data-testid="reproduce-panel"] .busy')?.textContent ?? ''), null, { timeout: 60_000 });
      for (const w of page.workers().filter((w) => w.url().includes('cpu_worker'))) {
        await w.evaluate(() => self.postMessage({ lost: 'lost, as the test says' }));
      }
    }
    await page.waitForFunction(() => !document.querySelector('[data-testid="reproduce-progress"]'), null, { timeout: 240_000 });
    const row = page.getByTestId('table1-row').first();
    return { rms: await row.getAttribute('data-rms'), ok: await row.getAttribute('data-succeeded'),
      table2: await page.getByTestId('table2-cell').allTextContents() };
  };
  await cores(1);
  const one = await run(false);
  await cores(2);
  const two = await run(false);
  const workers = page.workers().filter((w) => w.url().includes('cpu_worker')).length;
  const before = started;
  const killed = await run(true);
  console.log(`# Reproduce, fc100-100-10, 150 digits: RMS ${one.rms} on 1 worker, ${two.rms} on ${workers}, ${killed.rms} with one lost; ${one.ok} reached`);
  assert.equal(workers, 2, 'two CPU workers for two cores');
  assert.deepEqual(two, one, 'two workers give one worker\'s Table 1 and Table 2');
  assert.ok(started - before >= 1, `${started - before} workers started in place of the lost ones`);
  assert.deepEqual(killed, one, 'the lost worker\'s batch is rerun');
  assert.equal(one.ok, '150');
});

test('Units deals shuffled rows of units and random directions, then reveals them', async () => {
  const { page } = app;
  await page.getByTestId('units-model').selectOption('convnet');
  await page.getByTestId('units-layer').selectOption('dense');
  await watchBlocking(page);
  await page.getByTestId('units-deal').click();
  await page.getByTestId('units-reveal').waitFor({ timeout: 60_000 });
  const blocked = await longestBlock(page);
  console.log(`# Units deal (convnet features of 1,000 digits): longest task ${shownBlock(blocked)}`);
  assert.ok(blocked < PAGE_TASK_LIMIT_MS, `the page was blocked for ${blocked} ms`);
  const rows = page.getByTestId('units-row');
  assert.equal(await rows.count(), 6);
  for (let i = 0; i < 6; i++) assert.equal(await rows.nth(i).locator('canvas').count(), 10);
  assert.deepEqual(await cells('units-row', 'data-kind'), [null, null, null, null, null, null], 'hidden before the reveal');
  const guesses = page.getByTestId('units-guess');
  for (let i = 0; i < 6; i++) await guesses.nth(i).selectOption('unit');
  await page.getByTestId('units-reveal').click();
  const kinds = await cells('units-row', 'data-kind');
  assert.deepEqual([...kinds].sort(), ['random', 'random', 'random', 'unit', 'unit', 'unit']);
  assert.equal(await page.getByTestId('units-score').getAttribute('data-right'), '3', 'all-"unit" guesses get the 3 units right');
});

test('a Units deal split over two workers shows what one worker deals', async () => {
  const { page } = app;
  // Each deal after a reload is round 1; the pool splits the gallery into a slice per core.
  const deal = async (k) => {
    await page.reload();
    await page.getByTestId('gallery').locator('button.pick').first().waitFor({ timeout: 60_000 });
    await page.evaluate((k) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => k, configurable: true }), k);
    await page.getByTestId('units-model').selectOption('convnet');
    await page.getByTestId('units-layer').selectOption('conv');
    await page.getByTestId('units-deal').click();
    await page.getByTestId('units-reveal').waitFor({ timeout: 60_000 });
    await page.getByTestId('units-reveal').click();
    return { top: await cells('units-row', 'data-top'), kind: await cells('units-row', 'data-kind') };
  };
  const one = await deal(1);
  const two = await deal(2);
  assert.equal(one.top.length, 6);
  assert.ok(one.top.every((t) => t.split(',').length === 10), JSON.stringify(one.top));
  assert.deepEqual(two, one, 'two workers deal the same rows, digits and kinds as one');
});

test('Stability shows the per-layer bounds the CLI computes', async () => {
  const { page } = app;
  await page.getByTestId('model-select').selectOption('fc10-1');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="stability-row"]').length === 1, null, { timeout: 30_000 });
  await watchBlocking(page);
  await page.getByTestId('model-select').selectOption('convnet');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="stability-row"]').length === 6, null, { timeout: 30_000 });
  const blocked = await longestBlock(page);
  console.log(`# Stability of the convnet: longest task ${shownBlock(blocked)}`);
  assert.ok(blocked < PAGE_TASK_LIMIT_MS, `the page was blocked for ${blocked} ms`);
  const layers = await cells('stability-row', 'data-layer');
  assert.deepEqual(layers, ['conv1', 'pool1', 'conv2', 'pool2', 'fc1', 'fc2']);
  const bounds = (await cells('stability-row', 'data-bound')).map(Number);
  const product = Number(await page.getByTestId('stability-product').getAttribute('data-bound'));
  const multiplied = bounds.reduce((a, b) => a * b, 1);
  assert.ok(Math.abs(product - multiplied) <= 1e-4 * product, `${product} vs ${multiplied}`);
  const cli = JSON.parse(execFileSync(root + 'target/release/blindspot', ['lipschitz', 'convnet', '--json'], { cwd: root }));
  assert.ok(Math.abs(cli.at(-1).bound - product) <= 1e-3 * product, `CLI ${cli.at(-1).bound} vs browser ${product}`);
});

test('the panels threw nothing and fetched nothing from outside', async () => {
  assert.deepEqual(app.foreign, []);
  assert.deepEqual(app.errors, []);
});
