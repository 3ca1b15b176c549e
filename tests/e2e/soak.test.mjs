// Memory under load, short: 50 attacks in a row after 100 to warm up, and the page's JS heap and
// wasm memory grew under 5%, with no Worker made (the long soak: node tests/e2e/soak.mjs). The
// warm-up is long because the JS heap grows over the first ~120 attacks (V8's code for what runs
// hot, Chromium's performance-timeline buffers: a heap snapshot diff, BENCHMARKS.md), then flat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp } from './harness.mjs';
import { watchMemory, soak } from './soak.mjs';

const app = useApp();

test('50 attacks in a row, once warm, leave the page memory flat', async () => {
  await watchMemory(app.page);
  const r = await soak(app.page, 50, 100);
  console.log(`# soak: ${r.attacks} attacks in ${r.seconds.toFixed(1)} s; JS heap ${r.before.js_heap} → ${r.after.js_heap} B, wasm memory ${r.before.wasm_memory} → ${r.after.wasm_memory} B, workers' wasm memory ${r.before.worker_wasm_memory} → ${r.after.worker_wasm_memory} B`);
  assert.equal(r.lbfgs_missed_targets, 0, 'every L-BFGS attack reached its target');
  assert.ok(r.js_heap_growth < 0.05, `JS heap grew ${(100 * r.js_heap_growth).toFixed(1)}%`);
  assert.ok(r.wasm_memory_growth < 0.05, `wasm memory grew ${(100 * r.wasm_memory_growth).toFixed(1)}%`);
  assert.ok(r.worker_wasm_memory_growth < 0.05, `the workers' wasm memory grew ${(100 * r.worker_wasm_memory_growth).toFixed(1)}%`);
  assert.equal(r.workers_made_during, 0);
  assert.deepEqual(app.errors, []);
});
