#!/usr/bin/env bash
# Builds sdk-benchmarks and runs the codec microbenchmarks (JMH) and the real-time load harness,
# printing side-by-side tables: the SDK against the floor and naive databind (JMH), and the SDK
# against the floor on the same transport and a guide-style client without the SDK (load), with
# the ratios. About 9.5 minutes on an idle 2-vCPU VM (under 10); BEFORE adds its runs (about 4
# minutes more with the default two rounds; ROUNDS=1 keeps it near the same total).
#
# Usage: scripts/bench.sh [all|jmh|load|bridge|ramp]   (default all = jmh + load + bridge; from
#        anywhere)
# Environment overrides:
#   JMH_OPTS     JMH settings (default: short but stable-ratio settings, see below)
#   LOAD_N       N values of the side-by-side load runs (default 100,200)
#   TRANSPORTS   transports of the sdk and floor runs (default javawebsocket,jdk); the baseline
#                runs once per N on its own Java-WebSocket client
#   ROUNDS       how many times the sdk and floor runs are repeated (default 2), the kinds in the
#                other order every second round; each ratio pairs the runs of one round, and the
#                table gives the median of the rounds with the range (one run's ratio moves by up
#                to 0.2 on a shared VM). The baseline runs in the first round only
#   PIN          auto (default: on 2 or more cores the load server runs on the first half of the
#                cores and the client on the rest, with taskset), off, or SERVER/CLIENT cpu lists
#                such as 0/1
#   WARMUP       at most this many seconds streamed before a load run measures (default 14); a
#                run measures sooner once the JIT compilers have settled (under 10 ms of
#                compilation in each of 3 seconds), not before WARMUP_MIN (default 6): JIT work in the
#                window would be measured as load (the notes line shows how much there was)
#   DURATION     seconds measured per load run (default 7)
#   BEFORE       a checkout of an earlier version, built with
#                  (cd "$BEFORE" && ./mvnw -B -q -pl sdk-benchmarks -am package -DskipTests)
#                adds sdk-before runs: this harness driving that version's SDK, side by side
#   RAMP_WARMUP  for `ramp` only: warm-up of each ramp step (default 8)
#
# Figures are ratios measured side by side in one run on one machine; absolute numbers move with the
# machine and its noise (p99.9 and max on a shared VM are mostly scheduling jitter). Run it on an
# otherwise idle machine. Results go to a temporary directory, nothing is written into the
# repository.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
what="${1:-all}"
jar="$root/sdk-benchmarks/target/benchmarks.jar"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# A fixed, pre-touched heap: without it, first-touch page faults on this VM kind make whole
# iterations of allocation-heavy benchmarks 10-50x slower (reference probe, section 3).
jvm="-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
# The load JVMs hold well under 200 MB. (1 GB is plenty for the JMH forks too, and pre-touching
# half as much saves a second per fork.)
load_jvm="-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
# The reference method is -wi 3 -w 1s -i 5 -r 1s; two warm-up and three measured half-second
# iterations keep the suite under 2 minutes, leaving the load runs their rounds within ten, and
# still give stable ratios (the code under test is JIT-compiled within the first iteration).
jmh_opts="${JMH_OPTS:--f 1 -wi 2 -w 500ms -i 3 -r 500ms}"
load_n="${LOAD_N:-100,200}"
transports="${TRANSPORTS:-javawebsocket,jdk}"
pin="${PIN:-auto}"
warmup="${WARMUP:-14}"
warmup_min="${WARMUP_MIN:-6}"
duration="${DURATION:-7}"
ramp_warmup="${RAMP_WARMUP:-8}"
rounds="${ROUNDS:-2}"

kinds="sdk,floor,baseline"
before_args=()
if [[ -n "${BEFORE:-}" ]]; then
  before_jar="$BEFORE/sdk-benchmarks/target/benchmarks.jar"
  [[ -f "$before_jar" ]] || { echo "BEFORE: $before_jar not found (build it first)" >&2; exit 2; }
  kinds="sdk,sdk-before,floor,baseline"
  # This harness's own classes first, then the earlier version's SDK and dependencies.
  before_args=(--before-classpath "$root/sdk-benchmarks/target/classes:$before_jar")
fi

start=$(date +%s)
echo "== building sdk-benchmarks"
(cd "$root" && ./mvnw -B -q -pl sdk-benchmarks -am package -DskipTests)
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "java $(java -version 2>&1 | head -1)"

if [[ "$what" == all || "$what" == jmh ]]; then
  echo "== JMH codec suite ($jmh_opts, -prof gc, $jvm)"
  java -jar "$jar" 'dev.atomsrealtime.(bench.(EncodeAppend|DecodeDelta)|transport.javawebsocket.ClientFrame)Benchmark' \
    $jmh_opts -foe true -prof gc -jvmArgs "$jvm" \
    -rf json -rff "$out/jmh.json" > "$out/jmh.log" 2>&1 \
    || { tail -50 "$out/jmh.log"; exit 1; }
  java -cp "$jar" dev.atomsrealtime.bench.JmhReport "$out/jmh.json"
  echo "== JMH done at $(( $(date +%s) - start )) s"
fi

if [[ "$what" == all || "$what" == load ]]; then
  echo
  echo "== load: $kinds on $transports at N=$load_n, $rounds rounds ($duration s measured each," \
    "after $warmup_min-$warmup s; pin $pin)"
  java -cp "$jar" dev.atomsrealtime.bench.LoadHarness --client "$kinds" \
    --sessions "$load_n" --duration "$duration" --warmup "$warmup" --warmup-min "$warmup_min" \
    --transport "$transports" --pin "$pin" --jvm "$load_jvm" --rounds "$rounds" \
    "${before_args[@]}" \
    2> "$out/load.log" \
    || { tail -50 "$out/load.log"; exit 1; }
fi

if [[ "$what" == ramp ]]; then
  echo
  echo "== load: ramp to the largest N with no late or dropped chunk (5 s per step, after" \
    "$ramp_warmup s; pin $pin)"
  java -cp "$jar" dev.atomsrealtime.bench.LoadHarness --client sdk,floor,baseline --ramp \
    --ramp-start 80 --ramp-refine 1 --duration 5 --warmup "$ramp_warmup" \
    --warmup-min "$ramp_warmup" --transport "${transports%%,*}" --pin "$pin" --jvm "$load_jvm" \
    2> "$out/ramp.log" \
    || { tail -50 "$out/ramp.log"; exit 1; }
fi
if [[ "$what" == all || "$what" == bridge ]]; then
  echo
  echo "== phone bridge: 20 concurrent calls, every fifth barging in (about 15 s)"
  java $load_jvm -cp "$jar" dev.atomsrealtime.bench.BridgeHarness 20 2> "$out/bridge.log" \
    || { tail -50 "$out/bridge.log"; exit 1; }
fi
echo
echo "== done in $(( $(date +%s) - start )) s"
