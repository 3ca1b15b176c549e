// The Train panel's speed, memory and what it learns, in Chromium on this machine: the convnet
// trained with FGSM from a random start at ε 0.1 on all 60,000 training digits, seed 1 —
// EPOCHS (default 5) epochs on the pool's workers (one per core the browser reports, here 2),
// then one epoch on 1 worker (the page told it has one core). Per epoch: its time (batches
// only, and with its checkup), the checkup (clean accuracy on 1,000 gallery digits, PGD-20 at
// ε 0.1 on 200, mean minimal L-BFGS RMS on 20, with the plain convnet's), the page's longest
// task, and the browser's memory (the resident size of all its processes).
// DEFENCE (default fgsm; none, pgd, pgd-l2 or pool) changes the course's defence; ONE_WORKER=0 skips
// the 1-worker epoch (a pool first joins epoch 2).
// Run: node tests/e2e/bench-train.mjs  (prints JSON)
import { readFileSync, readdirSync } from 'node:fs';
import { serve } from '../../scripts/serve-static.mjs';
import { chromium } from 'playwright-core';
import { openPage } from './browser.mjs';
import { watchBlocking, longestBlock, setTrainForm } from './harness.mjs';

const root = new URL('../../', import.meta.url).pathname;
const EPOCHS = Number(process.env.EPOCHS ?? 5);
const DEFENCE = process.env.DEFENCE ?? 'fgsm';
const server = await serve(process.env.PKG ?? root + 'pkg');
const origin = new URL(server.url).origin;

/** Resident MB of every Chromium process. */
function browserMb() {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
      kb += Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    } catch { /* gone */ }
  }
  return Math.round(kb / 1024);
}

const data = (page) => page.getByTestId('train-progress').evaluate((p) => ({ ...p.dataset }));
const value = async (page, id) => Number(await page.getByTestId(id).getAttribute('data-value'));

async function train(page, epochs) {
  await setTrainForm(page, { digits: 60000, defence: DEFENCE, epochs });
  const rows = [];
  let started = Date.now();
  await page.getByTestId('train-start').click();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    await watchBlocking(page);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="train-chart-clean"]')[0]?.dataset.points === String(n),
      epoch, { timeout: 900_000 });
    const d = await data(page);
    const now = Date.now();
    rows.push({
      epoch, seconds: +((now - started) / 1000).toFixed(1), ms_per_batch: Number(d.msPerStep),
      clean: await value(page, 'train-clean'), pgd20: await value(page, 'train-robust'), rms: await value(page, 'train-rms'),
      longest_task_ms: Math.round(await longestBlock(page)), browser_mb: browserMb(),
    });
    console.error(JSON.stringify(rows.at(-1)));
    started = now;
  }
  await page.waitForFunction(() => document.querySelector('[data-testid="train-progress"]')?.dataset.phase === 'finished', null, { timeout: 60_000 });
  const plain = { clean: (await page.getByTestId('train-clean').textContent()).match(/plain: ([0-9.]+)/)?.[1],
    rms: (await page.getByTestId('train-rms').textContent()).match(/plain: ([0-9.]+)/)?.[1],
    pgd20: (await page.getByTestId('train-robust').textContent()).match(/plain: ([0-9.]+)/)?.[1] };
  return { rows, plain };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const { page } = await openPage(browser, `${origin}/#embed=train`, { gallery: false });
const report = { defence: DEFENCE, cores: (await page.evaluate(() => navigator.hardwareConcurrency)) };
report.two_workers = await train(page, EPOCHS);
await page.close();
if (process.env.ONE_WORKER !== '0') {
  const one = await (await browser.newContext()).newPage();
  await one.addInitScript(() => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 1 }));
  await one.goto(`${origin}/#embed=train`);
  report.one_worker = await train(one, 1);
}
console.log(JSON.stringify(report, null, 1));
await browser.close();
server.close();
