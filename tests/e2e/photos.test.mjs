// End-to-end: the Photos panel (Figure 5 on EfficientNet-Lite0) in a real Chromium, on the CPU
// worker: nothing of it in the first load, a sample read right, PGD within 8/255 reaching
// ostrich, Stop, bad photos refused with the photo kept, and the page never blocked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { root, useApp, watchBlocking, longestBlock, shownBlock, PAGE_TASK_LIMIT_MS } from './harness.mjs';

const app = useApp();

/** A grey RGB PNG of `width`×`height` (a large one compresses to a few kB). */
function png(width, height) {
  const crcTable = [...Array(256).keys()].map((n) => {
    for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
    return n >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.alloc(1 + 3 * width, 128);
  row[0] = 0;
  const rows = Buffer.concat(Array(height).fill(row));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
const fetched = [];
const top5 = (testid) => app.page.getByTestId(testid).locator('li').evaluateAll(
  (els) => els.map((e) => ({ label: Number(e.dataset.label), value: Number(e.dataset.value) })));
/** Waits for the read to end (the photo's top-5 list, or an error, which fails the test with its
 *  words) and returns the list. */
async function classified(timeout = 120_000) {
  const lab = app.page.getByTestId('photo-lab');
  await lab.getByTestId('photo-top5').or(lab.getByTestId('error')).first().waitFor({ timeout });
  // (The message is read only when there is one: a locator's textContent waits for its element.)
  const error = lab.getByTestId('error');
  if (await error.count() > 0) assert.fail(await error.first().textContent());
  return top5('photo-top5');
}

test('nothing of the Photos panel loads until it is opened', async () => {
  const { page } = app;
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.waitForTimeout(500);
  // (Not the CPU worker: every digit panel computes there too, and the service worker stores it.)
  const early = fetched.filter((p) => p.includes('imagenet'));
  assert.deepEqual(early, [], 'the first load fetched photo files');
  await page.getByTestId('photo-open').click();
  // Ready once its class names are there: until then the photo buttons are disabled.
  await page.locator('[data-testid="photo-lab"][data-state="ready"]').waitFor({ timeout: 60_000 });
  assert.ok(await page.locator('[data-testid="photo-sample"][data-name="chelsea.png"]').isEnabled());
});

test('a sample photo is cut to 224×224 and read as what it is, with its top 5', async () => {
  const { page } = app;
  const started = Date.now();
  await watchBlocking(page);
  await page.locator('[data-testid="photo-sample"][data-name="chelsea.png"]').click();
  // Taken at once: the panel is busy (every photo button disabled) until the read ends.
  assert.ok(await page.locator('[data-testid="photo-sample"][data-name="coffee.png"]').isDisabled());
  const top = await classified();
  const blocked = await longestBlock(page);
  console.log(`# Photos: first classification (worker start, 9.3 MB model checked and loaded) ${Date.now() - started} ms; longest task ${shownBlock(blocked)}`);
  assert.equal(top.length, 5);
  // chelsea is a tabby cat: ImageNet's cats are classes 281–285.
  assert.ok(top[0].label >= 281 && top[0].label <= 285, JSON.stringify(top));
  assert.ok(top.every((t, i) => i === 0 || t.value <= top[i - 1].value), 'most probable first');
  const size = await page.getByTestId('photo-crop').evaluate((c) => [c.width, c.height]);
  assert.deepEqual(size, [224, 224]);
  assert.ok(page.workers().some((w) => w.url().includes('cpu_worker')), 'the CPU worker computed it');
  assert.ok(blocked < PAGE_TASK_LIMIT_MS, `the page was blocked for ${blocked} ms`);
});

test('PGD within 8/255 makes the photo an ostrich, shown as Figure 5 shows it', async () => {
  const { page } = app;
  assert.equal(await page.getByTestId('photo-target').inputValue(), '9 ostrich', 'ostrich preselected');
  await page.getByTestId('photo-method').selectOption('pgd');
  await page.getByTestId('photo-epsilon').selectOption('8');
  await watchBlocking(page);
  const started = Date.now();
  await page.getByTestId('photo-run').click();
  await page.getByTestId('photo-status').waitFor({ timeout: 10_000 });
  await page.getByTestId('photo-adv-top5').waitFor({ timeout: 120_000 });
  const ms = Date.now() - started;
  const blocked = await longestBlock(page);
  const after = await top5('photo-adv-top5');
  const rms = Number(await page.getByTestId('photo-rms').getAttribute('data-value'));
  const linf = Number(await page.getByTestId('photo-linf').getAttribute('data-value'));
  console.log(`# Photos: PGD-10 ε=8/255 on chelsea in ${ms} ms (CPU worker): ${JSON.stringify(after[0])}, RMS ${rms.toFixed(4)}, L∞ ${linf} levels; longest task ${shownBlock(blocked)}`);
  assert.equal(after[0].label, 9, `now read as ${JSON.stringify(after[0])}`);
  assert.ok(linf > 0 && linf <= 8 + 1e-3, `L∞ ${linf} levels`);
  assert.ok(rms > 0.001 && rms < 8 / 255, `RMS ${rms}`);
  assert.ok(blocked < PAGE_TASK_LIMIT_MS, `the page was blocked for ${blocked} ms`);
  assert.ok(ms < 60_000, `PGD took ${ms} ms`);
  const size = await page.getByTestId('photo-figure').evaluate((c) => [c.width, c.height]);
  assert.deepEqual(size, [3 * 224 + 16, 224], 'original | perturbation | adversarial');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('photo-download').click()]);
  assert.equal(download.suggestedFilename(), 'figure5.png');
});

test('axe-core finds no serious or critical WCAG 2.1 A/AA violation in the panel with a result', async () => {
  const { violations } = await new AxeBuilder({ page: app.page }).include('[data-testid="photo-panel"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  assert.deepEqual(bad, []);
});

test('Stop ends an L-BFGS attack on a photo with the best result so far', async () => {
  const { page } = app;
  await page.getByTestId('photo-method').selectOption('lbfgs');
  await page.getByTestId('photo-run').click();
  await page.getByTestId('photo-status').waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => /L-BFGS/.test(document.querySelector('[data-testid="photo-status"]')?.textContent ?? ''), null, { timeout: 60_000 });
  const t = Date.now();
  await page.getByTestId('photo-stop').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="photo-status"]'), null, { timeout: 30_000 });
  console.log(`# Photos: L-BFGS stopped in ${Date.now() - t} ms`);
  assert.ok(Date.now() - t < 15_000);
  await page.getByTestId('photo-adv-top5').waitFor();
  assert.equal(await page.getByTestId('photo-panel').getByTestId('error').count(), 0);
});

test('L-BFGS deals its search over c to two workers and reaches its target', async () => {
  const { page } = app;
  const box = page.getByTestId('photo-target');
  await box.fill('tiger cat'); // chelsea's second class: a short search
  await box.dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('[data-testid="photo-target"]').value === '282 tiger cat');
  await page.getByTestId('photo-method').selectOption('lbfgs');
  const started = Date.now();
  await page.getByTestId('photo-run').click();
  await page.getByTestId('photo-status').waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="photo-status"]'), null, { timeout: 120_000 });
  const after = await top5('photo-adv-top5');
  const rms = Number(await page.getByTestId('photo-rms').getAttribute('data-value'));
  const workers = page.workers().filter((w) => w.url().includes('cpu_worker')).length;
  console.log(`# Photos: L-BFGS towards tiger cat in ${Date.now() - started} ms on ${workers} CPU workers: ${JSON.stringify(after[0])}, RMS ${rms.toFixed(5)}`);
  assert.equal(await page.getByTestId('photo-panel').getByTestId('error').count(), 0);
  assert.equal(after[0].label, 282, `now read as ${JSON.stringify(after[0])}`);
  assert.ok(rms > 0 && rms < 0.01, `RMS ${rms}`);
  assert.ok(workers >= 2, `${workers} CPU workers`);
});

test('a target that names no class is refused and the one set stays', async () => {
  const { page } = app;
  const box = page.getByTestId('photo-target');
  await box.fill('unicorn');
  await box.dispatchEvent('change');
  await page.getByTestId('photo-panel').getByTestId('error').waitFor();
  assert.match(await page.getByTestId('photo-panel').getByTestId('error').textContent(), /unicorn/);
  await box.fill('coffee mug');
  await box.dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('[data-testid="photo-target"]').value === '504 coffee mug');
});

test('bad photos give an error and keep the photo shown', async () => {
  const { page } = app;
  const dir = await mkdtemp(join(tmpdir(), 'blindspot-photos-'));
  await writeFile(join(dir, 'empty.png'), '');
  await writeFile(join(dir, 'notes.txt'), 'not a picture');
  await writeFile(join(dir, 'huge.png'), png(6000, 4000)); // 24 megapixels
  const before = await top5('photo-top5');
  for (const [file, says] of [[root + 'tests/fixtures/corrupt.png', /corrupt\.png is not an image/], [join(dir, 'empty.png'), /empty\.png is empty/], [join(dir, 'notes.txt'), /notes\.txt is not an image/], [join(dir, 'huge.png'), /6000×4000, over the 20 megapixel limit/]]) {
    await page.getByTestId('photo-upload').setInputFiles(file);
    // The error before stays until this file's replaces it.
    await page.waitForFunction(([source]) => new RegExp(source).test(document.querySelector('[data-testid="photo-panel"] [data-testid="error"]')?.textContent ?? ''),
      [says.source], { timeout: 30_000 }).catch(() => {});
    assert.match(await page.getByTestId('photo-panel').getByTestId('error').textContent(), says, file);
    assert.deepEqual(await top5('photo-top5'), before, 'the photo shown stays');
  }
});

test('the Stability panel gives Table 5 for EfficientNet-Lite0, computed in the worker with progress', async () => {
  const { page } = app;
  const table = page.getByTestId('stability-imagenet');
  await watchBlocking(page);
  const started = Date.now();
  await table.getByTestId('stability-imagenet-run').click();
  await table.getByTestId('stability-product').waitFor({ timeout: 120_000 });
  const blocked = await longestBlock(page);
  const kinds = await table.getByTestId('stability-row').evaluateAll((els) => els.map((e) => e.dataset.kind));
  console.log(`# Stability: Table 5 on EfficientNet-Lite0 in ${Date.now() - started} ms (${kinds.length} rows); longest task ${shownBlock(blocked)}`);
  const count = (k) => kinds.filter((x) => x === k).length;
  assert.equal(count('depthwise+relu6'), 16);
  assert.equal(count('skip'), 9);
  assert.equal(count('avgpool'), 1);
  const product = Number(await table.getByTestId('stability-product').getAttribute('data-bound'));
  assert.ok(Number.isFinite(product) && product > 1, `network bound ${product}`);
  assert.ok(blocked < PAGE_TASK_LIMIT_MS, `the page was blocked for ${blocked} ms`);
});

test('an uploaded photo is read like a sample', async () => {
  const { page } = app;
  await page.getByTestId('photo-upload').setInputFiles(root + 'models/imagenet/samples/coffee.png');
  await page.waitForFunction(() => document.querySelector('[data-testid="photo-crop"]')?.getAttribute('aria-label')?.includes('coffee.png'));
  const top = await classified();
  assert.equal(top[0].label, 967, `coffee.png read as ${JSON.stringify(top[0])} (967 is espresso)`);
  assert.equal(await page.getByTestId('photo-panel').getByTestId('error').count(), 0, 'a good photo clears the error');
  assert.deepEqual(app.errors, []);
  assert.deepEqual(app.foreign, []);
});
