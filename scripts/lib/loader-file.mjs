// Moves the inline module loader Trunk writes into index.html out to its own file, with a hash
// in its name and an integrity attribute, so that the page starts under a Content-Security-Policy
// whose script-src is 'self' 'wasm-unsafe-eval' (no 'unsafe-inline').
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Moves the loader of `dir`'s index.html; false where it has none (the WebGPU worker's build). */
export async function moveLoader(dir) {
  const page = join(dir, 'index.html');
  const html = await readFile(page, 'utf8');
  const inline = /<script type="module">([\s\S]*?)<\/script>/;
  const found = html.match(inline);
  if (!found) return false;
  const code = found[1].trim() + '\n';
  const digest = (algorithm, encoding) => createHash(algorithm).update(code).digest(encoding);
  const name = `loader-${digest('sha256', 'hex').slice(0, 16)}.js`;
  await writeFile(join(dir, name), code);
  const tag = `<script type="module" src="./${name}" integrity="sha384-${digest('sha384', 'base64')}"></script>`;
  await writeFile(page, html.replace(inline, tag));
  return true;
}
