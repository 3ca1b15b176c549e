#!/usr/bin/env bash
# The Firefox suite (tests/e2e/firefox.test.mjs) on a Firefox ESR series other than the one
# installed: Debian 12 carries two (140 in main, 153 in bookworm-security) and users have either.
# Usage: tests/e2e/firefox-esr.sh SERIES [node --test arguments…]. The series' package is
# downloaded from this machine's archives and unpacked into target/firefox-esr-SERIES (once).
set -euo pipefail
cd "$(dirname "$0")/../.."
series=${1:?usage: tests/e2e/firefox-esr.sh SERIES (140 or 153)}
shift
dir=target/firefox-esr-$series
exe=$dir/usr/lib/firefox-esr/firefox-esr
candidate() { apt-cache madison firefox-esr | awk -v s="$series" '$3 ~ "^"s"\\." { print $3; exit }'; }
if [ ! -x "$exe" ]; then
  version=$(candidate)
  if [ -z "$version" ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    version=$(candidate)
  fi
  [ -n "$version" ] || { echo "no firefox-esr $series.x in this machine's package archives" >&2; exit 1; }
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq "firefox-esr=$version")
  rm -rf "$dir" && mkdir -p "$dir"
  dpkg -x "$tmp"/firefox-esr_*.deb "$dir"
  rm -rf "$tmp"
fi
echo "Firefox suite on $("$exe" --version)"
FIREFOX="$PWD/$exe" exec node --test "$@" tests/e2e/firefox.test.mjs
