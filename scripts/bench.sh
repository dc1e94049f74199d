#!/usr/bin/env bash
# Builds sdk-benchmarks and runs the codec microbenchmarks (JMH) and the real-time load harness,
# printing side-by-side tables: the SDK against the floor and naive databind (JMH), and against a
# guide-style client without the SDK (load). About 7 minutes on a 2-vCPU VM.
#
# Usage: scripts/bench.sh [jmh|load|bridge|all]      (default all; from anywhere)
# Environment overrides:
#   JMH_OPTS     JMH settings (default: short but stable-ratio settings, see below)
#   LOAD_N       N values of the side-by-side load runs (default 100: the latency targets are
#                stated at 100 sessions)
#   TRANSPORT    SDK transport for the load runs: javawebsocket (default; the JDK transport is
#                then run side by side too), jdk, or a class name
#   WARMUP       seconds streamed before a side-by-side run measures (default 20: the JDK
#                transport's HttpClient stack keeps the JIT compiler busy for about 20 s at 100
#                sessions on 2 cores, and JIT work in the window would be measured as load)
#   RAMP_WARMUP  the same for each ramp step (default 8, to stay under ten minutes; the N reached
#                with RAMP_WARMUP=20 is the settled figure, and the script then takes longer)
#
# Figures are ratios measured side by side in one run on one machine; absolute numbers move with the
# machine and its noise (p99.9 and max on a shared VM are mostly scheduling jitter). Results go to a
# temporary directory, nothing is written into the repository.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
what="${1:-all}"
jar="$root/sdk-benchmarks/target/benchmarks.jar"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# A fixed, pre-touched heap: without it, first-touch page faults on this VM kind make whole
# iterations of allocation-heavy benchmarks 10-50x slower (reference probe, section 3).
jvm="-Xms2g -Xmx2g -XX:+AlwaysPreTouch"
# The reference method is -wi 3 -w 1s -i 5 -r 1s; half-second iterations keep the suite near 2.5
# minutes and still give stable ratios (the code under test is JIT-compiled within the first one).
jmh_opts="${JMH_OPTS:--f 1 -wi 3 -w 500ms -i 5 -r 500ms}"
load_n="${LOAD_N:-100}"
transport="${TRANSPORT:-javawebsocket}"
warmup="${WARMUP:-20}"
ramp_warmup="${RAMP_WARMUP:-8}"

start=$(date +%s)
echo "== building sdk-benchmarks"
(cd "$root" && ./mvnw -B -q -pl sdk-benchmarks -am package -DskipTests)

if [[ "$what" == all || "$what" == jmh ]]; then
  echo "== JMH codec suite ($jmh_opts, -prof gc, $jvm)"
  java -jar "$jar" 'dev.atomsrealtime.(bench.(EncodeAppend|DecodeDelta)|transport.javawebsocket.ClientFrame)Benchmark' \
    $jmh_opts -foe true -prof gc -jvmArgs "$jvm" \
    -rf json -rff "$out/jmh.json" > "$out/jmh.log" 2>&1 \
    || { tail -50 "$out/jmh.log"; exit 1; }
  java -cp "$jar" dev.atomsrealtime.bench.JmhReport "$out/jmh.json"
fi

if [[ "$what" == all || "$what" == load ]]; then
  echo
  echo "== load: sdk vs baseline at N=$load_n (8 s measured each, after $warmup s)"
  java -cp "$jar" dev.atomsrealtime.bench.LoadHarness --client sdk,baseline \
    --sessions "$load_n" --duration 8 --warmup "$warmup" --transport "$transport" --jvm "$jvm" \
    2> "$out/load.log" || { tail -50 "$out/load.log"; exit 1; }
  if [[ "$transport" == javawebsocket ]]; then
    echo
    echo "== load: the SDK over the JDK java.net.http transport at N=$load_n"
    java -cp "$jar" dev.atomsrealtime.bench.LoadHarness --client sdk \
      --sessions "$load_n" --duration 8 --warmup "$warmup" --transport jdk --jvm "$jvm" \
      2> "$out/load-jdk.log" || { tail -50 "$out/load-jdk.log"; exit 1; }
  fi
  echo
  echo "== load: ramp to the largest N with no late or dropped chunk (5 s per step, after" \
    "$ramp_warmup s)"
  java -cp "$jar" dev.atomsrealtime.bench.LoadHarness --client sdk,baseline --ramp \
    --ramp-start 80 --ramp-refine 1 --duration 5 --warmup "$ramp_warmup" \
    --transport "$transport" --jvm "$jvm" 2> "$out/ramp.log" \
    || { tail -50 "$out/ramp.log"; exit 1; }
fi
if [[ "$what" == all || "$what" == bridge ]]; then
  echo
  echo "== phone bridge: 20 concurrent calls, every fifth barging in (about 15 s)"
  java $jvm -cp "$jar" dev.atomsrealtime.bench.BridgeHarness 20 2> "$out/bridge.log" \
    || { tail -50 "$out/bridge.log"; exit 1; }
fi
echo
echo "== done in $(( $(date +%s) - start )) s"
