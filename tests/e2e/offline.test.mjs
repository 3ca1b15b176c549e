// Offline after one visit (www/offline.js, www/service-worker.js): a copy of pkg/ is served, the
// page used once, the server stopped, and the page reloaded to attack again; the same for a
// training run (MNIST's files kept on use); then a new build of the copy replaces the old
// cache, and the page shows the new build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, waitLabel } from './harness.mjs';
import { openApp } from './browser.mjs';
import { serve } from '../../scripts/serve-static.mjs';
import { writeServiceWorker } from '../../scripts/lib/service-worker.mjs';

let dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blindspot-offline-'));
  await cp(process.env.PKG ?? root + 'pkg', dir, { recursive: true });
});
after(() => rm(dir, { recursive: true, force: true }));

/** The page's caches and, for each, whether it holds `path` (relative to the page). */
const cached = (page, path) => page.evaluate(async (path) => {
  const held = {};
  for (const name of await caches.keys()) {
    held[name] = Boolean(await (await caches.open(name)).match(new URL(path, location.href).href));
  }
  return held;
}, path);

async function waitCached(page, path) {
  const until = Date.now() + 60_000;
  while (!Object.values(await cached(page, path)).some(Boolean)) {
    assert.ok(Date.now() < until, `${path} was never cached`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('after one visit the page reloads and attacks with the server stopped', async () => {
  // The first visit's weights are still downloading when the worker takes control (as on a slow
  // line): the page must still hand them to the worker once they arrive.
  let release;
  const released = new Promise((r) => { release = r; });
  const server = await serve(dir, 0, {
    hold: (path) => path === 'models/fc100-100-10.safetensors' ? released : null,
  });
  const app = await openApp(`${server.url}#model=fc100-100-10&digit=1&method=lbfgs&target=3`);
  try {
    const { page } = app;
    await page.waitForFunction(() => navigator.serviceWorker.controller, null, { timeout: 60_000 });
    release();
    await waitLabel(page, 'prediction', 2);
    await waitCached(page, 'models/fc100-100-10.json');
    await waitCached(page, 'models/fc100-100-10.safetensors');
    server.close();
    await assert.rejects(fetch(server.url), 'the server is stopped');
    await page.reload();
    await page.getByTestId('gallery').locator('button.pick').first().waitFor({ timeout: 60_000 });
    await waitLabel(page, 'prediction', 2);
    await page.getByTestId('attack-run').click();
    await waitLabel(page, 'adv-prediction', 3);
    assert.deepEqual([app.errors, app.foreign], [[], []]);
  } finally {
    await app.browser.close();
    server.close();
  }
});

test('after one training run the Train panel trains again with the server stopped', async () => {
  const server = await serve(dir);
  const app = await openApp(`${server.url}#embed=train`, { gallery: false });
  /** A 1-epoch course on the first 1,000 digits, to its end. */
  const train = async (page, seed) => {
    await page.getByTestId('train-digits').selectOption('1000');
    await page.getByTestId('train-defence').selectOption('none');
    await page.getByTestId('train-seed').fill(String(seed));
    await page.getByTestId('train-seed').dispatchEvent('change');
    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="train-progress"]')?.dataset.phase === 'finished',
      null, { timeout: 240_000 });
    return page.getByTestId('train-kept').getAttribute('data-name', { timeout: 120_000 });
  };
  try {
    const { page } = app;
    await page.waitForFunction(() => navigator.serviceWorker.controller, null, { timeout: 60_000 });
    assert.equal(await train(page, 1), 'yours-convnet-plain-seed1-1000digits');
    for (const file of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz']) {
      await waitCached(page, `mnist/${file}`);
    }
    server.close();
    await assert.rejects(fetch(server.url), 'the server is stopped');
    await page.reload();
    assert.equal(await train(page, 2), 'yours-convnet-plain-seed2-1000digits');
    assert.deepEqual([app.errors, app.foreign], [[], []]);
  } finally {
    await app.browser.close();
    server.close();
  }
});

test('a new build gets a new cache, the old one is deleted and the page is the new build', async () => {
  const server = await serve(dir);
  const app = await openApp(server.url);
  try {
    const { page } = app;
    await page.waitForFunction(() => navigator.serviceWorker.controller, null, { timeout: 60_000 });
    await waitCached(page, 'index.html');
    const [first] = Object.keys(await cached(page, 'index.html'));
    assert.match(first, /^blindspot-[0-9a-f]{16}$/);
    // A new build: one file changed, the hook run again on the result (as Trunk runs it).
    const index = join(dir, 'index.html');
    await writeFile(index, (await readFile(index, 'utf8')).replace('<head>', '<head><meta name="build" content="second">'));
    const second = await writeServiceWorker(dir);
    assert.notEqual(second, first);
    await page.reload();
    await page.getByTestId('gallery').locator('button.pick').first().waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('meta[name="build"]').count(), 1, 'the reloaded page is the new build');
    const until = Date.now() + 60_000;
    let held;
    while (JSON.stringify(held = await cached(page, 'index.html')) !== JSON.stringify({ [second]: true })) {
      assert.ok(Date.now() < until, `caches: ${JSON.stringify(held)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual([app.errors, app.foreign], [[], []]);
  } finally {
    await app.browser.close();
    server.close();
  }
});
