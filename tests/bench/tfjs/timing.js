// The browser benches' timer (bench.js, photos.js): repeated calls of one function, timed.

const now = () => performance.now();

/** Median and minimum milliseconds of `reps` calls of `run` after `warm` untimed ones. */
export async function timed(run, reps, warm = 3) {
  for (let i = 0; i < warm; i++) await run();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t = now();
    await run();
    times.push(now() - t);
  }
  times.sort((a, b) => a - b);
  return { median_ms: times[Math.floor(times.length / 2)], min_ms: times[0], reps };
}
