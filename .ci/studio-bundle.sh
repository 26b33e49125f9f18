#!/usr/bin/env bash
# Rebuild the studio's front end from its npm packages (package-lock.json) and fail when
# the committed bundle (src/segdsl/tools/studio/static/studio.js) differs from the build:
# the wheel ships the bundle, so it must be the one the sources make.
#
#   bash .ci/studio-bundle.sh            # needs node and npm, and the npm registry
set -euo pipefail

web="$(cd "$(dirname "$0")/.." && pwd)/src/segdsl/tools/studio/web"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd "$web"
if ! { npm ci --no-audit --no-fund && npm run build; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "studio-bundle: the build failed" >&2
  exit 1
fi
if ! git diff --quiet -- ../static/studio.js; then
  echo "studio-bundle: static/studio.js is not what web/ builds; run 'npm run build' in $web and commit it" >&2
  exit 1
fi
