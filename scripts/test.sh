#!/usr/bin/env bash
# Runs every test suite: installs what is missing, builds, starts throwaway PostgreSQL and Redis
# servers on loopback, runs the unit suites (ctest; store suites on SQLite and PostgreSQL) and the
# integration suites (node's test runner driving the real binary, once per database), then stops
# the servers. Exits non-zero when anything fails, including a server that will not start.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/deps.sh test
scripts/build.sh -DOD_BUILD_TESTS=ON -DOD_BUILD_BENCH=ON

work=$(mktemp -d /tmp/od-test.XXXXXX)
chmod 755 "$work"  # the PostgreSQL cluster inside runs as the postgres user
pg_dir="$work/pg"
redis_pid=""
s3_pid=""
cleanup() {
  [[ -n "$redis_pid" ]] && kill "$redis_pid" 2>/dev/null || true
  [[ -n "$s3_pid" ]] && kill "$s3_pid" 2>/dev/null || true
  [[ -d "$pg_dir" ]] && scripts/pg-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pg_url=$(scripts/pg-cluster.sh start "$pg_dir")
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 1 100); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server failed to start" >&2; exit 1; }
  sleep 0.1
done
redis-cli -p "$redis_port" ping >/dev/null || { echo "redis-server did not answer" >&2; exit 1; }

# A real S3-compatible server (npm s3rver, tests/support/s3rver.mjs) for the S3 blob store: it
# needs tests/node_modules, so the npm install below is done here first when missing.
if [[ ! -d tests/node_modules/s3rver ]]; then npm ci --prefix tests --no-audit --no-fund; fi
node tests/support/s3rver.mjs > "$work/s3rver.json" 2> "$work/s3rver.log" &
s3_pid=$!
for _ in $(seq 1 100); do
  [[ -s "$work/s3rver.json" ]] && break
  kill -0 "$s3_pid" 2>/dev/null || { echo "s3rver failed to start" >&2; cat "$work/s3rver.log" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$work/s3rver.json" ]] || { echo "s3rver did not start" >&2; exit 1; }
s3_field() { node -e "process.stdout.write(JSON.parse(require('fs').readFileSync('$work/s3rver.json','utf8'))['$1'])"; }
export OD_TEST_S3_URL=$(s3_field url) OD_TEST_S3_BUCKET=$(s3_field bucket)
export OD_TEST_S3_ACCESS_KEY=$(s3_field accessKey) OD_TEST_S3_SECRET_KEY=$(s3_field secretKey)

export OD_TEST_POSTGRES_URL="$pg_url"
export OD_TEST_REDIS_URL="redis://127.0.0.1:$redis_port"
export OD_BINARY="$root/build/opendesign"

status=0
echo "== unit suites (ctest)"
(cd build && ctest --output-on-failure --timeout 600) || status=1

echo "== integration suites"
# The npm packages the suites drive (tests/package.json): installed with `npm ci` when
# tests/node_modules is missing or was installed from another lock file.
lock_sum=$(sha256sum tests/package-lock.json | cut -d' ' -f1)
if [[ "$(cat tests/node_modules/.lock-sha256 2>/dev/null)" != "$lock_sum" ]]; then
  npm ci --prefix tests --no-audit --no-fund
  echo "$lock_sum" > tests/node_modules/.lock-sha256
fi
for database in sqlite postgres; do
  echo "-- on $database"
  OD_TEST_DATABASE=$database node --test --test-timeout=600000 --test-concurrency=1 tests/integration/ || status=1
done

echo "== design-to-code fidelity"
# The real CLI's HTML rendered in headless Chromium (playwright-core): every node's box against
# the design, over the corpus in tests/design2code/corpus/ and the public Figma files in
# tests/design2code/figma/ (imported by the CLI, checked against Figma's own boxes); prints the
# pass rates. frameworks.test.mjs builds the React and Vue targets with Vite, tsc and vue-tsc from
# tests/node_modules and renders them the same way; output_validation.test.mjs parses every
# generated HTML file with parse5 and CSS file with css-tree.
node --test --test-timeout=600000 tests/design2code/ || status=1

echo "== screenshot-to-code metrics"
# The Design2Code metrics bench/image2code/evaluate.mjs scores with, against known values and a
# real Chromium render (tests/image2code).
node --test --test-timeout=600000 tests/image2code/ || status=1

echo "== interop suites"
# Yjs engine against the real yjs package: thousands of random edit histories (tests/interop/yjs).
OD_YJS_RUNNER="$root/build/yjs_runner" node --test --test-timeout=600000 tests/interop/yjs/ || status=1
# The collaboration server against the real yjs + y-websocket clients (tests/interop/collab),
# once per database like the integration suites.
for database in sqlite postgres; do
  OD_TEST_DATABASE=$database node --test --test-timeout=600000 --test-concurrency=1 tests/interop/collab/ || status=1
done
exit $status
