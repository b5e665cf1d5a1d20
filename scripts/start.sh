#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs the server on its embedded defaults
# (SQLite and local files in ./data, port 8080). Extra arguments go to `opendesign serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
scripts/build.sh -DOD_BUILD_TESTS=OFF -DOD_BUILD_BENCH=OFF
exec build/opendesign serve "$@"
