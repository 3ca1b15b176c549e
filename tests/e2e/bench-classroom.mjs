// The classroom views' responsiveness in the browser: by hand (the convnet on gallery digit 2,
// the test's bar painted pass by pass: the page's longest task and the time a brush move takes
// from the event to the model's new probabilities on screen), and the quiz (fc100-100-10 and the
// convnet: Start to the first pair, and how many of 20 rounds a student who answers at once
// waited for the attack: rounds whose pair was not ready when the last answer came).
// Run: node tests/e2e/bench-classroom.mjs  (prints JSON)
import { serve } from '../../scripts/serve-static.mjs';
import { openApp, openPage } from './browser.mjs';
import { watchBlocking, longestBlock, paintRows, HAND_BAR } from './harness.mjs';

const root = new URL('../../', import.meta.url).pathname;
const server = await serve(process.env.PKG ?? root + 'pkg');
const origin = new URL(server.url).origin;
const { browser, page } = await openApp(`${origin}/#embed=hand&model=convnet&digit=${HAND_BAR.digit}&target=${HAND_BAR.target}`);
const report = {};
await page.waitForFunction(() => document.querySelector('[data-testid="prediction"]')?.dataset.label === '1', null, { timeout: 60_000 });
const canvas = page.getByTestId('hand-canvas');
await canvas.scrollIntoViewIfNeeded();
const box = await canvas.boundingBox();
await watchBlocking(page);
// Per move: from the pointer event to the probabilities for the new change on screen.
const moves = [];
for (let pass = 0; pass < 4; pass++) {
  for (const r of HAND_BAR.rows) {
    for (let c = HAND_BAR.from; c <= HAND_BAR.to; c++) {
      const at = [box.x + ((c + 0.5) / 28) * box.width, box.y + ((r + 0.5) / 28) * box.height];
      const before = await page.getByTestId('hand-prob-4').getAttribute('data-value');
      const started = Date.now();
      if (c === HAND_BAR.from) { await page.mouse.move(...at); await page.mouse.down(); } else await page.mouse.move(...at);
      await page.waitForFunction((b) => document.querySelector('[data-testid="hand-prob-4"]').dataset.value !== b, before, { timeout: 5000 })
        .catch(() => {});
      moves.push(Date.now() - started);
    }
    await page.mouse.up();
  }
}
moves.sort((a, b) => a - b);
report.hand = { moves: moves.length, median_ms: moves[moves.length >> 1], p90_ms: moves[Math.floor(moves.length * 0.9)],
  longest_task_ms: await longestBlock(page), reached: await page.getByTestId('hand-reached').getAttribute('data-value') };
for (const model of ['fc100-100-10', 'convnet']) {
  const { page: quiz } = await openPage(browser, `${origin}/#embed=quiz&model=${model}&seed=7`, { gallery: false });
  await watchBlocking(quiz);
  const started = Date.now();
  await quiz.getByTestId('quiz-start').click();
  let first = 0;
  let waited = 0;
  for (let k = 1; k <= 20; k++) {
    const ready = await quiz.getByTestId('quiz-left').count();
    if (!ready && k > 1) waited++;
    await quiz.waitForFunction((k) => document.querySelector('[data-testid="quiz-round"]')?.dataset.value === String(k) &&
      document.querySelector('[data-testid="quiz-left"]'), k, { timeout: 60_000 });
    if (k === 1) first = Date.now() - started;
    await quiz.getByTestId('quiz-left').click();
  }
  report[`quiz ${model}`] = { start_to_first_pair_ms: first, rounds_waited: waited, longest_task_ms: await longestBlock(quiz) };
  await quiz.close();
}
console.log(JSON.stringify(report, null, 1));
await browser.close();
server.close();
