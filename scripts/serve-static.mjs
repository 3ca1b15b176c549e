// A static server for the built app on 127.0.0.1: `node scripts/serve-static.mjs DIR PORT` for
// scripts/serve, and `serve(DIR)` (an ephemeral port) for the browser tests. Every answer
// carries the Content-Security-Policy the README gives for static hosts; no header stops the
// page from being embedded in another site's iframe.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.json': 'application/json', '.png': 'image/png',
};

/** What the page needs and nothing more: its own scripts and wasm, no inline script, no eval. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; object-src 'none'; base-uri 'self'";

/** Serves `root` on 127.0.0.1:`port` (0: any free port) under the path `prefix` (a sub-folder
 *  such as '/courses/ml/blindspot/'; anything outside it is not found), with the header
 *  `csp` (null: none, as a course site that embeds the app); resolves once it listens.
 *  `hold(path)` may return a promise to wait for before answering (tests that need a download
 *  still under way at a given moment). */
export async function serve(root, port = 0, { prefix = '/', csp = CSP, hold = () => null } = {}) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x').pathname;
      if (!url.startsWith(prefix)) throw new Error('outside the prefix');
      // A URL path normalised from '/' can never climb above `root`.
      const path = normalize(decodeURIComponent(url.slice(prefix.length - 1))).replace(/^\/+/, '') || 'index.html';
      const body = await readFile(join(root, path));
      await hold(path);
      res.writeHead(200, {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        ...(csp ? { 'content-security-policy': csp } : {}),
      });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  // close() also drops kept-alive connections: a stopped server answers nothing (offline tests).
  const close = () => {
    server.close();
    server.closeAllConnections();
  };
  return { url: `http://127.0.0.1:${server.address().port}${prefix}`, close };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root = 'pkg', port = '8080'] = process.argv.slice(2);
  try {
    const { url } = await serve(root, Number(port));
    console.log(`serving ${root}/ on ${url}`);
  } catch (e) {
    console.error(e.code === 'EADDRINUSE'
      ? `port ${port} is already in use: stop what uses it, or pick another port (scripts/serve --port 8081)`
      : `cannot serve on port ${port}: ${e.message}`);
    process.exit(1);
  }
}
