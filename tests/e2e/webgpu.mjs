// The WebGPU build only: `trunk build --release --offline --features webgpu --dist
// target/pkg-webgpu`, then `PKG=target/pkg-webgpu node --test tests/e2e/webgpu.mjs` (scripts/test
// does both). Not matched by `node --test tests/e2e/`: the default build has no WebGPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, waitLabel as waitFor } from './harness.mjs';

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

test('L-BFGS reaches the target on WebGPU as on the CPU', async () => {
  await selectModel('fc100-100-10');
  await useBackend('cpu', 'CPU');
  await pick(0, 7);
  const cpu = await lbfgsTo3();
  await useBackend('webgpu', 'WebGPU');
  await pick(0, 7);
  const gpu = await lbfgsTo3();
  console.log(`# L-BFGS 7 → 3 on fc100-100-10: RMS ${cpu} on the CPU, ${gpu} on WebGPU`);
  assert.ok(gpu > 0 && gpu < 0.1, `WebGPU rms ${gpu}`);
  assert.ok(Math.abs(gpu - cpu) < 0.005, `${gpu} vs ${cpu}`);
  await useBackend('cpu', 'CPU');
});
