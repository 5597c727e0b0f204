#!/usr/bin/env bash
# Runs the performance benchmarks and prints one table: figure, measured, goal, peer, ratio (JSON beside it in
# artifacts/benchmarks.json). Everything runs on 127.0.0.1: the bot published in Release (as deployed), a stand-in for
# Slack's and Teams' APIs, the Slack Bolt for JS peer, a bare Kestrel ceiling, and a throw-away PostgreSQL cluster.
# Installs what it lacks (wrk and PostgreSQL from Debian, Bolt from npm). Exits non-zero only when a figure could not
# be measured; a missed goal is a row marked MISSED.
# Usage: benchmarks/run.sh [--quick] [--only ack,declare,ingest,teams,doc]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work="$(mktemp -d /tmp/incidentbot-bench.XXXXXX)"
pg_data=""
cleanup() {
  if [ -n "$pg_data" ]; then
    su postgres -s /bin/sh -c "cd / && '$pg_bin/pg_ctl' -D '$pg_data' -m immediate -w stop" >/dev/null 2>&1 || true
    rm -rf "$pg_data"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if ((${#need[@]})); then
  echo "bench: installing ${need[*]}" >&2
  # A machine that never ran apt has no package lists yet.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Bolt peer, installed once per machine outside the repository.
bolt="${XDG_CACHE_HOME:-$HOME/.cache}/incidentbot-bench/bolt-peer"
mkdir -p "$bolt"
cp benchmarks/bolt-peer/package.json benchmarks/bolt-peer/app.js "$bolt/"
if [ ! -d "$bolt/node_modules/@slack/bolt" ]; then
  echo "bench: installing @slack/bolt for the peer" >&2
  (cd "$bolt" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

echo "bench: building Release (the bot published, as the deployment manifests do)" >&2
for step in "publish src/IncidentBot -o artifacts/bot" "build benchmarks/Bench" "build benchmarks/ReviewDoc"; do
  if ! log="$(dotnet $step -c Release -nologo -v quiet 2>&1)"; then
    echo "$log" >&2
    exit 1
  fi
done

# A PostgreSQL cluster of its own on a free loopback port (durable: fsync stays on, as in production).
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
pg_data="$(mktemp -d /tmp/incidentbot-bench-pg.XXXXXX)"
pg_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
chown postgres:postgres "$pg_data"
su postgres -s /bin/sh -c "cd / && '$pg_bin/initdb' -D '$pg_data' -A trust -U postgres -E UTF8" >/dev/null
su postgres -s /bin/sh -c "cd / && '$pg_bin/pg_ctl' -D '$pg_data' -l '$pg_data/server.log' -w -o \"-c listen_addresses=127.0.0.1 -p $pg_port -k /tmp -c max_connections=200\" start" >/dev/null
export BENCH_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Maximum Pool Size=50"
export BENCH_BOLT_DIR="$bolt"

echo "IncidentBot benchmarks — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo 'no git')"
status=0
dotnet benchmarks/Bench/bin/Release/net10.0/Bench.dll run "$repo" "$work" "$@" || status=$?
mkdir -p artifacts
cp "$work/results.json" artifacts/benchmarks.json 2>/dev/null && echo "JSON copied to artifacts/benchmarks.json"
exit "$status"
