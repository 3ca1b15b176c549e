// Registers Blindspot's service worker (pkg/sw.js, from www/service-worker.js), so that the page
// works offline after one visit. Only at top level: browsers refuse service workers inside a
// third-party iframe, and an embed works without one (it needs the network).
if ('serviceWorker' in navigator && window.top === window) {
  const ready = navigator.serviceWorker.register('./sw.js')
    .then(() => navigator.serviceWorker.ready);
  ready.catch((error) => console.warn(`Blindspot will not work offline here: ${error}`));
  // Every file the page loaded without the worker (the first visit's gallery and model) is
  // offered to it to keep. A resource entry exists only once its download has finished, so the
  // page keeps watching: a model still downloading when the worker took control is offered when
  // it arrives. Files the worker served itself (workerStart > 0) it has kept already.
  const offer = (entries) => {
    const urls = entries.filter((e) => !(e.workerStart > 0)).map((e) => e.name);
    if (urls.length === 0) return;
    ready.then((registration) => registration.active?.postMessage({ type: 'blindspot:cache', urls }))
      .catch(() => {});
  };
  new PerformanceObserver((list) => offer(list.getEntries())).observe({ type: 'resource', buffered: true });
}
