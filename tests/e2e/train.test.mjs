// End-to-end: the Train panel in a real Chromium. A short run of the convnet on 1,000 of
// MNIST's training digits (fetched, gunzipped and checked in the workers) trains on the CPU
// workers: the loss chart fills batch by batch, the epoch's checkup and the plain convnet's
// reference appear, and the page is never blocked. Stop keeps the model so far; a bad setting is
// refused and keeps it too; Resume goes on.
// The model is kept as one of yours: it joins the model menu, survives a reload, downloads
// and uploads (a bad upload is refused and changes nothing), and the Units panel deals rows
// of its layers. An FGSM-trained convnet (one
// epoch of all 60,000 digits) needs a larger L-BFGS change than the plain convnet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useApp, watchBlocking, longestBlock, shownBlock, keptTensors, setTrainForm, PAGE_TASK_LIMIT_MS } from './harness.mjs';
import { openPage } from './browser.mjs';

const app = useApp();
const open = (fragment) => openPage(app.browser, new URL(app.page.url()).origin + '/' + fragment, { gallery: false });

const progress = (page) => page.getByTestId('train-progress').evaluate((p) => ({ ...p.dataset }));
const phase = (page, want, timeout) => page.waitForFunction((want) =>
  document.querySelector('[data-testid="train-progress"]')?.dataset.phase === want, want, { timeout });
const value = async (page, id) => Number(await page.getByTestId(id).getAttribute('data-value'));

/** Sets the panel's form: digits per epoch, epochs, defence. */
const setUp = (page, { digits, epochs, defence = 'fgsm' }) => setTrainForm(page, { digits, epochs, defence });

test('train: a short run with the paper\'s pool learns, its charts fill, and the page never blocks', async () => {
  const { page, foreign, errors } = await open('#embed=train');
  // Before epoch 2, 17 digits (1,000 / 60) are attacked with L-BFGS; the successes join it.
  await setUp(page, { digits: 1000, epochs: 2, defence: 'pool' });
  await watchBlocking(page);
  const started = Date.now();
  await page.getByTestId('train-start').click();
  await phase(page, 'finished', 240_000);
  const seconds = (Date.now() - started) / 1000;
  const block = await longestBlock(page);
  const p = await progress(page);
  const points = (id) => page.getByTestId(id).getAttribute('data-points').then(Number);
  const [clean, robust, rms] = [await value(page, 'train-clean'), await value(page, 'train-robust'), await value(page, 'train-rms')];
  console.log(`# train (convnet, the paper's pool, 2 epochs of 1,000 digits): ${seconds.toFixed(1)} s in all, ` +
    `${p.step} batches, ${p.msPerStep} ms a batch; clean ${clean}, PGD-20 ${robust}, RMS ${rms}; longest page task ${shownBlock(block)}`);
  assert.equal(p.step, '21', '10 batches, then 11 with the pool\'s examples');
  assert.equal(p.steps, p.step);
  assert.equal(await points('train-chart-loss'), Number(p.step));
  assert.equal(await page.getByTestId('train-kept').getAttribute('data-name'), 'yours-convnet-pool-seed1-1000digits');
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
  // A setting no run takes is refused with why, and the stopped run stays.
  await page.getByTestId('train-epochs').fill('99');
  await page.getByTestId('train-epochs').dispatchEvent('change');
  assert.match(await page.getByTestId('train-refused').textContent(), /epochs must be 1 to 20, not 99/);
  assert.equal(await page.getByTestId('train-start').textContent(), 'Resume');
  assert.equal(Number((await progress(page)).step), at);
  await page.getByTestId('train-start').click();
  await page.waitForFunction((at) => Number(document.querySelector('[data-testid="train-progress"]')?.dataset.step) >= at + 3, at, { timeout: 60_000 });
  const losses = await page.getByTestId('train-chart-loss').getAttribute('data-points').then(Number);
  assert.ok(losses > at, `the loss chart went on from batch ${at}: ${losses} points`);
  await page.getByTestId('train-stop').click();
  await phase(page, 'stopped', 30_000);
  assert.deepEqual(errors, []);
  await page.close();
});

/** Trains `course` (as `setUp` takes it) to its end; the name its model is kept under. */
async function trainAndKeep(page, course, timeout) {
  await setUp(page, course);
  await page.getByTestId('train-start').click();
  await phase(page, 'finished', timeout);
  return page.getByTestId('train-kept').getAttribute('data-name', { timeout: 120_000 });
}

/** Waits until the model menu offers `name`. */
const listed = (page, name) => page.waitForFunction((n) =>
  [...document.querySelectorAll('[data-testid="model-select"] option')].some((o) => o.value === n), name);

/** The values of the model menu's options. */
const menu = (page) => page.getByTestId('model-select').locator('option').evaluateAll((os) => os.map((o) => o.value));

test('train: the model is kept as yours, joins the menu, survives a reload, downloads and uploads', async () => {
  const { page, errors } = await open('#embed=train');
  const name = await trainAndKeep(page, { digits: 1000, epochs: 1, defence: 'fgsm' }, 240_000);
  assert.equal(name, 'yours-convnet-fgsm-eps10-seed1-1000digits');
  await listed(page, name);
  const title = await page.locator(`[data-testid="model-select"] option[value="${name}"]`).textContent();
  assert.equal(title, 'yours: convnet, FGSM, random start ε=0.1, 1 epoch');
  // Its two files, as the zoo keeps a model.
  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByTestId('train-download').click();
  for (let waited = 0; downloads.length < 2 && waited < 100; waited++) await page.waitForTimeout(100);
  assert.equal(downloads.length, 2);
  const dir = await mkdtemp(join(tmpdir(), 'blindspot-yours-'));
  const saved = {};
  for (const d of downloads) {
    saved[d.suggestedFilename()] = join(dir, d.suggestedFilename());
    await d.saveAs(saved[d.suggestedFilename()]);
  }
  const card = JSON.parse(await readFile(saved[`${name}.json`], 'utf8'));
  assert.equal(card.name, name);
  assert.equal(card.epochs, 1);
  assert.ok(card.test_error > 0 && card.test_error < 1 && card.slice_error > 0, `errors ${card.test_error} ${card.slice_error}`);
  // A reload: the menu lists it again (read from the browser's storage).
  await page.reload();
  await listed(page, name);
  const before = await menu(page);
  // A bad upload (weights cut short, the card's sha256 kept) is refused and changes nothing.
  const weights = await readFile(saved[`${name}.safetensors`]);
  const cut = join(dir, 'cut.safetensors');
  await writeFile(cut, weights.subarray(0, weights.length >> 1));
  await page.getByTestId('train-upload').setInputFiles([saved[`${name}.json`], cut]);
  const refused = await page.getByTestId('train-refused').textContent();
  assert.match(refused, /sha256/);
  await page.getByTestId('train-upload').setInputFiles([cut]);
  assert.match(await page.getByTestId('train-refused').textContent(), /two files together/);
  assert.deepEqual(await menu(page), before);
  // The downloaded files upload again.
  await page.getByTestId('train-upload').setInputFiles([saved[`${name}.json`], saved[`${name}.safetensors`]]);
  assert.equal(await page.getByTestId('train-uploaded').getAttribute('data-name'), name);
  assert.deepEqual(await menu(page), before);
  // The Units panel probes it with its architecture's layers.
  await page.goto('about:blank');
  await page.goto(`${new URL(app.page.url()).origin}/#embed=units`);
  await page.waitForFunction((n) =>
    [...document.querySelectorAll('[data-testid="units-model"] option')].some((o) => o.value === n), name);
  await page.getByTestId('units-model').selectOption(name);
  await page.getByTestId('units-layer').selectOption('dense');
  await page.getByTestId('units-deal').click();
  await page.getByTestId('units-reveal').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('units-row').count(), 6);
  console.log(`# yours: ${name} kept, listed after a reload, downloaded (card: test error ${card.test_error}), refused cut, uploaded again, dealt in Units`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('train: one epoch of FGSM training makes L-BFGS need a larger change than on the plain convnet', async () => {
  const { page, errors } = await open('#embed=train');
  const name = await trainAndKeep(page, { digits: 60000, epochs: 1, defence: 'fgsm' }, 420_000);
  const rms = await page.getByTestId('train-rms').getAttribute('data-value');
  // In the same browser context: the model is kept in its storage.
  const attacked = async (model) => {
    await page.goto('about:blank');
    await page.goto(`${new URL(app.page.url()).origin}/#model=${model}&digit=0&method=lbfgs&target=3&autorun=1`);
    await page.waitForFunction(() => document.querySelector('[data-testid="adv-prediction"]')?.dataset.label, null, { timeout: 120_000 });
    return { label: await page.getByTestId('adv-prediction').getAttribute('data-label'),
      rms: Number(await page.getByTestId('distortion').getAttribute('data-value')) };
  };
  const [yours, plain] = [await attacked(name), await attacked('convnet')];
  console.log(`# yours vs plain (gallery digit 0 → 3, L-BFGS): ${name} RMS ${yours.rms.toFixed(4)}, convnet ${plain.rms.toFixed(4)}; its checkup's mean RMS ${rms}`);
  assert.deepEqual([yours.label, plain.label], ['3', '3']);
  assert.ok(yours.rms > plain.rms, `${yours.rms} vs ${plain.rms}`);
  assert.deepEqual(errors, []);
  await page.close();
});

// The L2 course: its random starts and projections run per shard on whichever worker holds it.
test('train: 1 and 2 workers train the same weights at the same seed (PGD-7 in L2)', async () => {
  const tensors = [];
  for (const cores of [2, 1]) {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    await page.addInitScript((k) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => k }), cores);
    await page.goto(`${new URL(app.page.url()).origin}/#embed=train`);
    const name = await trainAndKeep(page, { digits: 1000, epochs: 1, defence: 'pgd-l2' }, 240_000);
    assert.equal(name, 'yours-convnet-pgd-l2-eps10-seed1-1000digits');
    tensors.push(await keptTensors(page, name));
    await context.close();
  }
  assert.equal(tensors[0], tensors[1]);
});
