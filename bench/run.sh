#!/usr/bin/env bash
# Load benchmark of the real server with wrk, on this machine:
#   - GET /api/v1/projects/{id}, authenticated, read from the database (64 connections)
#   - POST /api/v1/auth/login (argon2id dominates; 16 connections)
#   - resident memory idle (after start) and after the load (VmRSS and peak VmHWM)
# Usage: bench/run.sh [--database postgres://...] [--seconds N]
# Needs a built binary (scripts/build.sh) and wrk (scripts/deps.sh test installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=10
extra=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --database) extra+=(--database "$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d /tmp/od-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/opendesign serve --host 127.0.0.1 --port "$port" --data-dir "$work" --log-level warn \
  --rate-limits ip=100000000,login=100000000 "${extra[@]}" 2>"$work/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
kill -0 $pid 2>/dev/null || { cat "$work/server.log" >&2; echo "the server did not start" >&2; exit 1; }

rss() { awk -v k="$1" '$1 == k":" {print $2 / 1024 " MiB"}' "/proc/$pid/status"; }
echo "idle RSS: $(rss VmRSS)"

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
export BENCH_EMAIL="bench@example.com" BENCH_PASSWORD="Correct-Horse-9"
BENCH_TOKEN=$(curl -sf -XPOST "$base/api/v1/auth/register" -H 'content-type: application/json' \
  -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}" | json '["accessToken"]')
BENCH_PROJECT=$(curl -sf -XPOST "$base/api/v1/projects" -H "authorization: Bearer $BENCH_TOKEN" \
  -H 'content-type: application/json' \
  -d '{"title":"Bench","tags":["web"],"designJson":{"root":{"type":"frame","children":[{"type":"text","text":"Hello"}]}},"code":{"html":"<h1>Hello</h1>","framework":"plain"}}' |
  json '["id"]')
export BENCH_TOKEN BENCH_PROJECT

report() { grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors" | sed 's/^ */  /'; }
echo "GET /api/v1/projects/{id}: 64 connections, ${seconds}s"
wrk -t2 -c64 -d"${seconds}s" --latency -s bench/get_project.lua "$base" | report
echo "POST /api/v1/auth/login: 16 connections, ${seconds}s"
wrk -t2 -c16 -d"${seconds}s" --latency -s bench/login.lua "$base" | report
echo "loaded RSS: $(rss VmRSS) (peak $(rss VmHWM))"
