// Trunk's post-build hook (Trunk.toml), in order: the inline loader out to a file (for the strict
// CSP), MNIST's training digits beside the page (the Train panel's), then the service worker
// for this build (offline use). The WebGPU worker's build has no
// loader and gets neither.
import { moveLoader } from './loader-file.mjs';
import { writeServiceWorker } from './service-worker.mjs';
import { writeTrainingDigits } from './training-digits.mjs';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('post-build.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
if (await moveLoader(dir)) {
  await writeTrainingDigits(dir);
  await writeServiceWorker(dir);
}
