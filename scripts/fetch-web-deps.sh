#!/usr/bin/env bash
# Installs the browser library the trend dashboard inlines into its page
# (uPlot; scripts/dashboard.py) into BUILD_DIR/web/node_modules, at the
# version and integrity hash pinned by scripts/dashboard/package-lock.json:
# `npm ci` refuses a download whose hash differs from the lock's.
#   scripts/fetch-web-deps.sh [BUILD_DIR]      (default: build)
# Called by scripts/setup.sh. Quick when the locked version is already
# there. Installs Debian's npm (only when there is no npm at all). When the
# registry cannot be reached it says so in one line and exits 0: the build
# goes on, and dashboard.py names this script when it cannot find uPlot.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lock="$here/dashboard/package-lock.json"
web="${1:-build}/web"
dist="$web/node_modules/uplot/dist/uPlot.iife.min.js"

version_in() {  # the version of node_modules/uplot recorded in a lock or package file
  sed -n "$2" "$1" 2>/dev/null | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' | head -n 1 || true
}
locked=$(version_in "$lock" '/"node_modules\/uplot"/,/}/p')
installed=$(version_in "$web/node_modules/uplot/package.json" '1,$p')
if [ -n "$locked" ] && [ "$installed" = "$locked" ] && [ -f "$dist" ] \
   && cmp -s "$lock" "$web/package-lock.json"; then
  exit 0
fi

warn() {
  echo "warning: uPlot $locked not installed into $web ($1); scripts/dashboard.py needs it:" \
       "run scripts/setup.sh again once the npm registry can be reached" >&2
  exit 0
}

if ! command -v npm >/dev/null 2>&1; then
  source "$here/install-missing.sh"
  install_missing npm 2>/dev/null || warn "cannot install Debian's npm"
  command -v npm >/dev/null 2>&1 || warn "no npm"
fi

mkdir -p "$web" 2>/dev/null || warn "cannot create the folder"
cp "$here/dashboard/package.json" "$lock" "$web/" 2>/dev/null || warn "cannot write there"
log="$web/npm-ci.log"
# --prefer-offline: a copy in npm's cache, checked against the lock's hash
# like a download, spares the network. Few retries: an unreachable registry
# should cost seconds, not minutes.
if ! (cd "$web" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund --prefer-offline \
        --fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=10000 \
        --loglevel=error >"$(basename "$log")" 2>&1); then
  rm -f "$web/package-lock.json"  # so that the next call tries again
  warn "npm ci failed: $(grep -m1 -i 'err' "$log" | cut -c1-160 || true); see $log"
fi
if [ ! -f "$dist" ]; then
  rm -f "$web/package-lock.json"
  warn "npm ci left no $dist"
fi
echo "installed uPlot $locked into $web"
