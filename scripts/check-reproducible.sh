#!/usr/bin/env bash
# Builds the published artifacts twice from clean, each time in a fresh copy of the work tree,
# and compares every jar byte for byte (project.build.outputTimestamp fixes the archive
# times; the plugins sort entries). Exit 0 when all are identical.
#
# Usage: scripts/check-reproducible.sh        (from anywhere; about two builds' time, tests skipped)
# Honours MAVEN_OPTS (e.g. -Dmaven.repo.local=...). Nothing is installed: the artifacts of each
# build are taken from its target/ directories.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

build() {
  local dir="$work/$1"
  mkdir -p "$dir"
  # The committed tree plus uncommitted changes, without build output.
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$dir")
  (cd "$dir" && ./mvnw -B -q -ntp clean package -DskipTests \
      -pl '!sdk-examples,!sdk-benchmarks,!sdk-android-check,!sdk-module-check' > "$dir.log" 2>&1) \
    || { tail -40 "$dir.log"; echo "build $1 failed"; exit 1; }
  # Published artifacts: every jar under a module's target/ (main, sources, javadoc, test-jar).
  (cd "$dir" && find . -path '*/target/*.jar' -not -path '*/target/*/*' | sort) > "$work/$1.list"
}

echo "== build 1"
build one
sleep 2   # a different wall-clock second, so an unfixed timestamp would show
echo "== build 2"
build two

if ! diff -u "$work/one.list" "$work/two.list"; then
  echo "the two builds produced different sets of jars"
  exit 1
fi
status=0
count=0
while read -r jar; do
  count=$((count + 1))
  if cmp -s "$work/one/$jar" "$work/two/$jar"; then
    echo "identical  $(sha256sum < "$work/one/$jar" | cut -c1-16)  $jar"
  else
    echo "DIFFERENT  $jar"
    status=1
  fi
done < "$work/one.list"
if [[ $status -eq 0 ]]; then
  echo "reproducible: $count jars identical across two clean builds"
else
  echo "NOT reproducible (see DIFFERENT above; diffoscope shows why)"
fi
exit $status
