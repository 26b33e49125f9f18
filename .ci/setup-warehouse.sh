#!/usr/bin/env bash
# Set up what the warehouse tests (tests/warehouse) need besides segdsl's [dev] extras:
# dbt-core 1.11 with the dbt-duckdb adapter, in a virtual environment of its own (their
# pins are not segdsl's; dbt-core 1.12 fetches a parser from outside the package
# registries while installing, 1.11 installs from PyPI alone).
#
#     bash .ci/setup-warehouse.sh [VENV | PYTHON]
#
# VENV (default: $SEGDSL_DBT_VENV, else /opt/segdsl-dbt) is where dbt goes; an argument
# that is a Python executable (as .ci/run passes its dev environment's) is used to
# create that environment instead. The tests run $SEGDSL_TEST_DBT, else
# /opt/segdsl-dbt/bin/dbt when it exists. Idempotent (with dbt in place it only checks
# it), quiet unless it fails. PostgreSQL for `sync` comes from .ci/run
# (SEGDSL_TEST_POSTGRES_DSN), like tests/engines.
set -euo pipefail

VENV="${SEGDSL_DBT_VENV:-/opt/segdsl-dbt}"
if [ $# -ge 1 ]; then
  if [ -f "$1" ] && [ -x "$1" ]; then
    PYTHON="$1"
  else
    VENV="$1"
  fi
fi
PYTHON="${PYTHON:-python3}"
LOG="$(mktemp "${TMPDIR:-/tmp}/segdsl-dbt-setup.XXXXXX")"
trap 'rm -f "$LOG"' EXIT

fail() {
  cat "$LOG" >&2
  echo "setup-warehouse: $*" >&2
  exit 1
}

if [ -x "$VENV/bin/dbt" ] && "$VENV/bin/dbt" --version 2>/dev/null | grep -q "installed: 1\.11\."; then
  if "$VENV/bin/python" -c "import dbt.adapters.duckdb" >/dev/null 2>&1; then
    exit 0
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV" >"$LOG" 2>&1 ||
    fail "cannot create a virtual environment at $VENV with $PYTHON (on Debian: apt-get install python3-venv)"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "dbt-core>=1.11,<1.12" "dbt-duckdb>=1.11,<1.12" >"$LOG" 2>&1 ||
  fail "pip install of dbt-core 1.11 and dbt-duckdb failed"
DBT_SEND_ANONYMOUS_USAGE_STATS=false "$VENV/bin/dbt" --version >"$LOG" 2>&1 ||
  fail "dbt does not run after the install"
grep -q "installed: 1\.11\." "$LOG" || fail "dbt-core is not 1.11 after the install"
