// What every browser test file shares: the app served and opened once per file, and waits.
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Serves `pkg/` (or `$PKG`) and opens it before the file's tests; `app.page` etc. after that. */
export function useApp() {
  const app = {};
  let server;
  before(async () => {
    server = await serve(process.env.PKG ?? root + 'pkg');
    Object.assign(app, await openApp(server.url));
  });
  after(async () => {
    await app.browser?.close();
    server?.close();
  });
  return app;
}

/** Waits until the element with test id `id` has `data-label` = `expected`. */
export async function waitLabel(page, id, expected, timeout = 60_000) {
  await page.waitForFunction(([id, v]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.label === v, [id, String(expected)], { timeout });
}

/** The longest task the page may run while the work computes in a worker. Work on the page's
 *  own thread blocks it far longer (here: a convnet search for seconds, EfficientNet-Lite0's
 *  check, decode and forward pass for about a second, a batch of 100 attacks for seconds); the
 *  page's drawing and its handling of answers stay under 100 ms on an idle machine (the first
 *  photo read's 60–92 ms, the most seen; most tests see none over 50 ms), and reached
 *  265 ms when a second browser suite ran beside on the two cores (a task's time is wall time,
 *  and a loaded machine deschedules the renderer). Each test logs the figure it saw. */
export const PAGE_TASK_LIMIT_MS = 300;

/** Starts watching the page's thread through the Long Tasks API, which reports every task of
 *  over 50 ms; `longestBlock` then says, in ms, the longest task since (0 when none reached
 *  50 ms): the longest any click, stroke or Stop could have waited for the page. A 5 ms timer
 *  heartbeat, used before, also counted how long Chromium defers timers behind other short
 *  tasks and how long a loaded 2-core machine deschedules the renderer: it saw gaps of 55–95 ms
 *  in runs where no task reached 50 ms. */
export async function watchBlocking(page) {
  await page.evaluate(() => {
    window.blockWatch?.disconnect();
    window.longestTask = 0;
    window.blockWatch = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longestTask = Math.max(window.longestTask, e.duration);
    });
    window.blockWatch.observe({ type: 'longtask' });
  });
}

export async function longestBlock(page) {
  return page.evaluate(async () => {
    // Chromium reports a long task some time after it ends.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const e of window.blockWatch.takeRecords()) window.longestTask = Math.max(window.longestTask, e.duration);
    window.blockWatch.disconnect();
    return window.longestTask;
  });
}

/** `longestBlock`'s figure for a log line. */
/** Tells the page (from its next load) that the machine has `k` cores, so that its pool starts
 *  `k` CPU workers (at most 4), and reloads it. */
export async function pretendCores(page, k) {
  await page.addInitScript((k) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => k }), k);
  await page.reload();
  await page.getByTestId('gallery').locator('button.pick').first().waitFor({ timeout: 60_000 });
}

export const shownBlock = (ms) => (ms > 0 ? `${ms.toFixed(0)} ms` : 'no task over 50 ms');

/** Draws a "7" (the top bar, then the stem down to the left) with `mouse` (Playwright's or
 *  Puppeteer's: the same calls) on the pad whose bounding box is `box`. */
export async function drawSeven(mouse, box) {
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
  await mouse.move(...at(0.3, 0.25));
  await mouse.down();
  for (const [fx, fy] of [[0.45, 0.25], [0.6, 0.25], [0.7, 0.25], [0.62, 0.45], [0.55, 0.6], [0.48, 0.78]]) {
    await mouse.move(...at(fx, fy), { steps: 4 });
  }
  await mouse.up();
}

/** One pass of the by-hand brush (Playwright's or Puppeteer's mouse) along each of `rows`, from
 *  column `from` to `to` of the 28×28 canvas whose bounding box is `box`: every cell crossed
 *  once. */
export async function paintRows(mouse, box, rows, from, to) {
  const at = (r, c) => [box.x + ((c + 0.5) / 28) * box.width, box.y + ((r + 0.5) / 28) * box.height];
  for (const r of rows) {
    await mouse.move(...at(r, from));
    await mouse.down();
    await mouse.move(...at(r, to), { steps: to - from });
    await mouse.up();
  }
}

/** The by-hand stroke the tests paint: a bar across the middle of gallery digit 2 (a 1), which
 *  both browsers' convnet reads as a 4 after a few passes (numpy: 4 passes). */
export const HAND_BAR = { digit: 2, label: 1, target: 4, rows: [13, 14], from: 8, to: 21 };

/** A model of yours kept in `page`'s browser (the Train panel's), its tensors hashed by name (a
 *  safetensors header lists them in no fixed order, so the file's own bytes are not
 *  comparable). Playwright's and Puppeteer's pages alike. */
export async function keptTensors(page, name) {
  const bytes = Buffer.from(await page.evaluate(async (n) => {
    const cache = await caches.open('yours-models');
    const found = await cache.match(new URL(`yours/${n}.safetensors`, location.href).href);
    return [...new Uint8Array(await found.arrayBuffer())];
  }, name));
  const size = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + size).toString());
  const hash = createHash('sha256');
  for (const k of Object.keys(header).filter((k) => k !== '__metadata__').sort()) {
    const [a, b] = header[k].data_offsets;
    hash.update(k).update(bytes.subarray(8 + size + a, 8 + size + b));
  }
  return hash.digest('hex');
}

/** Sets the Train panel's form (the settings given: arch, defence, digits, epochs), each control
 *  once the form's render after the one before has landed, then checks that the form shows them
 *  all: a render landing between typing a number and its change event put the old one back
 *  (the pool test once trained 1 epoch of 2). */
export async function setTrainForm(page, { arch, defence, digits, epochs }) {
  const settle = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const selects = [['train-arch', arch], ['train-defence', defence], ['train-digits', digits]];
  for (const [id, v] of selects.filter(([, v]) => v !== undefined)) {
    await page.getByTestId(id).selectOption(String(v));
    await settle();
  }
  if (epochs !== undefined) {
    await page.getByTestId('train-epochs').fill(String(epochs));
    await page.getByTestId('train-epochs').dispatchEvent('change');
    await settle();
  }
  for (const [id, v] of [...selects, ['train-epochs', epochs]].filter(([, v]) => v !== undefined)) {
    assert.equal(await page.getByTestId(id).inputValue(), String(v), `the form's ${id}`);
  }
}
