// What every browser test file shares: the app served and opened once per file, and waits.
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
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
