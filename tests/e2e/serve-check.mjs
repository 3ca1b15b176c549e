// The README's serve command, run for real (scripts/test runs this): `scripts/serve` on a free
// port must build the page and the WebGPU worker and serve them; the page must load in Chromium
// and classify a gallery digit. Exits non-zero, with serve's last lines, if any of that fails.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import assert from 'node:assert/strict';
import { root, waitLabel } from './harness.mjs';
import { openApp } from './browser.mjs';

const READY_WITHIN_MS = 60 * 60_000; // a cold build on 2 cores takes about 20 min

const port = await new Promise((ok) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => ok(port));
  });
});
// Its own process group, so that stopping it also stops the server and any build it started.
const serve = spawn(root + 'scripts/serve', ['--port', String(port)], { cwd: root, detached: true });
const stop = () => { try { process.kill(-serve.pid, 'SIGTERM'); } catch { /* already gone */ } };
let output = '';
const ready = new Promise((ok, fail) => {
  const timer = setTimeout(() => fail(new Error(`not ready after ${READY_WITHIN_MS / 60_000} min`)), READY_WITHIN_MS);
  const read = (chunk) => {
    process.stdout.write(chunk);
    output += chunk;
    if (output.includes(`Ready: http://127.0.0.1:${port}`)) { clearTimeout(timer); ok(); }
  };
  serve.stdout.on('data', read);
  serve.stderr.on('data', read);
  serve.on('exit', (code) => { clearTimeout(timer); fail(new Error(`scripts/serve exited (${code}) before it was ready`)); });
});

let app;
try {
  await ready;
  const url = `http://127.0.0.1:${port}/`;
  app = await openApp(url);
  await app.page.getByTestId('gallery').locator('button.pick[data-index="0"]').click(); // test digit #0 is a 7
  await waitLabel(app.page, 'prediction', 7);
  const served = [['gpu_worker.js', 'text/javascript'], ['gpu_worker_bg.wasm', 'application/wasm'],
    ['cpu_worker.js', 'text/javascript'], ['cpu_worker_bg.wasm', 'application/wasm'],
    ['models/imagenet/efficientnet-lite0.safetensors'], ['models/imagenet/classes.txt']];
  for (const [file, type] of served) {
    const res = await fetch(url + file);
    assert.equal(res.status, 200, `${file} is served`);
    if (type) assert.equal(res.headers.get('content-type'), type, `${file}'s type`);
  }
  assert.deepEqual(app.errors, [], 'no errors in the page');
  assert.deepEqual(app.foreign, [], 'no request left 127.0.0.1');
  console.log(`serve check: scripts/serve served a working page on port ${port} (a gallery 7 read as 7; both workers' files and the Photos panel's model served)`);
} catch (e) {
  console.error(`serve check failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await app?.browser.close();
  stop();
}
