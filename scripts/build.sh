#!/usr/bin/env bash
# Configures and builds with Ninja and ccache into build/ (BUILD_DIR overrides).
# Usage: scripts/build.sh [cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
# Let ccache reuse objects across checkouts in other directories (CI builds a fresh clone).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
ninja -C "$build_dir"
