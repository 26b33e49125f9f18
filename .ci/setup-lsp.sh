#!/usr/bin/env bash
# Tools for the VS Code extension of the language server (editors/vscode): Node.js and
# npm (Debian's packages when missing; node 16 or newer), then the extension's npm
# packages from its package-lock.json (vscode-languageclient, @vscode/vsce,
# vscode-textmate, vscode-oniguruma). tests/lsp/test_vscode.py then checks the TextMate
# grammar and builds the .vsix. Idempotent; quiet unless it fails.
#
#   bash .ci/setup-lsp.sh      # as root on a fresh Debian machine, from the checkout
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ext="$here/editors/vscode"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

run() {
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup-lsp: failed: $*" >&2
    exit 1
  fi
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  run apt-get update -q
  run apt-get install -y -q --no-install-recommends nodejs npm
fi

major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 16 ]; then
  echo "setup-lsp: node $major is too old: the extension's tools need node 16 or newer" >&2
  exit 1
fi

# Installed already from this package-lock.json: nothing to do.
if [ -x "$ext/node_modules/.bin/vsce" ] && [ -f "$ext/node_modules/.package-lock.json" ] &&
  [ "$ext/node_modules/.package-lock.json" -nt "$ext/package-lock.json" ]; then
  exit 0
fi
cd "$ext"
run npm ci --no-audit --no-fund
