// Firefox ESR (Debian's firefox-esr) driven by puppeteer-core over WebDriver BiDi: the core flow
// (draw, classify, L-BFGS to a target, upload, an embed, a link) on the CPU backend, and the same
// attack's RMS as Chromium's to the last printed digit; the by-hand view with mouse and keyboard;
// a short run of the Train panel keeping the same weights as Chromium's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { chromium } from 'playwright-core';
import { root, drawSeven, paintRows, HAND_BAR, keptTensors, waitLabel as waitLabelChromium } from './harness.mjs';
import { openApp, openPage } from './browser.mjs';
import { serve } from '../../scripts/serve-static.mjs';

const LINK = 'model=fc100-100-10&digit=1&method=lbfgs&target=3&backend=cpu';
let server;
let firefox;
before(async () => {
  server = await serve(process.env.PKG ?? root + 'pkg');
  // The window's size, set by Firefox's headless mode itself: puppeteer's setViewport sends
  // `emulation.setScreenOrientationOverride`, which Firefox ESR 140's WebDriver BiDi lacks.
  firefox = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    defaultViewport: null,
    env: { ...process.env, MOZ_HEADLESS_WIDTH: '1280', MOZ_HEADLESS_HEIGHT: '800' },
  });
  console.log(`# ${await firefox.version()}`);
});
after(async () => {
  await firefox?.close();
  server?.close();
});

/** A Firefox tab on `fragment`, its uncaught errors and every request that left this machine. */
async function openFirefox(fragment) {
  const page = await firefox.newPage();
  const errors = [];
  const foreign = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    // Requests that leave the page: data: URLs (Firefox reports the fonts it builds in as such)
    // reach nothing.
    const url = new URL(r.url());
    if (url.protocol !== 'data:' && !['127.0.0.1', 'localhost'].includes(url.hostname)) foreign.push(r.url());
  });
  await page.goto(`${server.url}#${fragment}`);
  await page.waitForSelector('[data-testid="gallery"] button.pick', { timeout: 60_000 });
  return { page, errors, foreign };
}

/** The value of `fn(...args)` in the page once it is truthy, polled from here every 100 ms:
 *  puppeteer's `waitForFunction` (and its locators, which use it) compile their predicate with
 *  `new Function` in the page, which the page's Content-Security-Policy refuses in Firefox ESR
 *  140 ("call to Function() blocked by CSP"). */
async function until(page, fn, args = [], timeout = 60_000, what = 'the page') {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await page.evaluate(fn, ...args);
    if (value) return value;
    if (Date.now() > end) throw new Error(`waited ${timeout} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Puppeteer's form of harness.mjs's `waitLabel`. */
async function waitLabel(page, id, expected, timeout = 60_000) {
  await until(page, (id, v) => document.querySelector(`[data-testid="${id}"]`)?.dataset.label === v,
    [id, String(expected)], timeout, `${id} to read ${expected}`);
}

/** Clicks `selector` as a person would: once it is there, enabled and still (its box the same
 *  in two reads 100 ms apart; a click on a button that layout moves can land beside it). */
async function clickReady(page, selector, timeout = 60_000) {
  const box = (s) => {
    const e = document.querySelector(s);
    if (!e || e.disabled) return '';
    const r = e.getBoundingClientRect();
    return `${r.x} ${r.y + scrollY} ${r.width} ${r.height}`;
  };
  let last = '';
  const end = Date.now() + timeout;
  for (;;) {
    const now = await page.evaluate(box, selector);
    if (now && now === last) break;
    if (Date.now() > end) throw new Error(`waited ${timeout} ms for ${selector} to be enabled and still`);
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await (await page.$(selector)).click();
}

/** The Photos panel's error message, or null. */
const photoError = (page) => page.evaluate(() => document.querySelector('[data-testid="photo-lab"] [data-testid="error"]')?.textContent ?? null);

test('Firefox: a link classifies, L-BFGS reaches its target with the same RMS as Chromium', async () => {
  const { page, errors, foreign } = await openFirefox(LINK);
  await waitLabel(page, 'prediction', 2);
  assert.equal(await page.$eval('[data-testid="backend"]', (e) => e.textContent), 'CPU');
  await clickReady(page, '[data-testid="attack-run"]');
  await waitLabel(page, 'adv-prediction', 3, 120_000);
  const rms = await page.$eval('[data-testid="distortion"]', (e) => e.dataset.value);
  const chromium = await openApp(`${server.url}#${LINK}`);
  try {
    await waitLabelChromium(chromium.page, 'prediction', 2);
    await chromium.page.getByTestId('attack-run').click();
    await waitLabelChromium(chromium.page, 'adv-prediction', 3, 120_000);
    assert.equal(rms, await chromium.page.getByTestId('distortion').getAttribute('data-value'));
  } finally {
    await chromium.browser.close();
  }
  assert.deepEqual([errors, foreign], [[], []]);
  await page.close();
});

test('Firefox: a drawn and an uploaded digit are read; an embed runs its attack', async () => {
  const { page, errors, foreign } = await openFirefox('model=convnet');
  const pad = await page.$('[data-testid="draw-canvas"]');
  await pad.scrollIntoView(); // WebDriver BiDi moves the pointer only within the viewport
  await drawSeven(page.mouse, await pad.boundingBox());
  await waitLabel(page, 'prediction', 7);
  await clickReady(page, '[data-testid="clear"]');
  await until(page, () => !document.querySelector('[data-testid="prediction"]').dataset.label, [], 60_000, 'the prediction to clear');
  await (await page.$('[data-testid="upload"]')).uploadFile(root + 'tests/fixtures/seven-photo.png');
  await waitLabel(page, 'prediction', 7);
  await page.goto('about:blank'); // a new load: autorun is read only when the page opens
  await page.goto(`${server.url}#model=fc100-100-10&digit=1&method=fgsm&target=3&autorun=1&embed=attack`);
  await waitLabel(page, 'adv-prediction', 3);
  assert.equal(await page.$('[data-testid="share"]'), null, 'an embed has no page header');
  assert.ok(await page.$('[data-testid="open-full"]'));
  assert.deepEqual([errors, foreign], [[], []]);
  await page.close();
});

test('Firefox: the Photos panel reads a sample in its CPU worker and PGD makes it an ostrich', async () => {
  const { page, errors, foreign } = await openFirefox('backend=cpu');
  await clickReady(page, '[data-testid="photo-open"]');
  // What a person waits for: the panel ready, then the sample's button enabled and still.
  await page.waitForSelector('[data-testid="photo-lab"][data-state="ready"]', { timeout: 60_000 });
  await clickReady(page, '[data-testid="photo-sample"][data-name="coffee.png"]');
  // The read ends with the top 5 or an error, never nothing.
  await page.waitForSelector('[data-testid="photo-top5"] li, [data-testid="photo-lab"] [data-testid="error"]', { timeout: 120_000 });
  assert.equal(await photoError(page), null);
  const first = (id) => page.$eval(`[data-testid="${id}"] li`, (e) => Number(e.dataset.label));
  assert.equal(await first('photo-top5'), 967, 'espresso');
  const started = Date.now();
  await clickReady(page, '[data-testid="photo-run"]');
  await page.waitForSelector('[data-testid="photo-adv-top5"] li, [data-testid="photo-lab"] [data-testid="error"]', { timeout: 120_000 });
  assert.equal(await photoError(page), null);
  console.log(`# Firefox: PGD-10 within 8/255 on coffee.png in ${Date.now() - started} ms`);
  assert.equal(await first('photo-adv-top5'), 9, 'ostrich');
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
  await page.close();
});

test('Firefox: by hand, a brushed bar and the keyboard make the convnet read the target, beside L-BFGS', async () => {
  const { digit, label, target, rows, from, to } = HAND_BAR;
  const { page, errors, foreign } = await openFirefox(`embed=hand&model=convnet&digit=${digit}&target=${target}&backend=cpu`);
  await waitLabel(page, 'prediction', label);
  const data = (id, key = 'value') => page.$eval(`[data-testid="${id}"]`, (e, key) => e.dataset[key], key);
  const canvas = await page.$('[data-testid="hand-canvas"]');
  await canvas.scrollIntoView();
  const box = await canvas.boundingBox();
  const reached = () => until(page, () => document.querySelector('[data-testid="hand-reached"]').dataset.value === 'true',
    [], 2000).then(() => true, () => false);
  let passes = 0;
  for (; passes < 8 && !(await reached()); passes++) await paintRows(page.mouse, box, rows, from, to);
  assert.ok(passes < 8 && (await reached()), 'the target was reached within 8 passes');
  const rms = Number(await data('hand-rms'));
  await until(page, () => document.querySelector('[data-testid="hand-compare"]')?.dataset.lbfgsRms, [], 60_000, 'L-BFGS');
  const lbfgs = Number(await data('hand-compare', 'lbfgsRms'));
  console.log(`# Firefox by hand: ${passes} passes, RMS ${rms.toFixed(3)}; L-BFGS RMS ${lbfgs.toFixed(3)}`);
  assert.ok(lbfgs > 0 && lbfgs < rms, `L-BFGS ${lbfgs} against the hand's ${rms}`);
  // The keyboard: the cursor up to row 2 (empty), one step of ink there.
  const l0 = Number(await data('hand-l0'));
  await canvas.focus();
  for (let k = 0; k < 12; k++) await page.keyboard.press('ArrowUp');
  await page.keyboard.press('+');
  assert.equal(await data('hand-canvas', 'cursor'), '2,14');
  assert.equal(Number(await data('hand-l0')), l0 + 1);
  assert.deepEqual([errors, foreign], [[], []]);
  await page.close();
});

test('Firefox: the Train panel trains on its workers and keeps the weights Chromium keeps', async () => {
  // One epoch of the convnet on 1,000 digits, no defence: MNIST gunzipped and checked in
  // Firefox's workers, the model kept in its Cache Storage, tensor for tensor Chromium's.
  const train = async (page, select, click) => {
    await select('[data-testid="train-digits"]', '1000');
    await select('[data-testid="train-defence"]', 'none');
    await click('[data-testid="train-start"]');
    await until(page, () => document.querySelector('[data-testid="train-kept"]')?.dataset.name, [], 240_000, 'the model kept');
    return keptTensors(page, await page.evaluate(() => document.querySelector('[data-testid="train-kept"]').dataset.name));
  };
  const page = await firefox.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}#embed=train`);
  await page.waitForSelector('[data-testid="train-digits"]', { timeout: 60_000 });
  const inFirefox = await train(page, (s, v) => page.select(s, v), (s) => clickReady(page, s));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const { page: other } = await openPage(browser, `${server.url}#embed=train`, { gallery: false });
    const inChromium = await train(other, (s, v) => other.locator(s).selectOption(v), (s) => other.locator(s).click());
    assert.equal(inFirefox, inChromium);
  } finally {
    await browser.close();
  }
  assert.deepEqual(errors, []);
  await page.close();
});
