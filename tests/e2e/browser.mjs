// Debian's Chromium driven by playwright-core, with WebGPU enabled and no network but loopback
// (JSFLAGS=…: V8 flags for a bench, e.g. --no-wasm-dynamic-tiering).
import { chromium } from 'playwright-core';

export async function openApp(url, options = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', ...(process.env.JSFLAGS ? [`--js-flags=${process.env.JSFLAGS}`] : [])],
  });
  return { browser, ...(await openPage(browser, url, options)) };
}

/** A new tab of `browser` (of `width` CSS pixels) on `url`, allowed no request beyond this
 *  machine (`foreign` lists those refused) and watched for uncaught errors; resolves once the
 *  gallery is there, or at once where `gallery` is false (a host page of embeds). */
export async function openPage(browser, url, { width = 1280, gallery = true } = {}) {
  // A context of its own (axe-core opens pages beside it).
  const page = await (await browser.newContext({ viewport: { width, height: 720 } })).newPage();
  const foreign = [];
  await page.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost') return route.continue();
    foreign.push(route.request().url());
    return route.abort();
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // What the served Content-Security-Policy refused (scripts/serve-static.mjs), as errors.
  await page.exposeFunction('reportRefused', (what) => errors.push(`CSP refused ${what}`));
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation',
    (e) => window.reportRefused(`${e.effectiveDirective}: ${e.blockedURI}`)));
  await page.goto(url);
  if (gallery) await page.getByTestId('gallery').locator('button.pick').first().waitFor({ timeout: 60_000 });
  return { page, foreign, errors };
}
