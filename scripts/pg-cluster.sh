#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests, on loopback only.
#   scripts/pg-cluster.sh start DIR   create and start a cluster in DIR; prints its URL (one line)
#   scripts/pg-cluster.sh stop DIR    stop it and remove DIR
# initdb refuses to run as root, so as root the cluster runs as the `postgres` system user.
set -euo pipefail

readonly PG_BIN=/usr/lib/postgresql/15/bin
readonly MARKER=.od-pg-cluster  # marks DIR as ours, so `stop` never removes anything else

die() {
  echo "pg-cluster: $*" >&2
  exit 1
}

usage() { die "usage: $0 start|stop DIR"; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# mktemp -d makes 0700 directories, so a cluster in $(mktemp -d)/pg is out of the postgres user's
# reach. Grant search (not read) permission on such parents, but only inside the temp directory.
open_temp_parents() {
  local tmp parent
  tmp=$(cd "${TMPDIR:-/tmp}" && pwd)
  local parents=()
  parent=$(dirname "$1")
  while [[ $parent == "$tmp"/* ]]; do
    parents=("$parent" "${parents[@]}")
    parent=$(dirname "$parent")
  done
  for parent in "${parents[@]}"; do
    as_owner test -x "$parent" || chmod o+x "$parent"
  done
}

url_for() { echo "postgres://postgres@127.0.0.1:$1/postgres"; }

running() {
  [[ -f $1/data/postmaster.pid ]] && as_owner "$PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

start() {
  local dir=$1
  [[ -x $PG_BIN/initdb ]] || die "PostgreSQL 15 is not installed ($PG_BIN/initdb missing)"
  if [[ -f $dir/$MARKER ]] && running "$dir"; then
    url_for "$(cat "$dir/port")"  # already started: same answer again
    return
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ -z $(ls -A "$dir") ]] || die "$dir is not empty and holds no running cluster"
  touch "$dir/$MARKER"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
    open_temp_parents "$dir"
    as_owner test -w "$dir" ||
      die "user postgres cannot write to $dir (is a parent directory closed to it?)"
  fi
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1 || die "initdb failed: $(tail -n 20 "$dir/initdb.log")"

  local port
  for _ in 1 2 3; do
    port=$(free_port) || die "cannot find a free port"
    # Another process may take the port between the probe and the bind: then try another one.
    if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start -o \
      "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off \
       -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      break
    fi
    port=""
  done
  [[ -n $port ]] || die "postgres did not start: $(tail -n 20 "$dir/server.log" 2>/dev/null)"

  for _ in $(seq 1 100); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      url_for "$port"
      return
    fi
    sleep 0.1
  done
  die "postgres on port $port does not accept connections: $(tail -n 20 "$dir/server.log")"
}

stop() {
  local dir=$1
  [[ -e $dir ]] || return 0  # already stopped and removed
  [[ -f $dir/$MARKER ]] || die "$dir was not made by $0; not removing it"
  if [[ -f $dir/data/postmaster.pid ]]; then
    if ! as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1; then
      ! running "$dir" || die "cannot stop the cluster in $dir"
    fi
  fi
  rm -rf -- "$dir"
}

[[ $# -eq 2 && -n $2 ]] || usage
case $1 in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
