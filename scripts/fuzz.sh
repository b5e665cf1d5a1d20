#!/usr/bin/env bash
# Fuzzes the Yjs engine's decoders (tests/fuzz/yjs_decode_fuzz.cpp) with libFuzzer under
# AddressSanitizer and UndefinedBehaviorSanitizer. NOT part of CI or scripts/test.sh: it runs for
# a fixed time and is meant to be run by hand after changing src/engines/yjs.
# Usage: scripts/fuzz.sh [seconds]   (default 60; needs clang-14, libclang-rt-14-dev and node)
# Builds into build-fuzz/, seeds the corpus from the differential-test generator
# (tests/interop/yjs/generate.mjs), keeps found crashes in build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=build-fuzz

if ! command -v clang++-14 >/dev/null || ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  [[ $(id -u) -eq 0 ]] || { echo "scripts/fuzz.sh: needs clang-14 and libclang-rt-14-dev" >&2; exit 1; }
  apt-get install -y -q --no-install-recommends clang-14 libclang-rt-14-dev
fi

mkdir -p "$out/obj" "$out/corpus" "$out/crashes"
common=(-std=c++20 -O1 -g -fno-sanitize-recover=undefined -Isrc)
# The library is instrumented for coverage but without libFuzzer's main; the target links it.
for src in src/engines/yjs/*.cpp; do
  clang++-14 "${common[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "$src" \
    -o "$out/obj/$(basename "${src%.cpp}").o"
done
clang++-14 "${common[@]}" -fsanitize=fuzzer,address,undefined tests/fuzz/yjs_decode_fuzz.cpp \
  "$out"/obj/*.o -o "$out/yjs_decode_fuzz"

if [[ -z "$(ls -A "$out/corpus")" ]]; then
  [[ -d tests/node_modules/yjs ]] || npm ci --prefix tests
  node tests/interop/yjs/generate.mjs --corpus "$out/corpus" 200
fi
"$out/yjs_decode_fuzz" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -artifact_prefix="$out/crashes/" "$out/corpus"
