// End-to-end: the by-hand view in a real Chromium: a scripted brush (mouse) that makes the
// convnet read the target on a gallery digit, compared with L-BFGS; Undo and Reset; the
// keyboard; and links that restore the change on a gallery digit and on a drawn one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, waitLabel, watchBlocking, longestBlock, shownBlock, PAGE_TASK_LIMIT_MS, paintRows, HAND_BAR, drawSeven } from './harness.mjs';
import { openPage } from './browser.mjs';
import AxeBuilder from '@axe-core/playwright';

const app = useApp();
const open = (fragment) => openPage(app.browser, new URL(app.page.url()).origin + '/' + fragment);
const value = async (page, id) => page.getByTestId(id).getAttribute('data-value');
/** Waits until `id`'s `data-<key>` is `expected` (the page renders after the event). */
const settled = (page, id, expected, key = 'value') => page.waitForFunction(([id, key, v]) =>
  document.querySelector(`[data-testid="${id}"]`)?.dataset[key] === v, [id, key, String(expected)], { timeout: 10_000 });
const reached = (page, timeout) => page.waitForFunction(
  () => document.querySelector('[data-testid="hand-reached"]')?.dataset.value === 'true', null, { timeout });

test('by hand: a brushed bar makes the convnet read the target, beside L-BFGS\'s smaller change', async () => {
  const { digit, label, target, rows, from, to } = HAND_BAR;
  const { page, foreign, errors } = await open(`#embed=hand&model=convnet&digit=${digit}&target=${target}`);
  await waitLabel(page, 'prediction', label);
  assert.equal(await value(page, 'hand-reached'), 'false');
  await page.getByTestId('hand-canvas').scrollIntoViewIfNeeded();
  const box = await page.getByTestId('hand-canvas').boundingBox();
  await watchBlocking(page);
  let passes = 0;
  for (; passes < 8; passes++) {
    await paintRows(page.mouse, box, rows, from, to);
    if (await reached(page, 2000).then(() => true, () => false)) break;
  }
  const blocked = await longestBlock(page);
  assert.ok(passes < 8, 'the target was reached within 8 passes');
  const rms = Number(await value(page, 'hand-rms'));
  const l0 = Number(await value(page, 'hand-l0'));
  assert.ok(l0 >= 10 && l0 <= (to - from + 1) * rows.length, `pixels changed: ${l0}`);
  assert.equal(await page.getByTestId(`hand-prob-${target}`).evaluate((e) => e.classList.contains('best')), true);
  // L-BFGS's smallest change for the same digit, model and target, beside the student's.
  const compare = page.getByTestId('hand-compare');
  await page.waitForFunction(() => document.querySelector('[data-testid="hand-compare"]')?.dataset.lbfgsRms, null, { timeout: 60_000 });
  const lbfgs = Number(await compare.getAttribute('data-lbfgs-rms'));
  assert.equal(await compare.getAttribute('data-lbfgs-reached'), 'true');
  assert.ok(lbfgs > 0 && lbfgs < rms, `L-BFGS RMS ${lbfgs} against the hand's ${rms}`);
  assert.match(await compare.textContent(), /Yours: RMS .*L-BFGS: RMS/);
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.deepEqual(violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), [],
    'reached, beside L-BFGS');
  console.log(`# by hand (convnet, digit ${digit} → ${target}): ${passes + 1} passes, RMS ${rms.toFixed(3)}, ` +
    `${l0} pixels; L-BFGS RMS ${lbfgs.toFixed(3)}; longest task of the page ${shownBlock(blocked)}`);
  assert.ok(blocked < PAGE_TASK_LIMIT_MS, `the page was blocked for ${blocked} ms`);
  // The link carries the digit and the change: opened again, the same change, reached.
  const hash = new URL(page.url()).hash;
  assert.match(hash, new RegExp(`digit=${digit}&ink=[A-Za-z0-9_-]{1046}&`));
  const again = await open(hash);
  await reached(again.page, 60_000);
  assert.equal(await value(again.page, 'hand-rms'), String(rms));
  // Undo takes back the last stroke (one row of the last pass), Reset all of it (and is undone).
  await page.getByTestId('hand-undo').click();
  await page.waitForFunction((rms) => document.querySelector('[data-testid="hand-rms"]').dataset.value !== rms, String(rms));
  const undone = await value(page, 'hand-rms');
  assert.ok(Number(undone) > 0 && Number(undone) < rms, `${undone} after Undo`);
  await page.getByTestId('hand-reset').click();
  await settled(page, 'hand-l0', 0);
  await page.waitForFunction(() => document.querySelector('[data-testid="hand-reached"]')?.dataset.value === 'false');
  assert.doesNotMatch(new URL(page.url()).hash, /ink=/);
  await page.getByTestId('hand-undo').click();
  await settled(page, 'hand-rms', undone);
  assert.deepEqual([foreign, errors, again.foreign, again.errors], [[], [], [], []]);
  await page.close();
  await again.page.close();
});

test('by hand with the keyboard on a drawn digit, and the link that restores both', async () => {
  const { page, errors } = await open('#embed=hand&model=fc100-100-10&target=3');
  await drawSeven(page.mouse, await page.getByTestId('draw-canvas').boundingBox());
  await waitLabel(page, 'prediction', 7);
  const canvas = page.getByTestId('hand-canvas');
  await canvas.focus();
  assert.equal(await canvas.getAttribute('data-cursor'), '14,14');
  // Up to row 2, above any digit the pad centres: two steps up there, one beside, and one
  // down on a black cell (nothing to take away).
  for (const key of [...Array(12).fill('ArrowUp'), '+', '+', 'ArrowLeft', '+', 'ArrowLeft', '-']) {
    await page.keyboard.press(key);
  }
  await settled(page, 'hand-canvas', '2,12', 'cursor');
  await settled(page, 'hand-l0', 2);
  const l0 = 2;
  const linf = Number(await value(page, 'hand-linf'));
  assert.ok(Math.abs(linf - 64 / 255) < 1e-6, `two steps of 32 levels: ${linf}`);
  const hash = new URL(page.url()).hash;
  assert.match(hash, /ink0=[A-Za-z0-9_-]{1046}&ink=[A-Za-z0-9_-]{1046}&/);
  const again = await open(hash);
  await waitLabel(again.page, 'prediction', 7);
  assert.equal(await value(again.page, 'hand-rms'), await value(page, 'hand-rms'));
  assert.equal(await value(again.page, 'hand-l0'), String(l0));
  assert.deepEqual([errors, again.errors], [[], []]);
  await page.close();
  await again.page.close();
});
