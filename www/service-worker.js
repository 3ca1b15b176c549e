// Blindspot offline after one visit (README, "Offline"). The build's post-build hook
// (scripts/lib/service-worker.mjs) writes this file to pkg/sw.js behind one line,
//   const BUILD = { cache: 'blindspot-<hash of the built files>', shell: [...] };
// so that a new build is a new worker with a new cache, and the old cache is deleted.
//
// Files whose names carry a content hash (the wasm, its JS, the loader, the CSS) never change:
// they come from the cache first. Everything else (the page itself, the gallery, the models, the
// WebGPU worker, which is built after the hook) comes from the network first, so an online
// visit always sees the newest build, and from the cache when the network is gone.
/* global BUILD */
const HASHED = /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(BUILD.cache);
    await cache.addAll(BUILD.shell);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const old = (await caches.keys()).filter((k) => k.startsWith('blindspot-') && k !== BUILD.cache);
    await Promise.all(old.map((k) => caches.delete(k)));
    await self.clients.claim();
  })());
});

// What the page loaded before this worker controlled it (the first visit's model): the page
// sends its resource URLs once the worker is ready (www/offline.js). Files only a script loads
// inside its own worker (a compute worker's wasm) come with that script: `worker.js?<name>`
// loads <name>.js and <name>_bg.wasm.
const WORKERS = ['gpu_worker', 'cpu_worker'];
function companions(url) {
  const u = new URL(url);
  const name = u.search.slice(1);
  if (!u.pathname.endsWith('/worker.js') || !WORKERS.includes(name)) return [];
  return [`${name}.js`, `${name}_bg.wasm`].map((c) => new URL(c, u).href);
}
self.addEventListener('message', (event) => {
  if (event.data?.type !== 'blindspot:cache' || !Array.isArray(event.data.urls)) return;
  const mine = event.data.urls.filter((u) => typeof u === 'string' && sameOrigin(u))
    .flatMap((u) => [u, ...companions(u)]);
  event.waitUntil(Promise.all(mine.map(async (u) => {
    if (await caches.match(u, { cacheName: BUILD.cache })) return;
    await fromNetwork(new Request(u)).catch(() => {});
  })));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !sameOrigin(request.url)) return;
  event.respondWith(HASHED.test(new URL(request.url).pathname)
    ? cacheFirst(request)
    : fromNetwork(request).catch(() => fromCache(request)));
});

function sameOrigin(url) {
  return new URL(url, self.location.href).origin === self.location.origin;
}

/** The network's answer, kept in this build's cache when it is a whole, good one. */
async function fromNetwork(request) {
  const response = await fetch(request);
  if (response.ok && response.status === 200 && response.type === 'basic') {
    const cache = await caches.open(BUILD.cache);
    await cache.put(request, response.clone());
  }
  return response;
}

/** The cached answer; a page's address with no cached answer of its own gets the cached page. */
async function fromCache(request) {
  const cached = await caches.match(request, { cacheName: BUILD.cache, ignoreSearch: true });
  if (cached) return cached;
  if (request.mode === 'navigate') {
    const page = await caches.match('./', { cacheName: BUILD.cache });
    if (page) return page;
  }
  return Response.error();
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: BUILD.cache });
  return cached ?? fromNetwork(request);
}
