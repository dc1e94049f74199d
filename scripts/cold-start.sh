#!/usr/bin/env bash
# Cold start: wall time from launching a JVM to session.created and to the first agent audio
# written to the speaker, for a minimal program (one client, one session with a pushed source and
# a speaker; on both transports) and for the atoms CLI, each without and with an application
# class-data archive (AppCDS), plus the classes each loads. The server (a FakeAtomsServer that
# greets every session with agent audio at once) runs in its own, already warm JVM on loopback.
# About a minute.
#
# Usage: scripts/cold-start.sh                    (from anywhere)
# Environment overrides:
#   RUNS     launches per row; the median is printed (default 5)
#   BEFORE   a checkout of an earlier version, built with
#              (cd "$BEFORE" && ./mvnw -B -q -pl sdk-benchmarks,sdk-examples -am package -DskipTests)
#            adds its CLI and its SDK (driven by this minimal program) as rows
#   JAVA     the java launcher (default: java on the PATH)
#
# "Agent audio" for the CLI is its "[agent speaking]" line: the greeting has no start event, so the
# CLI enters that state when the first audio reaches its speaker (here --out, a WAV file). Times
# are read by the launching shell ($EPOCHREALTIME before the launch, and as each line arrives), so
# they include the JVM's own start. Nothing is written into the repository.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
java="${JAVA:-java}"
runs="${RUNS:-5}"
bench="$root/sdk-benchmarks/target/benchmarks.jar"
cli="$root/sdk-examples/target/atoms-cli.jar"
wav="$root/sdk-core/src/test/resources/audio/user_book_table_24k.wav"
out="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    exec {server_in}>&- 2>/dev/null || true
    kill "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$out"
}
trap cleanup EXIT

echo "== building sdk-benchmarks and sdk-examples"
(cd "$root" && ./mvnw -B -q -pl sdk-benchmarks,sdk-examples -am package -DskipTests)
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$("$java" -version 2>&1 | head -1)"

# The server: a warm JVM of its own, stopped when its input closes.
mkfifo "$out/server.in"
"$java" -cp "$bench" dev.atomsrealtime.bench.ColdStart server < "$out/server.in" > "$out/server.out" 2>&1 &
server_pid=$!
exec {server_in}>"$out/server.in"
for _ in $(seq 100); do
  grep -q '^READY ' "$out/server.out" 2>/dev/null && break
  sleep 0.1
done
uri="$(sed -n 's/^READY //p' "$out/server.out")"
[[ -n "$uri" ]] || { cat "$out/server.out"; exit 1; }

now_us() { echo "${EPOCHREALTIME/./}"; }

# One launch of the minimal program: prints "created_us played_us".
minimal() { # classpath transport [jvm options...]
  local cp="$1" tr="$2"
  shift 2
  local t0
  t0="$(now_us)"
  COLD_T0_US="$t0" "$java" "$@" -cp "$cp" dev.atomsrealtime.bench.ColdStart client "$uri" "$tr" \
    | sed -n 's/^COLD created_us=\([0-9]*\) played_us=\([0-9]*\)$/\1 \2/p'
}

# One launch of the CLI: prints "created_us played_us" from the arrival of its lines.
cli_run() { # jar [jvm options...]
  local jar="$1"
  shift
  local t0 created="" played=""
  t0="$(now_us)"
  while IFS= read -r line; do
    local t
    t="$(now_us)"
    [[ -z "$created" && "$line" == "atoms: connected"* ]] && created=$(( t - t0 ))
    [[ -z "$played" && "$line" == "[agent speaking]"* ]] && played=$(( t - t0 ))
  done < <(ATOMS_API_KEY=sk_cold_start "$java" "$@" -jar "$jar" talk --url "$uri" \
    --agent-id cold-start --in "$wav" --out "$out/reply.wav" --plain --max-seconds 1 2>&1)
  echo "${created:-0} ${played:-0}"
}

# Median of column $1 of the lines on stdin, in ms with one decimal.
median_ms() {
  sort -n -k"$1" | awk -v c="$1" '{ v[NR] = $c } END { m = v[int((NR + 1) / 2)];
    printf "%.1f", m / 1000 }'
}

classes() { # command...: classes the JVM loaded from the class-data archive and from elsewhere
  JAVA_TOOL_OPTIONS="-Xlog:class+load=info:file=$out/classes.log" "$@" > /dev/null 2>&1 || true
  local shared total
  shared=$(grep -c 'source: shared objects file' "$out/classes.log" || true)
  total=$(wc -l < "$out/classes.log")
  echo "$total ($shared from archives)"
}

row() { # label runner args...
  local label="$1"
  shift
  local results=()
  for _ in $(seq "$runs"); do
    results+=("$("$@")")
  done
  local created played
  created=$(printf '%s\n' "${results[@]}" | median_ms 1)
  played=$(printf '%s\n' "${results[@]}" | median_ms 2)
  printf '%-44s %10s %10s\n' "$label" "$created" "$played"
}

archive() { # name runner args... : a training run that writes $out/name.jsa
  "$2" "${@:3}" -XX:ArchiveClassesAtExit="$out/$1.jsa" > /dev/null 2>&1 || true
  [[ -f "$out/$1.jsa" ]]
}

echo
echo "== cold start against $uri (median of $runs launches each, ms from launch)"
printf '%-44s %10s %10s\n' "program" "created" "audio"
echo "------------------------------------------------------------------"
for tr in javawebsocket jdk; do
  row "minimal program, $tr" minimal "$bench" "$tr"
  if archive "minimal-$tr" minimal "$bench" "$tr"; then
    row "minimal program, $tr, AppCDS" minimal "$bench" "$tr" -XX:SharedArchiveFile="$out/minimal-$tr.jsa"
  fi
done
row "atoms CLI" cli_run "$cli"
if archive cli cli_run "$cli"; then
  row "atoms CLI, AppCDS" cli_run "$cli" -XX:SharedArchiveFile="$out/cli.jsa"
fi
if [[ -n "${BEFORE:-}" ]]; then
  before_cp="$root/sdk-benchmarks/target/classes:$BEFORE/sdk-benchmarks/target/benchmarks.jar"
  row "minimal program, javawebsocket, BEFORE" minimal "$before_cp" javawebsocket
  row "minimal program, jdk, BEFORE" minimal "$before_cp" jdk
  row "atoms CLI, BEFORE" cli_run "$BEFORE/sdk-examples/target/atoms-cli.jar"
fi

echo
echo "== classes loaded (one launch each, -Xlog:class+load)"
t0="$(now_us)"
echo "minimal program, javawebsocket: $(classes env COLD_T0_US="$t0" "$java" -cp "$bench" \
  dev.atomsrealtime.bench.ColdStart client "$uri" javawebsocket)"
echo "minimal program, jdk:           $(classes env COLD_T0_US="$t0" "$java" -cp "$bench" \
  dev.atomsrealtime.bench.ColdStart client "$uri" jdk)"
echo "atoms CLI:                      $(classes env ATOMS_API_KEY=sk_cold_start "$java" -jar "$cli" \
  talk --url "$uri" --agent-id cold-start --in "$wav" --out "$out/reply.wav" --plain --max-seconds 1)"
