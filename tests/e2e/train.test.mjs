// End-to-end: the Train panel in a real Chromium. A short run of the convnet on 1,000 of
// MNIST's training digits (fetched, gunzipped and checked in the page) trains on the CPU
// workers: the loss chart fills batch by batch, the epoch's checkup and the plain convnet's
// reference appear, and the page is never blocked. Stop keeps the model so far; Resume goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, watchBlocking, longestBlock, shownBlock, PAGE_TASK_LIMIT_MS } from './harness.mjs';
import { openPage } from './browser.mjs';

const app = useApp();
const open = (fragment) => openPage(app.browser, new URL(app.page.url()).origin + '/' + fragment, { gallery: false });

const progress = (page) => page.getByTestId('train-progress').evaluate((p) => ({ ...p.dataset }));
const phase = (page, want, timeout) => page.waitForFunction((want) =>
  document.querySelector('[data-testid="train-progress"]')?.dataset.phase === want, want, { timeout });
const value = async (page, id) => Number(await page.getByTestId(id).getAttribute('data-value'));

/** Sets the panel's form: digits per epoch, epochs, defence. */
async function setUp(page, { digits, epochs, defence = 'fgsm' }) {
  await page.getByTestId('train-digits').selectOption(String(digits));
  await page.getByTestId('train-defence').selectOption(defence);
  await page.getByTestId('train-epochs').fill(String(epochs));
  await page.getByTestId('train-epochs').dispatchEvent('change');
}

test('train: a short run learns, its charts fill, and the page never blocks', async () => {
  const { page, foreign, errors } = await open('#embed=train');
  await setUp(page, { digits: 1000, epochs: 2, defence: 'none' });
  await watchBlocking(page);
  const started = Date.now();
  await page.getByTestId('train-start').click();
  await phase(page, 'finished', 240_000);
  const seconds = (Date.now() - started) / 1000;
  const block = await longestBlock(page);
  const p = await progress(page);
  const points = (id) => page.getByTestId(id).getAttribute('data-points').then(Number);
  const [clean, robust, rms] = [await value(page, 'train-clean'), await value(page, 'train-robust'), await value(page, 'train-rms')];
  console.log(`# train (convnet, no defence, 2 epochs of 1,000 digits): ${seconds.toFixed(1)} s in all, ` +
    `${p.msPerStep} ms a batch; clean ${clean}, PGD-20 ${robust}, RMS ${rms}; longest page task ${shownBlock(block)}`);
  assert.equal(p.step, '20');
  assert.equal(await points('train-chart-loss'), 20);
  assert.equal(await points('train-chart-clean'), 2);
  assert.ok(await page.getByTestId('train-chart-clean-reference').count(), 'the plain convnet is the reference line');
  assert.ok(clean > 0.5 && clean <= 1, `20 batches already read most digits: ${clean}`);
  assert.ok(robust >= 0 && robust <= clean, `robust ${robust}`);
  assert.ok(rms > 0 && rms < 1, `rms ${rms}`);
  assert.ok(block < PAGE_TASK_LIMIT_MS, `longest page task ${block} ms`);
  assert.deepEqual([foreign, errors], [[], []]);
  await page.close();
});

test('train: Stop keeps the run so far, and Resume goes on from it', async () => {
  const { page, errors } = await open('#embed=train');
  await setUp(page, { digits: 6000, epochs: 1, defence: 'none' });
  await page.getByTestId('train-start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-progress"]')?.dataset.step) >= 3, null, { timeout: 120_000 });
  await page.getByTestId('train-stop').click();
  await phase(page, 'stopped', 30_000);
  const at = Number((await progress(page)).step);
  assert.equal(await page.getByTestId('train-start').textContent(), 'Resume');
  await page.getByTestId('train-start').click();
  await page.waitForFunction((at) => Number(document.querySelector('[data-testid="train-progress"]')?.dataset.step) >= at + 3, at, { timeout: 60_000 });
  const losses = await page.getByTestId('train-chart-loss').getAttribute('data-points').then(Number);
  assert.ok(losses > at, `the loss chart went on from batch ${at}: ${losses} points`);
  await page.getByTestId('train-stop').click();
  await phase(page, 'stopped', 30_000);
  assert.deepEqual(errors, []);
  await page.close();
});
