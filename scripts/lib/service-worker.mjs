// Writes the built page's service worker, DIR/sw.js: www/service-worker.js behind one line that
// names this build's cache (from a hash of every built file, so a new build gets a new cache and
// the old one is deleted) and the app shell it stores at install.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATE = fileURLToPath(new URL('../../www/service-worker.js', import.meta.url));
/** Not part of the build's hash or shell: the worker itself, the WebGPU worker (built after the
 *  page, cached once a browser uses it) and the example course page. */
const LEFT_OUT = /^(sw\.js|gpu_worker\.js|gpu_worker_bg\.wasm|(course|classroom)-example\.(html|js))$/;
/** Cached once used, not at install: the models (5.6 MB for digits, 9.3 MB for photos) and
 *  MNIST for the Train panel's workers (11.5 MB). The CPU worker is in the shell: every attack on
 *  the CPU runs on it, offline too. */
const ON_USE = /^(models|mnist)\//;

async function files(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'))
    .filter((f) => !LEFT_OUT.test(f))
    .sort();
}

/** Writes `dir`/sw.js; returns the cache name. */
export async function writeServiceWorker(dir) {
  const built = await files(dir);
  const hash = createHash('sha256');
  for (const f of built) hash.update(f).update('\0').update(await readFile(join(dir, f))).update('\0');
  const cache = `blindspot-${hash.digest('hex').slice(0, 16)}`;
  const shell = ['./', ...built.filter((f) => !ON_USE.test(f)).map((f) => `./${f}`)];
  const build = `const BUILD = ${JSON.stringify({ cache, shell })};\n`;
  await writeFile(join(dir, 'sw.js'), build + await readFile(TEMPLATE, 'utf8'));
  return cache;
}
