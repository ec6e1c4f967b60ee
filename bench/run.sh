#!/usr/bin/env bash
# Reproducible load benchmark: AssumeRoleWithWebIdentity (RS256, warm JWKS)
# and GetCallerIdentity (temporary credentials) against a release build on
# loopback. Usage: bench/run.sh   (env: DURATION=20s THREADS=2 CONNECTIONS=16)
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
ACCOUNT=123456789012

# PROFILE=dev is only for smoke-testing this script; figures come from release.
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build --release --quiet --bin stsgate --example bench_prepare
  OUTDIR=release
else
  cargo build --quiet --bin stsgate --example bench_prepare
  OUTDIR=debug
fi
TARGET=${CARGO_TARGET_DIR:-target}
BIN="$TARGET/$OUTDIR/stsgate"
PREP="$TARGET/$OUTDIR/examples/bench_prepare"

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi

WORK=$(mktemp -d /tmp/stsgate-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_http() { # url
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "timed out waiting for $1" >&2
  return 1
}

IDP_PORT=$(free_port)
GW_PORT=$(free_port)
ISSUER="http://127.0.0.1:$IDP_PORT"
GW="127.0.0.1:$GW_PORT"

ADMIN=$("$BIN" bootstrap --account-id "$ACCOUNT" --data-dir "$WORK/data" --json)
AK=$(printf '%s' "$ADMIN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_key_id"])')
SK=$(printf '%s' "$ADMIN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret_access_key"])')

STSGATE_LOG=warn "$BIN" mock-idp --listen "127.0.0.1:$IDP_PORT" >"$WORK/idp.log" 2>&1 &
PIDS+=($!)
STSGATE_LOG=warn "$BIN" serve --listen "$GW" --data-dir "$WORK/data" --allow-http-issuers \
  >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
wait_http "$ISSUER/.well-known/openid-configuration"
wait_http "http://$GW/healthz"

"$PREP" --gateway "$GW" --issuer "$ISSUER" --access-key-id "$AK" --secret "$SK" --out "$WORK"
export BENCH_DIR="$WORK"

echo
echo "== machine"
echo "nproc: $(nproc)"
lscpu | grep -m1 'Model name' || true
free -h | awk '/Mem:/ {print "memory: " $2}'
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
date -u +"date: %Y-%m-%dT%H:%M:%SZ"

summary=()
bench() { # name script
  local name=$1 script=$2 out
  echo
  echo "== $name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "bench/$script" "http://$GW/")
  echo "$out"
  if grep -q 'Non-2xx' <<<"$out"; then
    echo "ERROR: $name had non-2xx responses" >&2
    exit 1
  fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  summary+=("$(printf '%-28s %10s req/s   p50 %-9s p99 %s' "$name" "$rps" "$p50" "$p99")")
}
bench AssumeRoleWithWebIdentity arwwi.lua
bench GetCallerIdentity gci.lua
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "== openssl speed -seconds 5 rsa2048"
OSSL=$(openssl speed -seconds 5 rsa2048 2>/dev/null)
echo "$OSSL" | tail -3
VERIFY=$(awk '/^rsa 2048 bits/ {print $(NF)}' <<<"$OSSL")

echo
echo "== summary ($CONNECTIONS connections, $THREADS wrk threads, $DURATION each)"
printf '%s\n' "${summary[@]}"
echo "openssl rsa2048 verify/s (1 core): $VERIFY"
