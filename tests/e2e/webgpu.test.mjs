// WebGPU through the app's worker (SwiftShader here): the page finds the adapter, starts the
// worker, measures it against the CPU, and must get the CPU's answers from it (attacks, photos,
// training steps); a device lost mid-attack must not lose the attack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, waitLabel as waitFor, watchBlocking, longestBlock, shownBlock, setTrainForm, PAGE_TASK_LIMIT_MS } from './harness.mjs';

const app = useApp();
const waitLabel = (id, expected, timeout) => waitFor(app.page, id, expected, timeout);
async function selectModel(name) {
  await app.page.getByTestId('model-select').selectOption(name);
}

async function probs() {
  return Promise.all([...Array(10).keys()].map(async (d) => Number(await app.page.getByTestId(`prob-${d}`).getAttribute('data-value'))));
}
async function pick(i, expected) {
  await app.page.getByTestId('gallery').locator(`button.pick[data-index="${i}"]`).click();
  await waitLabel('prediction', expected);
}
async function useBackend(value, shown) {
  await app.page.getByTestId('backend-select').selectOption(value);
  await app.page.waitForFunction((s) => document.querySelector('[data-testid="backend"]').textContent === s, shown);
}
async function fgsmTo3() {
  await app.page.getByTestId('attack-method').selectOption('fgsm');
  await app.page.getByTestId('attack-target').selectOption('3');
  await app.page.getByTestId('attack-run').click();
  await app.page.getByTestId('adv-prediction').waitFor({ timeout: 120_000 });
  return {
    label: await app.page.getByTestId('adv-prediction').getAttribute('data-label'),
    rms: Number(await app.page.getByTestId('distortion').getAttribute('data-value')),
  };
}

test('WebGPU (SwiftShader here) gives the CPU backend’s answers, and the faster backend was chosen', async () => {
  const { page } = app;
  // Start-up found the software adapter and measured it slower than the CPU.
  await page.waitForFunction(() => document.querySelector('[data-testid="backend-select"] option[value="webgpu"]'), null, { timeout: 60_000 });
  assert.equal(await page.getByTestId('backend').textContent(), 'CPU');
  await selectModel('fc100-100-10');
  await useBackend('cpu', 'CPU');
  await pick(0, 7);
  await pick(1, 2);
  const cpu = await probs();
  const cpuAttack = await fgsmTo3();
  await useBackend('webgpu', 'WebGPU');
  await pick(0, 7);
  await pick(1, 2);
  const gpu = await probs();
  const gpuAttack = await fgsmTo3();
  const diff = Math.max(...cpu.map((p, d) => Math.abs(p - gpu[d])));
  assert.ok(diff < 1e-4, `probabilities differ by ${diff}`);
  assert.equal(gpuAttack.label, cpuAttack.label);
  assert.ok(Math.abs(gpuAttack.rms - cpuAttack.rms) < 1e-4, `${gpuAttack.rms} vs ${cpuAttack.rms}`);
  await useBackend('cpu', 'CPU');
});

async function lbfgsTo3() {
  await app.page.getByTestId('attack-method').selectOption('lbfgs');
  await app.page.getByTestId('attack-target').selectOption('3');
  await app.page.getByTestId('attack-run').click();
  await waitLabel('adv-prediction', 3, 400_000);
  return Number(await app.page.getByTestId('distortion').getAttribute('data-value'));
}

// The whole paper's attack (c search, line searches, ~170 evaluations) on the one-layer
// fc10-1e-4: on SwiftShader every evaluation costs tens of kernel launches, and this model and
// digit need the fewest: test digit 15 (a 5) to 3 takes 172 evaluations (`blindspot attack
// fc10-1e-4 --indices 15 --target 3 --json`) and this test 93 s here; digit 0 (a 7) took 288 and
// 107 s. The multi-layer gradient on WebGPU is checked against the CPU's by the FGSM test above.
test('L-BFGS reaches the target on WebGPU as on the CPU', async () => {
  await selectModel('fc10-1e-4');
  await useBackend('cpu', 'CPU');
  await pick(15, 5);
  const cpu = await lbfgsTo3();
  await useBackend('webgpu', 'WebGPU');
  await pick(15, 5);
  const gpu = await lbfgsTo3();
  console.log(`# L-BFGS 5 → 3 on fc10-1e-4: RMS ${cpu} on the CPU, ${gpu} on WebGPU`);
  assert.ok(gpu > 0 && gpu < 0.1, `WebGPU rms ${gpu}`);
  assert.ok(Math.abs(gpu - cpu) < 0.005, `${gpu} vs ${cpu}`);
  await useBackend('cpu', 'CPU');
});

async function runLbfgsTo3() {
  await app.page.getByTestId('attack-method').selectOption('lbfgs');
  await app.page.getByTestId('attack-target').selectOption('3');
  await app.page.getByTestId('attack-run').click();
  // Mid-job: the worker has reported L-BFGS progress.
  await app.page.waitForFunction(() => /L-BFGS/.test(document.querySelector('[data-testid="attack-status"]')?.textContent ?? ''), null, { timeout: 120_000 });
}

test('Stop ends a WebGPU attack at once, and the worker never blocks the page', async () => {
  const { page } = app;
  await selectModel('fc100-100-10');
  await useBackend('webgpu', 'WebGPU');
  await pick(0, 7);
  await watchBlocking(page);
  await runLbfgsTo3();
  const stopped = Date.now();
  await page.getByTestId('attack-stop').click();
  await page.getByTestId('adv-prediction').waitFor({ timeout: 10_000 });
  const took = Date.now() - stopped, block = await longestBlock(page);
  console.log(`# WebGPU L-BFGS stopped: result shown ${took} ms after Stop; longest task ${shownBlock(block)}`);
  assert.ok(block < PAGE_TASK_LIMIT_MS, `the page was busy for ${block} ms`);
  assert.equal(await page.getByTestId('backend').textContent(), 'WebGPU');
});

test('a browser without WebGPU gets the CPU, a clear badge, and no worker download', async () => {
  const page = await app.browser.newPage();
  await page.addInitScript(() => delete Navigator.prototype.gpu);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(app.page.url());
  await page.waitForFunction(() => /no WebGPU/.test(document.querySelector('.badge')?.textContent ?? ''), null, { timeout: 60_000 });
  assert.equal(await page.getByTestId('backend').textContent(), 'CPU');
  assert.match(await page.locator('.badge').textContent(), /this browser has no WebGPU/);
  await page.getByTestId('gallery').locator('button.pick[data-index="0"]').click();
  await waitFor(page, 'prediction', 7);
  assert.equal(await page.locator('[data-testid="backend-select"] option[value="webgpu"]').count(), 0);
  // The only workers are CPU ones (the page warms the pool's first once its devices are up).
  assert.ok(page.workers().every((w) => w.url().includes('cpu_worker')), page.workers().map((w) => w.url()).join());
  assert.ok(!fetched.some((p) => p.includes('gpu_worker')), fetched.join());
  await page.close();
});

test('a photo is read on WebGPU as on the CPU worker (EfficientNet-Lite0, within 1e-3)', async () => {
  const { page } = app;
  const top5 = () => page.getByTestId('photo-top5').locator('li').evaluateAll(
    (els) => els.map((e) => ({ label: Number(e.dataset.label), value: Number(e.dataset.value) })));
  // Waits for the list of this photo (the one shown before stays until the new one is read).
  const read = async (name, first) => {
    const started = Date.now();
    await page.locator(`[data-testid="photo-sample"][data-name="${name}"]`).click();
    await page.waitForFunction(([l]) => document.querySelector('[data-testid="photo-top5"] li')?.dataset.label === l,
      [String(first)], { timeout: 180_000 });
    return { top: await top5(), ms: Date.now() - started };
  };
  await useBackend('webgpu', 'WebGPU');
  await page.getByTestId('photo-open').click();
  const gpu = await read('coffee.png', 967);
  await useBackend('cpu', 'CPU');
  const chelsea = await read('chelsea.png', 285);
  const cpu = await read('coffee.png', 967);
  console.log(`# Photos: coffee.png read in ${gpu.ms} ms on WebGPU (SwiftShader, model load included); on the CPU worker chelsea.png in ${chelsea.ms} ms (worker start and model load included), then coffee.png in ${cpu.ms} ms`);
  assert.deepEqual(gpu.top.map((t) => t.label), cpu.top.map((t) => t.label));
  gpu.top.forEach((t, i) => assert.ok(Math.abs(t.value - cpu.top[i].value) < 1e-3, `${t.label}: ${t.value} against ${cpu.top[i].value}`));
  assert.equal(cpu.top[0].label, 967, 'espresso');
});

// The Train panel's steps go where attacks go: the same short course (the convnet, no defence,
// two epochs of 1,000 digits) on the CPU workers, then on the WebGPU worker, whose status line
// says so. The two devices round differently, so the runs agree closely, not bit for bit; the
// checkups of both models run on the CPU workers.
test('the Train panel trains on the WebGPU worker where WebGPU is chosen, and learns as on the CPU', async () => {
  const { page } = app;
  await page.waitForFunction(() => document.querySelector('[data-testid="backend-select"] option[value="webgpu"]'), null, { timeout: 60_000 });
  await page.getByTestId('train-open').click();
  await setTrainForm(page, { arch: 'convnet', defence: 'none', digits: 1000, epochs: 2 });
  const progress = () => page.getByTestId('train-progress');
  const train = async (where) => {
    const started = Date.now();
    await page.getByTestId('train-start').click();
    await page.waitForFunction((w) => document.querySelector('[data-testid="train-progress"]').textContent.includes(`Training on ${w}`),
      where, { timeout: 120_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="train-progress"]')?.dataset.phase === 'finished', null, { timeout: 300_000 });
    const value = async (id) => Number(await page.getByTestId(id).getAttribute('data-value'));
    return { clean: await value('train-clean'), rms: await value('train-rms'),
      steps: Number(await progress().getAttribute('data-step')), seconds: (Date.now() - started) / 1000 };
  };
  await useBackend('cpu', 'CPU');
  const cpu = await train('the CPU workers');
  await useBackend('webgpu', 'WebGPU');
  const gpu = await train('the WebGPU worker');
  console.log(`# Train, the convnet, 2 epochs of 1,000 digits: CPU workers ${cpu.seconds.toFixed(1)} s, clean ${cpu.clean}, RMS ${cpu.rms}; ` +
    `WebGPU (SwiftShader) ${gpu.seconds.toFixed(1)} s, clean ${gpu.clean}, RMS ${gpu.rms}`);
  assert.equal(gpu.steps, cpu.steps);
  assert.ok(cpu.clean > 0.5, `the CPU run learned: ${cpu.clean}`);
  assert.ok(Math.abs(gpu.clean - cpu.clean) <= 0.03, `clean ${gpu.clean} on WebGPU against ${cpu.clean}`);
  assert.ok(Math.abs(gpu.rms - cpu.rms) <= 0.05 * cpu.rms, `mean L-BFGS RMS ${gpu.rms} on WebGPU against ${cpu.rms}`);
  assert.equal(await page.getByTestId('backend').textContent(), 'WebGPU');
  await useBackend('cpu', 'CPU');
});

test('a WebGPU device lost mid-attack: the attack is rerun on the CPU and the page says so', async () => {
  const { page } = app;
  await selectModel('fc100-100-10');
  await useBackend('webgpu', 'WebGPU');
  await pick(0, 7);
  await runLbfgsTo3();
  const worker = page.workers().find((w) => w.url().includes('gpu_worker'));
  assert.ok(worker, 'the WebGPU worker runs');
  // A real loss: the worker's own device destroyed through the WebGPU API.
  const destroyed = await worker.evaluate(() => self.gpuDevices.map((d) => d.destroy()).length);
  assert.ok(destroyed >= 1, 'the worker opened a device');
  await waitLabel('adv-prediction', 3, 60_000);
  assert.equal(await page.getByTestId('backend').textContent(), 'CPU');
  const notice = await page.getByTestId('notice').textContent();
  assert.match(notice, /lost|failed|silent/, notice);
  const rms = Number(await page.getByTestId('distortion').getAttribute('data-value'));
  assert.ok(rms > 0 && rms < 0.1, `rms ${rms}`);
  assert.equal(await page.locator('[data-testid="backend-select"] option[value="webgpu"]').count(), 0);
  console.log(`# device lost mid-attack: ${notice.trim()}; finished on the CPU with RMS ${rms}`);
});
