// pkg/ as course sites host it: under a sub-folder, with the README's strict
// Content-Security-Policy (no inline script, no eval) and nothing that stops embedding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { root, waitLabel } from './harness.mjs';
import { openApp } from './browser.mjs';
import { serve, CSP } from '../../scripts/serve-static.mjs';

const folder = '/courses/ml/blindspot/';
let server;
let app;
before(async () => {
  server = await serve(process.env.PKG ?? root + 'pkg', 0, { prefix: folder });
  app = await openApp(server.url);
});
after(async () => {
  await app?.browser.close();
  server?.close();
});

test('the built page names every file relative to itself and has no inline script', async () => {
  const response = await fetch(server.url);
  assert.equal(response.headers.get('content-security-policy'), CSP);
  const scripts = CSP.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
  assert.equal(scripts, "script-src 'self' 'wasm-unsafe-eval'");
  assert.doesNotMatch(CSP, /frame-ancestors/);
  assert.equal(response.headers.get('x-frame-options'), null);
  const html = await response.text();
  assert.doesNotMatch(html, /(src|href)="\//, 'an absolute path would miss the sub-folder');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script would be refused');
  // Nothing is served from the server's root: the page found its files under the folder.
  assert.equal((await fetch(new URL('/index.html', server.url))).status, 404);
});

test('under a sub-folder and the strict policy the page classifies, attacks and starts its worker', async () => {
  const { page } = app;
  await page.getByTestId('model-select').selectOption('fc100-100-10');
  await page.getByTestId('gallery').locator('button.pick[data-index="1"]').click();
  await waitLabel(page, 'prediction', 2);
  await page.getByTestId('attack-method').selectOption('fgsm');
  await page.getByTestId('attack-target').selectOption('3');
  await page.getByTestId('attack-run').click();
  await page.getByTestId('adv-prediction').waitFor({ timeout: 60_000 });
  // The WebGPU worker (its loader, its wasm) started too: start-up offers its backend.
  await page.waitForFunction(() => document.querySelector('[data-testid="backend-select"] option[value="webgpu"]'),
    null, { timeout: 90_000 });
  assert.deepEqual([app.errors, app.foreign], [[], []]);
  assert.ok(page.url().startsWith(server.url));
});
