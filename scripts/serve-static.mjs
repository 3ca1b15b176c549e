// A static server for the built app on 127.0.0.1: `node scripts/serve-static.mjs DIR PORT` for
// scripts/serve, and `serve(DIR)` (an ephemeral port) for the browser tests.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.json': 'application/json', '.png': 'image/png',
};

/** Serves `root` on 127.0.0.1:`port` (0: any free port); resolves once it listens. */
export async function serve(root, port = 0) {
  const server = createServer(async (req, res) => {
    // A URL path normalised from '/' can never climb above `root`.
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '') || 'index.html';
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
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
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
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
