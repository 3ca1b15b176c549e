// Registers Blindspot's service worker (pkg/sw.js, from www/service-worker.js), so that the page
// works offline after one visit. Only at top level: browsers refuse service workers inside a
// third-party iframe, and an embed works without one (it needs the network).
if ('serviceWorker' in navigator && window.top === window) {
  // What the page loaded before the worker controlled it (the first visit's gallery and model).
  const offerLoaded = (worker) => worker?.postMessage({
    type: 'blindspot:cache',
    urls: performance.getEntriesByType('resource').map((e) => e.name),
  });
  navigator.serviceWorker.register('./sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => offerLoaded(registration.active))
    .catch((error) => console.warn(`Blindspot will not work offline here: ${error}`));
  navigator.serviceWorker.addEventListener('controllerchange',
    () => offerLoaded(navigator.serviceWorker.controller));
}
