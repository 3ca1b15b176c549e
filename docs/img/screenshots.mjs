// Takes README's two screenshots (docs/img/app.png, docs/img/embed.png) of the built app in pkg/ with Debian's Chromium; run `node docs/img/screenshots.mjs` from the repository root after scripts/serve (or scripts/test) has built pkg/.
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve-static.mjs';

const root = new URL('../../', import.meta.url).pathname;
const out = new URL('./', import.meta.url).pathname;
const server = await serve(root + 'pkg');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});

/** A page of `width`×`height` CSS pixels on the app at `fragment`. */
async function open(fragment, width, height) {
  const page = await (await browser.newContext({ viewport: { width, height } })).newPage();
  await page.goto(`${server.url}#${fragment}`);
  return page;
}

/** Resolves once the attack's result names a class (`label`: that class, or any). */
const result = (page, label) => page.waitForFunction((v) => {
  const got = document.querySelector('[data-testid="adv-prediction"]')?.dataset.label;
  return v === null ? got !== undefined && got !== '' : got === v;
}, label, { timeout: 120_000 });

try {
  // The whole app: test digit 1 (a 2) taken to 3 by the paper's L-BFGS on the convnet.
  const app = await open('model=convnet&digit=1&method=lbfgs&target=3&backend=cpu', 1280, 900);
  await app.locator('[data-testid="gallery"] button.pick').first().waitFor({ timeout: 60_000 });
  await app.locator('[data-testid="attack-run"]').click();
  await result(app, '3');
  // The attack's controls and its result (original | adversarial | perturbation) in view.
  await app.locator('[data-testid="attack-run"]').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await app.mouse.wheel(0, -80);
  await app.waitForTimeout(300);
  await app.screenshot({ path: out + 'app.png' });

  // An embed of the attack view, as a course page shows it (its link runs the attack itself).
  const embed = await open('model=fc100-100-10&digit=1&method=fgsm&target=3&autorun=1&embed=attack', 800, 600);
  await result(embed, null);
  await embed.screenshot({ path: out + 'embed.png', fullPage: true });
  console.log(`wrote ${out}app.png and ${out}embed.png`);
} finally {
  await browser.close();
  server.close();
}
