#!/usr/bin/env bash
# IAM load benchmark with a realistic principal: a user with 10 attached
# customer managed policies and 3 groups (each with an attached and an inline
# policy). wrk replays SigV4-signed GetCallerIdentity, iam:GetRole and
# iam:GetUser requests of that user (and iam:GetRole of the bootstrap admin)
# against a release build on loopback.
# Usage: bench/run_iam.sh   (env: DURATION=20s THREADS=2 CONNECTIONS=16 PROFILE=release)
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
ACCOUNT=123456789012

# PROFILE=dev is only for smoke-testing this script; figures come from release.
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build --release --quiet --bin stsgate --example bench_iam_prepare
  OUTDIR=release
else
  cargo build --quiet --bin stsgate --example bench_iam_prepare
  OUTDIR=debug
fi
TARGET=${CARGO_TARGET_DIR:-target}
BIN="$TARGET/$OUTDIR/stsgate"
PREP="$TARGET/$OUTDIR/examples/bench_iam_prepare"

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/stsgate-bench-iam.XXXXXX)
PID=
cleanup() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
GW="127.0.0.1:$PORT"

ADMIN=$("$BIN" bootstrap --account-id "$ACCOUNT" --data-dir "$WORK/data" --json)
AK=$(printf '%s' "$ADMIN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_key_id"])')
SK=$(printf '%s' "$ADMIN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret_access_key"])')

STSGATE_LOG=warn "$BIN" serve --listen "$GW" --data-dir "$WORK/data" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "http://$GW/healthz" && break
  sleep 0.1
done

"$PREP" --gateway "$GW" --access-key-id "$AK" --secret "$SK" --out "$WORK"
export BENCH_DIR="$WORK"

echo
echo "== machine"
echo "nproc: $(nproc)"
lscpu | grep -m1 'Model name' || true
free -h | awk '/Mem:/ {print "memory: " $2}'
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (dirty)')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
date -u +"date: %Y-%m-%dT%H:%M:%SZ"

summary=()
bench() { # label request-name
  local label=$1 req=$2 out status
  status=$(cat "$WORK/$req.status")
  echo
  echo "== $label (answers HTTP $status): wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
  out=$(BENCH_REQ=$req wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/iam.lua "http://$GW/")
  echo "$out"
  # A request the gateway answered 200 during preparation must stay 2xx.
  if [ "$status" = 200 ] && grep -q 'Non-2xx' <<<"$out"; then
    echo "ERROR: $label had non-2xx responses" >&2
    exit 1
  fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  summary+=("$(printf '%-34s HTTP %s %10s req/s   p50 %-9s p99 %s' "$label" "$status" "$rps" "$p50" "$p99")")
}
bench "GetCallerIdentity (user)" gci
bench "iam:GetRole (user)" getrole
bench "iam:GetUser (user)" getuser
bench "iam:GetRole (bootstrap admin)" getrole-admin
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "== summary ($CONNECTIONS connections, $THREADS wrk threads, $DURATION each)"
printf '%s\n' "${summary[@]}"
