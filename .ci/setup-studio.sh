#!/usr/bin/env bash
# What the studio's tests need besides segdsl's [dev] extras: Debian's chromium and
# chromium-driver (the browser test drives them with Selenium), and the Python packages
# of the `studio` and `studio-test` extras.
#
#   bash .ci/setup-studio.sh [PYTHON]     # as root on Debian; PYTHON: the venv's python
#
# Idempotent and quiet unless something fails. Then run the tests with
# SEGDSL_REQUIRE_ENGINES=1 (a missing browser fails instead of skipping) and, to keep the
# screenshots, SEGDSL_ARTIFACTS=/some/folder.
set -euo pipefail

python=${1:-${PYTHON:-python3}}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  ok=0
  # Another apt run may hold the dpkg lock for a while: try again.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    if apt-get update -qq >"$log" 2>&1 &&
      apt-get install -y -qq --no-install-recommends "${need[@]}" >>"$log" 2>&1; then
      ok=1
      break
    fi
    sleep 15
  done
  if ((!ok)); then
    cat "$log" >&2
    echo "setup-studio: could not install ${need[*]}" >&2
    exit 1
  fi
fi

if ! "$python" -m pip install -q 'starlette>=0.40' 'uvicorn>=0.30' 'selenium>=4.20' >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup-studio: pip install failed" >&2
  exit 1
fi
