// What every browser test file shares: the app served and opened once per file, and waits.
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve-static.mjs';
import { openApp } from './browser.mjs';

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

/** Starts a heartbeat in the page (every 5 ms); `longestBlock` then says, in ms, the longest
 *  the page's thread was busy since: the longest any click, stroke or Stop had to wait. */
export async function startHeartbeat(page) {
  await page.evaluate(() => {
    clearInterval(window.beatTimer);
    window.beat = { last: performance.now(), longest: 0 };
    window.beatTimer = setInterval(() => {
      const t = performance.now();
      window.beat.longest = Math.max(window.beat.longest, t - window.beat.last);
      window.beat.last = t;
    }, 5);
  });
}

export async function longestBlock(page) {
  return page.evaluate(() => {
    clearInterval(window.beatTimer);
    return Math.max(window.beat.longest, performance.now() - window.beat.last);
  });
}
