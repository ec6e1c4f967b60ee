#!/usr/bin/env bash
# Run every test stsgate has, installing what a fresh machine lacks first.
#   - Rust unit + integration tests (both store backends when PostgreSQL is up)
#   - interop tests with boto3 and the aws CLI from a Python venv
# Usage: scripts/test.sh            (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '\n== %s\n' "$*"; }

# PostgreSQL: the machine runs one on 127.0.0.1:5432 (trust auth, database
# `test`); start it if it is installed but stopped. Tests create and drop
# their own databases.
export STSGATE_TEST_DATABASE_URL=${STSGATE_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  log "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! (command -v pg_isready >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q); then
  echo "PostgreSQL is not reachable at 127.0.0.1:5432: running the SQLite backend only" >&2
  unset STSGATE_TEST_DATABASE_URL
fi

# xmlsec1 signs SAML fixtures in the tests, so stsgate's verifier is checked
# against signatures its own code did not make.
if ! command -v xmlsec1 >/dev/null 2>&1; then
  log "installing xmlsec1 (SAML test fixtures)"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq && $apt_get install -y -qq xmlsec1 >/dev/null
fi

# Headless Chromium drives the SAML browser sign-in end to end.
if ! command -v chromedriver >/dev/null 2>&1; then
  log "installing chromium and chromium-driver (browser tests)"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq && $apt_get install -y -qq chromium chromium-driver >/dev/null
fi

# Python venv with boto3, the aws CLI (v1, from PyPI) and pytest.
venv="$root/.venv"
if [ ! -x "$venv/bin/pytest" ] || [ ! -x "$venv/bin/aws" ]; then
  log "creating Python venv for interop tests"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
fi

log "cargo build"
cargo build --all-targets --locked

log "cargo test"
cargo test --locked -- --test-threads=4

log "interop tests (boto3, aws CLI)"
STSGATE_BIN="$root/target/debug/stsgate" "$venv/bin/pytest" -q tests/interop
