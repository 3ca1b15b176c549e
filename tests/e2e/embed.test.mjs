// Embeds: the example course pages (pkg/course-example.html, classroom-example.html) served from
// another origin with their iframes on the app's origin, 320 px wide; resize messages in all three formats; an embed
// starts only once on screen; one view alone, with its hidden controls and a link to the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root } from './harness.mjs';
import { openPage } from './browser.mjs';
import { serve } from '../../scripts/serve-static.mjs';

const pkg = process.env.PKG ?? root + 'pkg';
let appServer, hostServer, browser, host;
before(async () => {
  appServer = await serve(pkg);
  // The host: the same course page on another origin (localhost, another port), its iframes
  // pointing at the app's origin (127.0.0.1).
  const dir = await mkdtemp(join(tmpdir(), 'course-'));
  const html = await readFile(join(pkg, 'course-example.html'), 'utf8');
  await writeFile(join(dir, 'course-example.html'), html.replaceAll('src="index.html', `src="${appServer.url}index.html`));
  await copyFile(join(pkg, 'course-example.js'), join(dir, 'course-example.js'));
  const classroom = await readFile(join(pkg, 'classroom-example.html'), 'utf8');
  await writeFile(join(dir, 'classroom-example.html'), classroom.replaceAll('src="index.html', `src="${appServer.url}index.html`));
  hostServer = await serve(dir, 0, { csp: null }); // a course site's own page
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const url = hostServer.url.replace('127.0.0.1', 'localhost') + 'course-example.html';
  host = await openPage(browser, url, { width: 320, gallery: false });
  await host.page.evaluate(() => {
    window.heard = [];
    addEventListener('message', (e) => window.heard.push(e.data));
  });
});
after(async () => {
  await browser?.close();
  appServer?.close();
  hostServer?.close();
});

/** The document inside the iframe matching `selector` on `page` (the host's by default), once it
 *  has one; scrolled on screen first where `scroll` (an embed starts only once it is seen). */
async function frame(selector, { page = host.page, scroll = false } = {}) {
  const element = await page.waitForSelector(selector, { state: 'attached' });
  if (scroll) await element.scrollIntoViewIfNeeded();
  for (let i = 0; i < 600; i++) {
    const inside = await element.contentFrame();
    if (inside && inside.url() !== 'about:blank') return inside;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no document in ${selector}`);
}

test('the attack view alone, 320 px wide, sized by its messages, with a link to the whole page', async () => {
  const { page } = host;
  const attack = await frame('iframe[src*="embed=attack"]');
  await attack.getByTestId('gallery').locator('button.pick').first().waitFor({ timeout: 60_000 });
  await attack.waitForFunction(() => document.querySelector('[data-testid="prediction"]')?.dataset.label === '7', null, { timeout: 60_000 });
  // One view: no page header, no other panel; the model chooser is there.
  assert.equal(await attack.getByTestId('backend').count(), 0);
  assert.equal(await attack.getByTestId('reproduce-panel').count(), 0);
  assert.equal(await attack.getByTestId('attack-run').count(), 1);
  // 320 px: nothing wider than the frame.
  const [content, frameWidth, wide] = await attack.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const over = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 0.5);
    return [document.documentElement.scrollWidth, w, over.slice(0, 5).map((e) => e.outerHTML.slice(0, 80))];
  });
  assert.ok(content <= frameWidth, `content ${content} px in a frame of ${frameWidth} px: ${wide.join(' | ')}`);
  // No service worker in a third-party frame (browsers refuse one there; the embed needs none).
  const workers = await attack.evaluate(() => navigator.serviceWorker?.getRegistrations()
    .then((r) => r.length, () => 0) ?? 0);
  assert.equal(workers, 0);
  // Its height reached the host in the three formats, and the host's listener applied it.
  await page.waitForFunction(() => window.heard.some((m) => m?.type === 'blindspot:resize'), null, { timeout: 10_000 });
  const heard = await page.evaluate(() => window.heard);
  const ours = heard.filter((m) => m?.type === 'blindspot:resize').at(-1);
  assert.ok(heard.some((m) => m?.subject === 'lti.frameResize' && m.height === ours.height), JSON.stringify(heard));
  assert.ok(heard.some((m) => typeof m === 'string' && JSON.parse(m).context === 'iframe.resize'), JSON.stringify(heard));
  const height = await attack.evaluate(() => document.documentElement.scrollHeight);
  await page.waitForFunction((h) => [...document.querySelectorAll('iframe')].some((f) => Math.abs(f.clientHeight - h) <= 2), height);
  // "Open in Blindspot": the whole page, same state, no embed.
  const full = new URL(await attack.getByTestId('open-full').getAttribute('href'));
  assert.equal(full.origin, new URL(appServer.url).origin);
  assert.match(full.hash, /^#model=fc100-100-10&digit=0&method=lbfgs&target=3&/);
  assert.doesNotMatch(full.hash, /embed=/);
  // The attack runs inside the embed.
  await attack.getByTestId('attack-run').click();
  await attack.waitForFunction(() => document.querySelector('[data-testid="adv-prediction"]')?.dataset.label === '3', null, { timeout: 120_000 });
  assert.deepEqual([host.foreign, host.errors], [[], []]);
});

test('an embed waits until it is on screen, and hides the controls its link names', async () => {
  const { page } = host;
  // A frame far below the fold, without the browser's own lazy loading: it loads, but waits.
  await page.evaluate((src) => {
    const spacer = Object.assign(document.createElement('div'), { style: 'height: 4000px' });
    const f = Object.assign(document.createElement('iframe'), { src, title: 'test', width: '100%', height: '600' });
    document.body.append(spacer, f);
  }, `${appServer.url}index.html#model=fc100-100-10&digit=0&hide=method,gallery&embed=transfer`);
  const transfer = await frame('iframe[title="test"]');
  await transfer.getByTestId('embed-waiting').waitFor({ timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await transfer.getByTestId('gallery').count(), 0, 'started before it was on screen');
  await page.evaluate(() => document.querySelector('iframe[title="test"]').scrollIntoView());
  await transfer.waitForFunction(() => document.querySelector('[data-testid="prediction"]')?.dataset.label === '7', null, { timeout: 60_000 });
  assert.equal(await transfer.getByTestId('attack-method').isVisible(), false);
  assert.equal(await transfer.getByTestId('gallery').isVisible(), false);
  assert.equal(await transfer.getByTestId('attack-target').isVisible(), true);
  assert.deepEqual([host.foreign, host.errors], [[], []]);
});

test('the classroom page: by hand, the quiz and a challenge embedded, each fitting 320 px', async () => {
  const classroom = await openPage(browser, hostServer.url.replace('127.0.0.1', 'localhost') + 'classroom-example.html',
    { width: 320, gallery: false });
  const inside = (selector) => frame(selector, { page: classroom.page, scroll: true });
  for (const [selector, shown] of [['iframe[src*="digit=2&target=4&embed=hand"]', 'hand-canvas'],
    ['iframe[src*="embed=quiz"]', 'quiz-start'], ['iframe[src*="challenge="]', 'challenge-task']]) {
    const view = await inside(selector);
    await view.getByTestId(shown).waitFor({ timeout: 60_000 });
    const [content, width] = await view.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(content <= width, `${selector}: content ${content} px in a frame of ${width} px`);
  }
  const challenge = await inside('iframe[src*="challenge="]');
  assert.match(await challenge.getByTestId('challenge-task').textContent(), /Make convnet read 4 on gallery digit 2/);
  assert.deepEqual([classroom.foreign, classroom.errors], [[], []]);
  await classroom.page.close();
});
