// End-to-end: "Spot the changed digit" in a real Chromium: a scripted student who answers
// right (by mouse and keyboard) drives the staircase down over 20 rounds; the threshold, the
// attack's RMS, the chart and the CSV; a seed in the link draws the same rounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { useApp } from './harness.mjs';
import { openPage } from './browser.mjs';

const app = useApp();
const open = (fragment) => openPage(app.browser, new URL(app.page.url()).origin + '/' + fragment, { gallery: false });

/** Pixels with any ink in the canvas inside `testid`: the adversarial change adds faint ink
 *  across the black background, so the changed digit of a pair has more. */
const inked = (page, testid) => page.getByTestId(testid).locator('canvas').evaluate((c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) n += d[i] > 0;
  return n;
});

/** axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is. */
const violations = async (page) => (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze())
  .violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.length}`);

/** Waits for round `k` (1-based) to show its pair. */
const round = (page, k) => page.waitForFunction((k) =>
  document.querySelector('[data-testid="quiz-round"]')?.dataset.value === String(k) &&
  document.querySelector('[data-testid="quiz-left"]'), k, { timeout: 60_000 });

test('quiz: answering right drives the staircase down; threshold, chart and CSV at the end', async () => {
  const { page, foreign, errors } = await open('#embed=quiz&model=fc100-100-10&seed=7&theme=dark');
  await page.getByTestId('quiz-start').click();
  const shown = [];
  for (let k = 1; k <= 20; k++) {
    await round(page, k);
    if (k === 1) assert.deepEqual(await violations(page), [], 'a pair, dark theme');
    shown.push(Number((await page.getByTestId('quiz-pair').textContent()).match(/RMS of the change ([0-9.]+)/)[1]));
    const left = (await inked(page, 'quiz-left')) >= (await inked(page, 'quiz-right'));
    // Every other round by keyboard: the focus is on the pair, ← and → answer.
    if (k % 2) await page.getByTestId(left ? 'quiz-left' : 'quiz-right').click();
    else await page.keyboard.press(left ? 'ArrowLeft' : 'ArrowRight');
  }
  await page.getByTestId('quiz-threshold').waitFor();
  assert.deepEqual(await violations(page), [], 'the results, dark theme');
  const threshold = Number(await page.getByTestId('quiz-threshold').getAttribute('data-value'));
  const attack = Number(await page.getByTestId('quiz-attack').getAttribute('data-value'));
  const marks = await page.getByTestId('quiz-chart').locator('[data-right]').evaluateAll((els) => els.map((e) => e.dataset.right));
  console.log(`# quiz (fc100-100-10, seed 7): shown RMS ${shown.map((r) => r.toFixed(3)).join(' ')}; ` +
    `threshold ${threshold.toFixed(4)}, attack ${attack.toFixed(4)}; ${marks.filter((m) => m === 'true').length} right`);
  assert.deepEqual(marks, Array(20).fill('true'), 'every answer right');
  assert.ok(shown[19] < shown[0] / 10, `the staircase fell: ${shown[0]} → ${shown[19]}`);
  assert.ok(threshold > 0 && threshold < shown[19], `threshold ${threshold}`);
  assert.ok(attack > 0.01 && attack < 0.2, `the attack's RMS ${attack}`);
  assert.match(await page.getByTestId('quiz-verdict').textContent(), /You spotted changes smaller/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('quiz-csv').click()]);
  const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'round,digit,target,rms,answer,right');
  assert.equal(lines.length, 21);
  assert.ok(lines.slice(1).every((l) => l.endsWith(',true')));
  assert.equal(download.suggestedFilename(), 'blindspot-quiz-fc100-100-10-7.csv');
  assert.deepEqual([foreign, errors], [[], []]);
  await page.close();
});

test('quiz: a seed in the link draws the same rounds; without one, Start writes one', async () => {
  const first = async (fragment) => {
    const { page } = await open(fragment);
    await page.getByTestId('quiz-start').click();
    await round(page, 1);
    const digit = await page.getByTestId('quiz-pair').getAttribute('data-digit');
    return { page, digit };
  };
  const a = await first('#embed=quiz&model=fc100-100-10&seed=123');
  const b = await first('#embed=quiz&model=fc100-100-10&seed=123');
  assert.equal(a.digit, b.digit);
  const c = await first('#embed=quiz&model=fc100-100-10');
  const seed = new URL(c.page.url()).hash.match(/seed=(\d+)/)?.[1];
  assert.ok(seed, 'the seed is in the link');
  const d = await first(`#embed=quiz&model=fc100-100-10&seed=${seed}`);
  assert.equal(d.digit, c.digit);
  for (const p of [a, b, c, d]) await p.page.close();
});
