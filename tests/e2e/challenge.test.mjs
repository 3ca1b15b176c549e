// End-to-end: challenge links in a real Chromium. A teacher makes one from the page; a student
// solves it with an attack within budget and gets a code; the solution's link shows the same
// code; a tampered code, solution or task is refused. And a by-hand-only challenge solved with
// the brush.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, paintRows, HAND_BAR } from './harness.mjs';
import { openPage } from './browser.mjs';

const app = useApp();
const open = (url) => openPage(app.browser, url.startsWith('#') ? new URL(app.page.url()).origin + '/' + url : url, { gallery: false });
const value = (page, id) => page.getByTestId(id).getAttribute('data-value');
const status = (page, expected, timeout = 60_000) => page.waitForFunction((v) =>
  document.querySelector('[data-testid="challenge-status"]')?.dataset.value === v, expected, { timeout });

/** `link` with its `ink` changed by `edit` (bytes in, bytes out). */
function withInk(link, edit) {
  const ink = link.match(/[#&]ink=([A-Za-z0-9_-]+)/)[1];
  const bytes = edit(Buffer.from(ink, 'base64url'));
  return link.replace(`ink=${ink}`, `ink=${Buffer.from(bytes).toString('base64url')}`);
}

test('challenge: made by a teacher, solved by an attack, its code checked again; tampering refused', async () => {
  const teacher = await openPage(app.browser, new URL(app.page.url()).origin + '/#model=fc100-100-10&digit=1&target=3');
  await teacher.page.getByTestId('challenge-open').click();
  await teacher.page.getByTestId('challenge-norm').selectOption('rms');
  await teacher.page.getByTestId('challenge-budget').fill('0.1');
  await teacher.page.getByTestId('challenge-budget').dispatchEvent('change');
  await teacher.page.getByTestId('challenge-means').selectOption('any');
  await teacher.page.getByTestId('challenge-make').click();
  const link = await teacher.page.getByTestId('challenge-made').inputValue();
  assert.match(link, /#challenge=fc100-100-10~1~3~rms~0\.1~any~[0-9a-f]{8}$/);

  const student = await open(link);
  const { page } = student;
  assert.match(await page.getByTestId('challenge-task').textContent(), /Make fc100-100-10 read 3 on gallery digit 1/);
  await status(page, 'open');
  assert.equal(await page.getByTestId('gallery').count(), 0, 'the task fixes the digit');
  // C&W with a margin: rounded to 8-bit levels (as a link carries it), the result still reads 3.
  await page.getByTestId('attack-method').selectOption('cw');
  await page.getByTestId('attack-kappa').fill('2');
  await page.getByTestId('attack-kappa').dispatchEvent('change');
  await page.getByTestId('attack-run').click();
  await status(page, 'solved');
  const code = await value(page, 'challenge-code');
  assert.match(code, /^[0-9A-F]{10}$/);
  await page.getByTestId('challenge-share').click();
  const solution = await page.getByTestId('challenge-link').inputValue();
  assert.match(solution, new RegExp(`challenge=.*&ink=[A-Za-z0-9_-]{1046}.*&code=${code}$`));

  // The teacher opens the solution: checked again, the same code.
  const check = await open(solution);
  await status(check.page, 'solved');
  assert.equal(await value(check.page, 'challenge-code'), code);
  assert.equal(await value(check.page, 'challenge-claim'), 'match');
  // A code that is not this solution's, a solution changed beyond the budget, a changed task.
  const forged = await open(solution.replace(`code=${code}`, 'code=0000000000'));
  await forged.page.getByTestId('challenge-claim').waitFor({ timeout: 60_000 });
  assert.equal(await value(forged.page, 'challenge-claim'), 'mismatch');
  const inflated = await open(withInk(solution, (b) => b.map((v, i) => (i < 200 ? 255 : v))));
  await inflated.page.getByTestId('challenge-claim').waitFor({ timeout: 60_000 });
  assert.equal(await value(inflated.page, 'challenge-claim'), 'refused');
  assert.equal(await value(inflated.page, 'challenge-status'), 'open');
  const easier = await open(link.replace('~0.1~', '~0.5~'));
  await easier.page.getByTestId('notice').waitFor({ timeout: 60_000 });
  assert.match(await easier.page.getByTestId('notice').textContent(), /changed after it was made/);
  assert.equal(await easier.page.getByTestId('challenge-panel').count(), 0);
  for (const p of [teacher, student, check, forged, inflated, easier]) {
    assert.deepEqual([p.foreign, p.errors], [[], []]);
    await p.page.close();
  }
});

test('challenge: by hand only, solved with the brush within an RMS budget', async () => {
  const { digit, target, rows, from, to } = HAND_BAR;
  const teacher = await openPage(app.browser, new URL(app.page.url()).origin + `/#model=convnet&digit=${digit}&target=${target}`);
  await teacher.page.getByTestId('challenge-open').click();
  await teacher.page.getByTestId('challenge-make').click(); // the defaults: RMS at most 0.1, by hand
  const link = await teacher.page.getByTestId('challenge-made').inputValue();
  const { page, errors } = await open(link);
  await status(page, 'open');
  assert.equal(await page.getByTestId('attack-run').count(), 0, 'no attack in a by-hand challenge');
  await page.getByTestId('hand-canvas').scrollIntoViewIfNeeded();
  const box = await page.getByTestId('hand-canvas').boundingBox();
  let passes = 0;
  for (; passes < 8; passes++) {
    await paintRows(page.mouse, box, rows, from, to);
    if (await status(page, 'solved', 2000).then(() => true, () => false)) break;
  }
  assert.ok(passes < 8, 'solved within 8 passes');
  assert.ok(Number(await value(page, 'hand-rms')) <= 0.1);
  assert.match(await value(page, 'challenge-code'), /^[0-9A-F]{10}$/);
  assert.deepEqual(errors, []);
  await page.close();
  await teacher.page.close();
});
