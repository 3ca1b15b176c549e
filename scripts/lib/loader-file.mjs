// Trunk's post-build hook (Trunk.toml): moves the inline module loader Trunk writes into
// index.html out to its own file, with a hash in its name and an integrity attribute, so that
// the page starts under a Content-Security-Policy whose script-src is 'self' 'wasm-unsafe-eval'
// (no 'unsafe-inline'). A build without such a loader (the WebGPU worker's) is left alone.
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('loader-file.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
const page = join(dir, 'index.html');
const html = await readFile(page, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const found = html.match(inline);
if (found) {
  const code = found[1].trim() + '\n';
  const digest = (algorithm, encoding) => createHash(algorithm).update(code).digest(encoding);
  const name = `loader-${digest('sha256', 'hex').slice(0, 16)}.js`;
  await writeFile(join(dir, name), code);
  const tag = `<script type="module" src="./${name}" integrity="sha384-${digest('sha384', 'base64')}"></script>`;
  await writeFile(page, html.replace(inline, tag));
}
