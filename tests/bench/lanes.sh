#!/usr/bin/env bash
# L-BFGS towards ostrich in one lane and in two (BENCHMARKS.md, "ImageNet speed"), on the three
# samples and ten more photos from the same scikit-image wheel: natively (`blindspot --json
# imagenet attack`, RAYON_NUM_THREADS=1 then 2) and in the Photos panel in Chromium
# (tests/e2e/bench-photos.mjs, CORES=1 then two workers). Prints each photo's time, evaluations
# and RMS both ways, and the geometric mean of the RMS ratios. Needs the release CLI
# (`cargo build --release -p blindspot-cli`), a built pkg/ (`trunk build`) and a Python with pip
# ($PYTHON, default python3) to download the wheel. Takes about 25 minutes on 2 cores.
# Usage: tests/bench/lanes.sh [native|browser|all, default all]
set -euo pipefail
cd "$(dirname "$0")/../.."
where=${1:-all}
dir=target/more-photos
more=(astronaut.png brick.png camera.png coins.png grass.png hubble_deep_field.jpg ihc.png moon.png
  motorcycle_left.png retina.jpg)
if [ ! -f "$dir/${more[-1]}" ]; then
  mkdir -p "$dir"
  "${PYTHON:-python3}" -m pip download --quiet --no-deps --dest "$dir" scikit-image==0.26.0
  unzip -o -j -q "$dir"/scikit_image-0.26.0-*.whl "${more[@]/#/skimage/data/}" -d "$dir"
fi
samples=models/imagenet/samples
paths=("$samples/chelsea.png" "$samples/coffee.png" "$samples/rocket.jpg" "${more[@]/#/$dir/}")
out=$(mktemp -d)

if [ "$where" != browser ]; then
  for lanes in 1 2; do
    for photo in "${paths[@]}"; do
      RAYON_NUM_THREADS=$lanes target/release/blindspot --json imagenet attack "$photo" |
        node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);
          console.log(JSON.stringify({photo:process.argv[1].split("/").pop(),wall_ms:r.ms,
          evaluations:r.iterations,rms:r.rms,after:r.label}))})' "$photo" >>"$out/native-$lanes"
    done
  done
fi
if [ "$where" != native ]; then
  list=$(IFS=,; echo "chelsea.png,coffee.png,rocket.jpg,${more[*]/#/$dir/}")
  PHOTOS=$list CORES=1 node tests/e2e/bench-photos.mjs all cpu 2>"$out/browser-1" >/dev/null
  PHOTOS=$list node tests/e2e/bench-photos.mjs all cpu 2>"$out/browser-2" >/dev/null
fi

node - "$out" <<'EOF'
const fs = require('node:fs');
const dir = process.argv[2];
const read = (f) => fs.existsSync(`${dir}/${f}`) ? fs.readFileSync(`${dir}/${f}`, 'utf8').split('\n')
  .filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).map((r) => r.lbfgs ? { photo: r.photo, ...r.lbfgs } : r) : [];
for (const where of ['native', 'browser']) {
  const [one, two] = [read(`${where}-1`), read(`${where}-2`)];
  if (!one.length) continue;
  console.log(`${where}: photo, one lane (s, evaluations, RMS), two lanes (the same), RMS two ÷ one`);
  const ratios = [];
  for (const a of one) {
    const b = two.find((r) => r.photo === a.photo);
    const ratio = b.rms / a.rms;
    ratios.push(ratio);
    const row = (r) => `${(r.wall_ms / 1000).toFixed(1)} s, ${r.evaluations}, ${r.rms.toFixed(6)}${r.after === 9 ? '' : ' (not ostrich)'}`;
    console.log(`  ${a.photo}: ${row(a)} | ${row(b)} | ${ratio.toFixed(3)}`);
  }
  const median = (xs) => xs.sort((p, q) => p - q)[xs.length >> 1];
  const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
  console.log(`  median time ${(median(one.map((r) => r.wall_ms)) / 1000).toFixed(1)} s | ${(median(two.map((r) => r.wall_ms)) / 1000).toFixed(1)} s;`
    + ` RMS ratio geometric mean ${geo.toFixed(3)}, smaller with two lanes on ${ratios.filter((r) => r < 1).length} of ${ratios.length}`);
}
EOF
