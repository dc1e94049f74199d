#!/usr/bin/env bash
# Runs the build's tests with two CPU hogs beside them (Debian's stress-ng), to check that no test
# depends on an idle machine: time in tests is virtual or waited for by events, so a loaded
# machine must pass exactly as an idle one does.
#
# Usage: scripts/verify-under-load.sh [runs] [maven args...]
#   runs        how many times to run the build (default 1); stops at the first failure
#   maven args  passed to ./mvnw (default: -B -ntp verify)
# Installs stress-ng with apt-get when it is missing (needs root, as on CI machines).
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-1}"
shift || true
if [ "$#" -eq 0 ]; then
  set -- -B -ntp verify
fi

if ! command -v stress-ng >/dev/null 2>&1; then
  echo "verify-under-load: installing stress-ng"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends stress-ng >/dev/null
fi

stress-ng --cpu 2 --timeout 3h --quiet &
hog=$!
trap 'kill "$hog" 2>/dev/null || true; wait "$hog" 2>/dev/null || true' EXIT

for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  echo "verify-under-load: run $i of $runs, with stress-ng --cpu 2 (pid $hog)"
  ./mvnw "$@"
  echo "verify-under-load: run $i passed in $(( $(date +%s) - start )) s"
done
