// Blindspot's L-BFGS attack ported once to JavaScript, for the TF.js comparison only: the same
// projected L-BFGS (crates/core/src/attack/lbfgs.rs) and c search (attack/c_search.rs) with
// LbfgsConfig's defaults, over any batched objective `evaluate(x, x0, targets, cs)` that
// returns { value, label, margin, grad } per row. Targeted goals only. The bench checks that it
// reaches the targets Blindspot reaches, at a mean RMS within 2%.

export const CONFIG = {
  memory: 10, maxIterations: 60, tolerance: 1e-4, cFactor: 3, bracketSteps: 5, bisections: 5,
  cRatio: 1.02, temperature: 0.05,
};
const SAFEGUARD = 0.01;

const dot = (a, b) => { let s = 0; for (let j = 0; j < a.length; j++) s += a[j] * b[j]; return s; };
const pinned = (z, g) => (z <= 0 && g > 0) || (z >= 1 && g < 0);
const onFree = (z, g, v, scale) => v.map((vj, j) => (pinned(z[j], g[j]) ? 0 : scale * vj));

function direction(z, g, history) {
  const q = onFree(z, g, g, 1);
  const alphas = [];
  for (let i = history.length - 1; i >= 0; i--) {
    const [s, y, rho] = history[i];
    const a = rho * dot(s, q);
    for (let j = 0; j < q.length; j++) q[j] -= a * y[j];
    alphas.push(a);
  }
  if (history.length) {
    const [s, y] = history[history.length - 1];
    const gamma = dot(s, y) / Math.max(dot(y, y), 1e-20);
    for (let j = 0; j < q.length; j++) q[j] *= gamma;
  }
  history.forEach(([s, y, rho], i) => {
    const b = rho * dot(y, q);
    const a = alphas[alphas.length - 1 - i];
    for (let j = 0; j < q.length; j++) q[j] += s[j] * (a - b);
  });
  const d = onFree(z, g, q, -1);
  if (dot(d, g) < 0) return d;
  history.length = 0;
  return onFree(z, g, g, -1);
}

function projectedGradient(z, g) {
  let m = 0;
  for (let j = 0; j < z.length; j++) m = Math.max(m, Math.abs(Math.min(1, Math.max(0, z[j] - g[j])) - z[j]));
  return m;
}

const rows = (flat, dim) => Array.from({ length: flat.length / dim }, (_, k) => flat.slice(k * dim, (k + 1) * dim));
const concat = (list) => { const out = new Float32Array(list.reduce((n, r) => n + r.length, 0)); let o = 0; for (const r of list) { out.set(r, o); o += r.length; } return out; };

/** Projected L-BFGS on every problem at once from `start` (rows), distances from `x0`. */
async function minimise(evaluate, x0, start, targets, cs, dim) {
  const n = targets.length;
  const z = start.map((r) => Float32Array.from(r));
  const first = await evaluate(concat(z), concat(x0), targets, cs);
  const f = Array.from(first.value), label = Array.from(first.label), margin = Array.from(first.margin);
  const g = rows(first.grad, dim);
  const evaluations = new Array(n).fill(1);
  const history = Array.from({ length: n }, () => []);
  const done = new Array(n).fill(false);
  for (let iteration = 0; iteration < CONFIG.maxIterations; iteration++) {
    const active = [...Array(n).keys()].filter((k) => !done[k]);
    if (!active.length) break;
    const dirs = active.map((k) => direction(z[k], g[k], history[k]));
    const step = active.map((k, a) => {
      const largest = dirs[a].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      return history[k].length ? 1 : Math.min(0.1 / Math.max(largest, 1e-12), 1);
    });
    let pending = active.map((_, a) => a);
    for (let tries = 0; tries < 12 && pending.length; tries++) {
      const trial = pending.map((a) => z[active[a]].map((zj, j) => Math.min(1, Math.max(0, zj + step[a] * dirs[a][j]))));
      const ks = pending.map((a) => active[a]);
      const e = await evaluate(concat(trial), concat(ks.map((k) => x0[k])), ks.map((k) => targets[k]), ks.map((k) => cs[k]));
      const still = [];
      pending.forEach((a, i) => {
        const k = active[a];
        evaluations[k] += 1;
        const zt = trial[i];
        const moved = zt.map((v, j) => v - z[k][j]);
        if (e.value[i] <= f[k] + 1e-4 * dot(moved, g[k])) {
          const gt = e.grad.slice(i * dim, (i + 1) * dim);
          const y = gt.map((v, j) => v - g[k][j]);
          const sy = dot(moved, y);
          if (sy > 1e-10) {
            history[k].push([moved, y, 1 / sy]);
            if (history[k].length > CONFIG.memory) history[k].shift();
          }
          const converged = f[k] - e.value[i] <= 1e-7 * Math.max(Math.abs(f[k]), 1);
          f[k] = e.value[i]; label[k] = e.label[i]; margin[k] = e.margin[i];
          z[k] = zt; g[k] = gt;
          done[k] = converged || projectedGradient(z[k], g[k]) < CONFIG.tolerance;
        } else {
          step[a] *= 0.5;
          still.push(a);
        }
      });
      pending = still;
    }
    for (const a of pending) done[active[a]] = true;
  }
  return { z, label, margin, evaluations };
}

/** c_search.rs's `estimated_start`. */
function estimatedStart(grad, margin) {
  const c = CONFIG.temperature * dot(grad, grad) / (4 * -margin);
  return margin < 0 && Number.isFinite(c) && c > 0 ? c : null;
}

/** c_search.rs's `CSearch`. */
class CSearch {
  constructor(c) { Object.assign(this, { c, success: null, fail: null, previous: null, steps: 0, done: false }); }

  record(reached, margin) {
    const c = this.c;
    const bracketed = this.success && this.fail;
    if (bracketed && this.previous === reached) {
      const other = reached ? this.fail : this.success;
      other[1] /= 2;
    }
    if (bracketed) this.previous = reached;
    if (reached) { if (!this.success || c > this.success[0]) this.success = [c, margin]; }
    else if (!this.fail || c < this.fail[0]) this.fail = [c, margin];
    this.steps += 1;
    const outOfSteps = this.steps >= CONFIG.bracketSteps + CONFIG.bisections;
    if (this.success && this.fail) {
      this.done = outOfSteps || this.fail[0] / this.success[0] < CONFIG.cRatio;
      if (!this.done) this.c = inside(this.success, this.fail);
    } else {
      this.c = this.success ? this.c * CONFIG.cFactor : this.c / CONFIG.cFactor;
      this.done = this.steps > CONFIG.bracketSteps;
    }
  }
}

function inside([s, ms], [f, mf]) {
  const [low, high] = [Math.log(s), Math.log(f)];
  const width = high - low;
  if (!(ms > mf)) return Math.exp(low + width / 2);
  const estimate = low + (ms / (ms - mf)) * width;
  const nudge = Math.log(CONFIG.cRatio) / 3;
  const next = estimate - low < high - estimate ? estimate + nudge : estimate - nudge;
  return Math.exp(Math.min(high - SAFEGUARD * width, Math.max(low + SAFEGUARD * width, next)));
}

/** Targeted attacks on every row of `images` (flat, `dim` per row) at once: per image
 *  { reached, label, rms, evaluations }. */
export async function lbfgs(evaluate, images, targets, dim) {
  const x = rows(images, dim);
  const n = targets.length;
  const atX = await evaluate(images, images, targets, new Array(n).fill(0));
  const problems = x.map((row, k) => {
    const margin = atX.margin[k];
    const p = { search: new CSearch(0), best: null, last: null, evaluations: 1 };
    if (margin > 0) { p.best = { z: row, rms: 0, label: targets[k] }; p.search.done = true; }
    else p.search.c = estimatedStart(atX.grad.slice(k * dim, (k + 1) * dim), margin) ?? 1;
    return p;
  });
  while (problems.some((p) => !p.search.done)) {
    const active = problems.map((p, k) => k).filter((k) => !problems[k].search.done);
    const solved = await minimise(evaluate, active.map((k) => x[k]),
      active.map((k) => problems[k].last ?? x[k]), active.map((k) => targets[k]), active.map((k) => problems[k].search.c), dim);
    active.forEach((k, i) => {
      const p = problems[k];
      const z = solved.z[i];
      p.last = z;
      p.evaluations += solved.evaluations[i];
      const reached = solved.label[i] === targets[k];
      if (reached) {
        const rms = Math.sqrt(z.reduce((s, v, j) => s + (v - x[k][j]) ** 2, 0) / dim);
        if (!p.best || rms < p.best.rms) p.best = { z, rms, label: solved.label[i] };
      }
      p.search.record(reached, solved.margin[i]);
    });
  }
  return problems.map((p) => ({ reached: !!p.best, rms: p.best?.rms ?? 0, evaluations: p.evaluations }));
}

/** fgsm.rs's `pgd_each` for targeted goals, no random start: `steps` signed-gradient steps of
 *  2.5ε / steps on the plain cross-entropy (c = 0, T = 1), projected on the ε-ball and the box,
 *  then one evaluation for the labels. */
export async function pgd(evaluateCE, images, targets, epsilon, steps) {
  const step = steps === 1 ? epsilon : (2.5 * epsilon) / steps;
  const x = Float32Array.from(images);
  const dim = images.length / targets.length;
  for (let s = 0; s < steps; s++) {
    const { grad } = await evaluateCE(x, images, targets);
    for (let j = 0; j < x.length; j++) {
      const v = x[j] - step * Math.sign(grad[j]);
      x[j] = Math.min(1, Math.max(0, Math.min(images[j] + epsilon, Math.max(images[j] - epsilon, v))));
    }
  }
  const { label } = await evaluateCE(x, images, targets);
  return targets.map((t, k) => ({ reached: label[k] === t, rms: Math.sqrt(x.slice(k * dim, (k + 1) * dim).reduce((a, v, j) => a + (v - images[k * dim + j]) ** 2, 0) / dim) }));
}
