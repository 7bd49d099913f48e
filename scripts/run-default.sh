#!/usr/bin/env bash
# README command 1: set up, build, run the default suite, plot it.
# The result lands in results/local/<host>-<UTC time>.json, its plots beside it.
# Extra arguments go to `contend run` (e.g. --preset quick, --pin compact).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p results/local
out="results/local/$(hostname)-$(date -u +%Y%m%dT%H%M%SZ).json"
status=0
build/contend run --preset default -o "$out" "$@" || status=$?
# Exit 1 = the run finished but some case was not ok: still worth plotting.
if [ -f "$out" ] && [ "$status" -le 1 ]; then
  /usr/bin/python3 scripts/plot.py "$out"
fi
exit "$status"
