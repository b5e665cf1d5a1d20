#!/usr/bin/env bash
# Upload throughput and server memory for one large file, on this machine:
#   - the raw disk write speed of the data directory (dd with fdatasync), the ceiling to compare to
#   - POST /api/v1/assets of an N MiB MP4-typed file with curl (streamed: staged, hashed, renamed)
#   - the server's resident memory before and its peak (VmHWM) after
#   - GET of the same asset back (streamed from the blob store)
#   - the same file as a tus upload: POST creation, then one PATCH of the whole file (the last
#     byte triggers verification: the file is read once more to hash it)
# Usage: bench/upload.sh [--mib N] [--s3 endpoint,bucket,access,secret]   (default 1024 MiB)
# Needs a built binary (scripts/build.sh) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
mib=1024
extra=()
while (($#)); do
  case "$1" in
    --mib) mib=$2; shift 2 ;;
    --s3) IFS=, read -r endpoint bucket access secret <<<"$2"
          extra+=(--s3-endpoint "$endpoint" --s3-bucket "$bucket" --s3-access-key "$access"
                  --s3-secret-key "$secret"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d /tmp/od-bench-upload.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/opendesign serve --host 127.0.0.1 --port "$port" --data-dir "$work/data" --log-level warn \
  --rate-limits ip=100000000,login=100000000 --max-upload-mb 2048 --user-quota-mb 100000 \
  "${extra[@]}" 2>"$work/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
kill -0 $pid 2>/dev/null || { cat "$work/server.log" >&2; echo "the server did not start" >&2; exit 1; }
rss() { awk -v k="$1" '$1 == k":" {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status"; }

# The file: an ftyp box (so it sniffs as MP4), then random bytes.
file="$work/upload.mp4"
{ printf '\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom'; head -c $((mib * 1048576 - 24)) /dev/urandom; } >"$file"

echo "disk ceiling (dd ${mib} MiB, fdatasync): $(dd if="$file" of="$work/dd.out" bs=1M conv=fdatasync 2>&1 | tail -1 | awk -F, '{print $NF}')"
rm -f "$work/dd.out"

token=$(curl -sf -XPOST "$base/api/v1/auth/register" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"Correct-Horse-9"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
echo "server RSS before: $(rss VmRSS) (peak so far $(rss VmHWM))"
out=$(curl -s -o "$work/asset.json" -w '%{http_code} %{time_total} %{speed_upload}' -XPOST \
  "$base/api/v1/assets?filename=bench.mp4" -H "authorization: Bearer $token" \
  -H 'content-type: video/mp4' --upload-file "$file")
read -r status seconds speed <<<"$out"
[[ $status == 201 ]] || { echo "upload failed: $status $(cat "$work/asset.json")" >&2; exit 1; }
echo "direct upload ${mib} MiB: ${seconds}s, $(python3 -c "print(f'{$speed/1048576:.0f}')") MiB/s"
echo "server RSS after upload: $(rss VmRSS) (peak $(rss VmHWM))"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/asset.json")
out=$(curl -s -o /dev/null -w '%{http_code} %{time_total} %{speed_download}' \
  "$base/api/v1/assets/$id/content" -H "authorization: Bearer $token")
read -r status seconds speed <<<"$out"
echo "download ${mib} MiB: status $status, ${seconds}s, $(python3 -c "print(f'{$speed/1048576:.0f}')") MiB/s"
echo "server RSS after download: $(rss VmRSS) (peak $(rss VmHWM))"

# tus: a second user, so the direct upload does not count twice against one quota.
token=$(curl -sf -XPOST "$base/api/v1/auth/register" -H 'content-type: application/json' \
  -d '{"email":"bench2@example.com","password":"Correct-Horse-9"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
size=$(stat -c %s "$file")
location=$(curl -sf -D - -o /dev/null -XPOST "$base/api/v1/uploads" -H "authorization: Bearer $token" \
  -H 'tus-resumable: 1.0.0' -H "upload-length: $size" \
  -H "upload-metadata: filename $(printf bench.mp4 | base64),filetype $(printf video/mp4 | base64)" |
  awk -F': ' 'tolower($1) == "location" {print $2}' | tr -d '\r')
out=$(curl -s -D "$work/tus.headers" -o /dev/null -w '%{http_code} %{time_total} %{speed_upload}' \
  -XPATCH "$base$location" -H "authorization: Bearer $token" -H 'tus-resumable: 1.0.0' \
  -H 'upload-offset: 0' -H 'content-type: application/offset+octet-stream' --upload-file "$file")
read -r status seconds speed <<<"$out"
grep -qi '^upload-asset-id' "$work/tus.headers" || { echo "tus upload failed: $status" >&2; exit 1; }
echo "tus upload ${mib} MiB (one PATCH): ${seconds}s, $(python3 -c "print(f'{$speed/1048576:.0f}')") MiB/s"
echo "server RSS after tus: $(rss VmRSS) (peak $(rss VmHWM))"
