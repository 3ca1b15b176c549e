// The state is the link: every key read from the fragment, written back as the page changes,
// the same attack result from a link on the CPU, bad values refused with a notice, Share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, waitLabel } from './harness.mjs';
import { openPage } from './browser.mjs';

const app = useApp();
const hashOf = (page) => new URL(page.url()).hash;
const attr = (page, id, name) => page.getByTestId(id).getAttribute(name);
const probabilities = (page) => Promise.all([...Array(10).keys()].map((d) => attr(page, `prob-${d}`, 'data-value')));

/** A new tab on the app's address with `fragment`. */
async function open(fragment) {
  const tab = await openPage(app.browser, new URL(app.page.url()).origin + '/' + fragment);
  return tab;
}

test('a link sets every control, runs its attack, and the page writes the same link back', async () => {
  const link = '#model=fc100-100-10&digit=0&method=lbfgs&target=3&eps=0.2&gain=20&backend=cpu&autorun=1&theme=dark';
  const { page, foreign, errors } = await open(link);
  await waitLabel(page, 'adv-prediction', 3, 120_000);
  assert.equal(await page.getByTestId('model-select').inputValue(), 'fc100-100-10');
  assert.equal(await page.getByTestId('attack-method').inputValue(), 'lbfgs');
  assert.equal(await page.getByTestId('attack-target').inputValue(), '3');
  assert.equal(await page.getByTestId('noise-gain').inputValue(), '20');
  assert.equal(await page.getByTestId('backend').textContent(), 'CPU');
  assert.equal(await page.getByTestId('theme-select').inputValue(), 'dark');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).colorScheme), 'dark');
  assert.equal(await attr(page, 'prediction', 'data-label'), '7'); // gallery digit 0 is a 7
  // Written back as read, less autorun (a shared state does not run by itself).
  assert.equal(hashOf(page), link.replace('&autorun=1', ''));
  const rms = await attr(page, 'distortion', 'data-value');
  // The same link in another tab: the same attack, to the last printed digit, on the CPU.
  const again = await open(link);
  await waitLabel(again.page, 'adv-prediction', 3, 120_000);
  assert.equal(await attr(again.page, 'distortion', 'data-value'), rms);
  assert.deepEqual([foreign, errors, again.foreign, again.errors], [[], [], [], []]);
  await page.close();
  await again.page.close();
});

test('changes are written to the link in place, and a drawn digit travels as ink', async () => {
  const { page } = await open('#model=convnet');
  await page.getByTestId('attack-method').selectOption('pgd');
  await page.getByTestId('attack-epsilon').fill('0.15');
  await page.getByTestId('attack-epsilon').dispatchEvent('change');
  await page.getByTestId('attack-target').selectOption('untargeted');
  await page.getByTestId('upload').setInputFiles(new URL('../fixtures/seven-photo.png', import.meta.url).pathname);
  await waitLabel(page, 'prediction', 7);
  const history = await page.evaluate(() => history.length);
  await page.waitForFunction(() => location.hash.includes('ink='));
  const hash = hashOf(page);
  assert.match(hash, /^#model=convnet&ink=[A-Za-z0-9_-]{1046}&method=pgd&target=untargeted&eps=0\.15&gain=10$/);
  assert.equal(await page.evaluate(() => history.length), history, 'no history entry per change');
  // The drawn input, read back in a new tab, is the same 28×28: the same probabilities.
  const copy = await open(hash);
  await waitLabel(copy.page, 'prediction', 7);
  assert.deepEqual(await probabilities(copy.page), await probabilities(page));
  assert.equal(await copy.page.getByTestId('attack-method').inputValue(), 'pgd');
  assert.equal(await copy.page.getByTestId('attack-epsilon').inputValue(), '0.15');
  await page.close();
  await copy.page.close();
});

test('bad values fall back to their defaults with a notice, never markup or a request', async () => {
  const { page } = app;
  const hostile = [
    ['model=resnet50', /model=resnet50 is not a model/],
    ['digit=99999', /not a gallery digit/],
    ['ink=AAAA', /not 784 pixels/],
    ['gain=abc', /gain=abc is not a number/],
    ['method=boundary', /method=boundary is not one of lbfgs, fgsm, pgd, deepfool, cw, jsma/],
    ['method=cw&kappa=-1', /kappa=-1 is not a number/],
    ['target=<img src=x onerror=window.pwned=1>', /target=<img src=x onerror=.* is not a digit/],
    ['model=%3Cscript%3Ealert(1)%3C%2Fscript%3E', /is not a model/],
    ['backend=tpu&eps=-1', /backend=tpu.*eps=-1/],
    ['theme=sepia', /theme=sepia is not auto, light or dark/],
  ];
  for (const [fragment, notice] of hostile) {
    await page.evaluate((f) => { location.hash = f; }, fragment);
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''),
      notice.source, { timeout: 10_000 });
    await page.getByTestId('notice').locator('button').click();
  }
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.locator('main img, main script').count(), 0);
  assert.equal(await page.getByTestId('model-select').inputValue(), 'convnet');
  assert.deepEqual([app.foreign, app.errors], [[], []]);
  // A fragment of 1 MB is refused whole, and the page works.
  const huge = await open('#model=fc10-1&' + 'x'.repeat(1 << 20));
  await huge.page.getByTestId('notice').waitFor();
  assert.match(await huge.page.getByTestId('notice').textContent(), /1024 kB long/);
  assert.equal(await huge.page.getByTestId('model-select').inputValue(), 'convnet');
  await huge.page.getByTestId('gallery').locator('button.pick[data-index="1"]').click();
  await waitLabel(huge.page, 'prediction', 2);
  assert.deepEqual([huge.foreign, huge.errors], [[], []]);
  await huge.page.close();
});

test('Share shows the link of the current state, copied or ready to copy', async () => {
  const { page } = app;
  await page.getByTestId('gallery').locator('button.pick[data-index="4"]').click();
  await page.waitForFunction(() => location.hash.includes('digit=4'));
  await page.getByTestId('share').click();
  await page.getByTestId('share-text').waitFor();
  assert.equal(await page.getByTestId('share-text').inputValue(), page.url());
  assert.match(await page.getByTestId('share-status').textContent(), /Copied|Copy the link/);
});

test('the contents list every view in the lecture\'s order; each goes there and into the link', async () => {
  const { page, errors } = await open('#model=fc100-100-10&digit=1');
  const names = await page.locator('nav.contents [data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.dataset.testid.slice(4)));
  assert.deepEqual(names, ['attack', 'transfer', 'reproduce', 'units', 'stability', 'photos', 'compare', 'hand', 'quiz', 'train']);
  // The panels stand in the same order on the page.
  const tops = await page.evaluate((ids) => ids.map((id) => document.getElementById(`view-${id}`)?.getBoundingClientRect().top ?? null),
    names.filter((n) => n !== 'transfer')); // Transfer shows once an attack has a result
  assert.ok(tops.every((t, i) => t !== null && (i === 0 || t > tops[i - 1])), `tops ${tops}`);
  const top = (id) => page.evaluate((id) => Math.round(document.getElementById(`view-${id}`).getBoundingClientRect().top), id);
  await page.getByTestId('nav-hand').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => Math.abs(document.getElementById('view-hand').getBoundingClientRect().top) < 2);
  assert.match(hashOf(page), /&view=hand/);
  assert.equal(await page.getByTestId('nav-hand').getAttribute('aria-current'), 'true');
  // A link with view= opens there.
  const again = await open('#model=fc100-100-10&digit=1&view=units');
  await again.page.waitForFunction(() => Math.abs(document.getElementById('view-units').getBoundingClientRect().top) < 2, null, { timeout: 10_000 });
  assert.ok(Math.abs(await top('hand')) < 2);
  assert.deepEqual([errors, again.errors], [[], []]);
  await page.close();
  await again.page.close();
});
