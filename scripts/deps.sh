#!/usr/bin/env bash
# Installs what building and testing need on Debian 12, as root; does nothing when all is there.
# Usage: scripts/deps.sh [build|test]   (test adds the servers and tools the test suites start)
set -euo pipefail

build_packages=(
  g++ cmake ninja-build ccache pkg-config
  libboost-dev libssl-dev zlib1g-dev nlohmann-json3-dev libcli11-dev
  libsqlite3-dev libpq-dev libhiredis-dev libsodium-dev libcurl4-openssl-dev libzip-dev
  libopencv-dev libtesseract-dev libleptonica-dev tesseract-ocr-eng
  libvips-dev libavformat-dev libavcodec-dev libswscale-dev libavutil-dev
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql redis-server openssl python3 wrk curl
  chromium
  unzip  # tests/integration/generate.test.mjs reads result ZIPs
  libvips-tools ffmpeg
)

wanted=("${build_packages[@]}")
if [[ "${1:-build}" == "test" ]]; then
  wanted+=("${test_packages[@]}")
  # Node runs the integration and interop suites; any installed node >= 18 will do.
  if ! command -v node >/dev/null 2>&1; then wanted+=(nodejs npm); fi
fi

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then exit 0; fi

echo "installing: ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  echo "scripts/deps.sh: these packages are missing and installing them needs root: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
