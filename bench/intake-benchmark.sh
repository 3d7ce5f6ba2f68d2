#!/usr/bin/env bash
# Intake benchmark (issue: foundation). In one run on this machine it measures
#   - callbacks/s acknowledged by POST /callbacks/netverify (allowlisted, committed to PostgreSQL before the 200)
#   - requests/s of a no-op platform-http route on the same service (baseline)
# after warming both up, interleaving the measurements, and prints the ratio and p99 latencies. It then offers
# callbacks at half the no-op rate and samples the inbox backlog to show whether the worker keeps up.
#
# Needs PostgreSQL (default 127.0.0.1:5432, database test, user postgres) and wrk (installed with apt if missing).
# Usage: bench/intake-benchmark.sh            [env: WARMUP=20 MEASURE=20 ROUNDS=2 CONNECTIONS=32 PACED=40 PORT=18080]
#        WORKER=off bench/intake-benchmark.sh  measures intake alone (the worker paused, as with
#                                              GATEWAY_WORKER_ENABLED=false), to see what the worker takes from it
#        DB=h2 bench/intake-benchmark.sh       the same on the embedded default: the H2 file database of
#                                              config/application.yaml, in a fresh directory under target/
# Each intake round also prints the service's CPU time per stored callback (less sensitive to a busy machine).
# Then the open-loop phase (bench/OpenLoad.java: a fixed arrival schedule, answer times counted from the scheduled
# send, so a stalled service is not hidden by a slowed-down sender) offers each of RATES (200 and 1000/s) for
# OPEN seconds to the no-op route and to the callback route (after OPEN_WARMUP=10 s at the same rate that are not
# counted: the generator is a fresh JVM each time), and prints p50/p99 and the service's CPU ms per
# 1,000 no-op requests and per 1,000 callbacks end to end (intake + worker + store: CPU counted until the inbox
# is drained, worker on) and their ratio, each split by the service's threads. Each measurement starts once the
# service is quiet (settle), so work left from the previous phase is not counted. At the end it prints the service's
# RSS (VmRSS), peak (VmHWM) and thread count; with SERVICE_JAVA_OPTS=-XX:NativeMemoryTracking=summary also the JVM's
# native memory summary, in target/bench-nmt.txt.
#        FLAGS=documented bench/intake-benchmark.sh  runs the service as bin/gateway does: extracted jar, class data
#                                              sharing archive (bin/cds-build), the documented JVM flags
#        PHASES="closed open" skips the paced phase (default: closed paced open)
#        SERVICE_JAVA_OPTS="-XX:StartFlightRecording=filename=target/bench.jfr" bench/intake-benchmark.sh
#                                              extra JVM flags for the service alone (a JFR profile under load)
set -euo pipefail
# API credentials of the throwaway instance: a fresh random password per run, handed over in the environment
API_PASSWORD=${BENCH_API_PASSWORD:-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export GATEWAY_API_USERNAME=bench GATEWAY_API_PASSWORD="$API_PASSWORD"
cd "$(dirname "$0")/.."
WARMUP=${WARMUP:-20}; MEASURE=${MEASURE:-20}; ROUNDS=${ROUNDS:-2}; CONNECTIONS=${CONNECTIONS:-32}
PACED=${PACED:-40}; PORT=${PORT:-18080}; WORKER=${WORKER:-on}; DB=${DB:-postgresql}
FLAGS=${FLAGS:-default}; PHASES=${PHASES:-closed paced open}; RATES=${RATES:-200 1000}; OPEN=${OPEN:-30}
OPEN_WARMUP=${OPEN_WARMUP:-10}
PGURL=${BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test}; PGUSER=${BENCH_PG_USER:-postgres}
schema="bench_$(date +%s)_${PORT}_$RANDOM"
base="http://127.0.0.1:${PORT}"
root=$(pwd)

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -ntp -DskipTests package
jar=${JAR:-"$root/$(ls target/jumio-callback-gateway-*.jar | grep -v original | head -1)"}
mkdir -p target/bench-classes && javac -d target/bench-classes bench/OpenLoad.java
# the way the service is started: plain java -jar, or as bin/gateway does (FLAGS=documented)
launch=(java -jar "$jar")
if [ "$FLAGS" = documented ]; then
  # SKIP_CDS=1 reuses the archive of the previous run on this port (same jar)
  [ -n "${SKIP_CDS:-}" ] || bin/cds-build "$jar" "$root/target/bench-cds-$PORT" >/dev/null
  launch=("$root/bin/gateway" "$root/target/bench-cds-$PORT")
fi
echo "service: ${launch[*]} ($( [ "$FLAGS" = documented ] && bin/gateway --print-flags || echo 'no JVM flags'))"

args=(--server.port="$PORT" --gateway.allowlist.allow-loopback=true
  --spring.config.additional-location="file:$root/config/"
  --camel.main.routes-include-pattern="file:$root/routes/*.camel.yaml,file:$root/bench/noop.camel.yaml"
  --gateway.alerts.templates-dir="$root/config/templates"
  --logging.level.verification-result=WARN
  --gateway.worker.enabled="$([ "$WORKER" = off ] && echo false || echo true)")
if [ "$DB" = h2 ]; then
  # the default datasource URL (./data/gateway) resolves inside this directory
  work="$root/target/bench-h2-$(date +%s)"; mkdir -p "$work"
  (cd "$work" && JAVA_TOOL_OPTIONS="${SERVICE_JAVA_OPTS:-}" exec "${launch[@]}" "${args[@]}") > "target/bench-service-$PORT.log" 2>&1 &
else
  work="$root"
  GATEWAY_DB_URL="${PGURL}?currentSchema=${schema}" GATEWAY_DB_USERNAME="$PGUSER" SPRING_FLYWAY_SCHEMAS="$schema" \
    JAVA_TOOL_OPTIONS="${SERVICE_JAVA_OPTS:-}" "${launch[@]}" "${args[@]}" > "target/bench-service-$PORT.log" 2>&1 &
fi
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  if [ "$DB" = h2 ]; then rm -rf "$work"; return; fi
  psql -h 127.0.0.1 -U "$PGUSER" -d test -q -c "DROP SCHEMA IF EXISTS ${schema} CASCADE" >/dev/null 2>&1 || true
}
trap cleanup EXIT
# a busy machine can take minutes to start it
for _ in $(seq 1 ${START_WAIT:-300}); do curl -sf "$base/actuator/health" >/dev/null && break; kill -0 "$pid" 2>/dev/null || { tail -20 "target/bench-service-$PORT.log"; exit 1; }; sleep 1; done

# CPU time (ms) the service has used so far
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$pid/stat"; }
backlog() { curl -s -m 10 -u "bench:$API_PASSWORD" "$base/actuator/health" | sed -E 's/.*"pending":([0-9]+).*/\1/'; }
# prints "<requests/s> <p99 ms> <non-2xx count>"
load() { # path seconds [pace_ms]
  local out
  out=$(RUN_ID="$RANDOM$RANDOM" PACE_MS="${3:-0}" wrk -t2 -c"$CONNECTIONS" -d"${2}s" --latency -s bench/post-callback.lua "$base$1")
  local rps p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; print v}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$rps $p99 ${errors:-0}"
}
drain() { [ "$WORKER" = off ] && return; for _ in $(seq 1 120); do [ "$(backlog)" = "0" ] && return; sleep 1; done; }
# waits until the service is quiet (under 2 % of a core over 2 s): an empty backlog does not mean the worker has
# finished its last claimed batch, and CPU it spends then would be charged to the next measurement
settle() { local a b; for _ in $(seq 1 60); do a=$(cpu_ms); sleep 2; b=$(cpu_ms); [ $((b - a)) -lt 40 ] && return; done; }
# CPU ticks per thread, grouped by name without its number ("http-nio-18080-exec-", "task-", ...)
thread_ticks() {
  for t in /proc/"$pid"/task/*; do
    awk -v name="$(sed -E 's/[0-9]+$//; s/ +$//' "$t/comm" 2>/dev/null)" \
      '{ n = split($0, a, ") "); split(a[n], f, " "); print name "\t" (f[12] + f[13]) }' "$t/stat" 2>/dev/null
  done | awk -F'\t' '{ s[$1] += $2 } END { for (k in s) print k "\t" s[k] }' | sort
}
# "<group> <ms per 1,000 requests> ..." for the groups above 2 % of the total, between two thread_ticks outputs
thread_split() { # before after requests
  join -t$'\t' "$1" "$2" | awk -F'\t' -v n="$3" -v hz="$(getconf CLK_TCK)" '
    { d[$1] = ($3 - $2) * 1000 * 1000 / hz / n; t += d[$1] }
    END { for (k in d) if (d[k] > 0.02 * t) printf "%s=%.0f  ", k, d[k]; print "" }'
}

phase() { case " $PHASES " in *" $1 "*) return 0 ;; esac; return 1; }
echo "== warm-up: ${WARMUP}s no-op + ${WARMUP}s intake (${CONNECTIONS} connections) =="
load /callbacks/bench-noop "$WARMUP" >/dev/null
load /callbacks/netverify "$WARMUP" >/dev/null
drain

noop_sum=0; intake_sum=0
phase closed || ROUNDS=0
[ "$ROUNDS" = 0 ] || printf "%-8s %-10s %12s %10s %8s\n" round route "req/s" "p99 ms" non-2xx
for r in $(seq 1 "$ROUNDS"); do
  read -r rps p99 err < <(load /callbacks/bench-noop "$MEASURE")
  printf "%-8s %-10s %12s %10s %8s\n" "$r" no-op "$rps" "$p99" "$err"; noop_sum=$(echo "$noop_sum + $rps" | bc -l)
  cpu_before=$(cpu_ms)
  read -r rps p99 err < <(load /callbacks/netverify "$MEASURE")
  cpu=$(echo "($(cpu_ms) - $cpu_before) / ($rps * $MEASURE)" | bc -l)
  printf "%-8s %-10s %12s %10s %8s   %.3f ms CPU per callback\n" "$r" intake "$rps" "$p99" "$err" "$cpu"
  intake_sum=$(echo "$intake_sum + $rps" | bc -l)
  drain
done
if [ "$ROUNDS" != 0 ]; then
noop=$(echo "$noop_sum / $ROUNDS" | bc -l); intake=$(echo "$intake_sum / $ROUNDS" | bc -l)
printf "mean no-op %.0f req/s, intake %.0f callbacks/s stored on %s, ratio intake/no-op = %.2f (target >= 0.60)\n" \
  "$noop" "$intake" "$DB" "$(echo "$intake / $noop" | bc -l)"
fi

memory() { awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2 / 1024} /^Threads/ {printf "threads %d", $2}' "/proc/$pid/status"; echo; }
report_memory() {
  echo "service memory after the benchmark: $(memory)"
  # with SERVICE_JAVA_OPTS=-XX:NativeMemoryTracking=summary: where the RSS goes, by JVM area
  if [[ "${SERVICE_JAVA_OPTS:-}" == *NativeMemoryTracking* ]]; then
    jcmd "$pid" VM.native_memory summary > target/bench-nmt.txt 2>&1 && echo "native memory summary: target/bench-nmt.txt"
  fi
}
trap 'report_memory; cleanup' EXIT
if [ "$WORKER" = off ]; then echo "worker paused: no backlog phase"; exit 0; fi
if phase paced; then
target=$(echo "$noop / 2" | bc -l)
pace=$(echo "$CONNECTIONS * 1000 / $target" | bc -l | cut -d. -f1)
echo "== paced intake at ~half the no-op rate (${target%.*} callbacks/s offered) for ${PACED}s, backlog sampled every 5s =="
( sleep 1; for _ in $(seq 1 $((PACED / 5))); do printf "backlog %s\n" "$(backlog)"; sleep 5; done ) &
sampler=$!
read -r rps p99 err < <(load /callbacks/netverify "$PACED" "$pace")
wait "$sampler" || true
printf "paced: achieved %.0f callbacks/s, p99 %s ms, non-2xx %s; backlog at the end %s\n" "$rps" "$p99" "$err" "$(backlog)"
start=$(date +%s); drain; echo "backlog drained $(( $(date +%s) - start ))s after the load stopped"
stored=$(curl -s -u "bench:$API_PASSWORD" "$base/actuator/prometheus" | awk '/^gateway_callbacks_received_total/ {s+=$2} END {printf "%d", s}')
echo "callbacks stored during the run: $stored"
fi

if phase open; then
  echo "== open loop (fixed arrival schedule, latency from the scheduled send): ${OPEN}s per rate and route =="
  printf "%-7s %-10s %-72s %10s %s\n" "rate/s" route "answers (ms)" "CPU ms/1k" "load"
  split_before=$(mktemp); split_after=$(mktemp)
  for rate in $RATES; do
    settle; thread_ticks > "$split_before"; cpu_before=$(cpu_ms)
    out=$(java -cp target/bench-classes OpenLoad "$base/callbacks/bench-noop" "$rate" "$OPEN" "$OPEN_WARMUP" 2>/dev/null | grep "^offered=")
    noop_cpu=$(echo "($(cpu_ms) - $cpu_before) * 1000 / ($rate * ($OPEN + $OPEN_WARMUP))" | bc -l)
    thread_ticks > "$split_after"
    printf "%-7s %-10s %-72s %10.0f %s\n" "$rate" no-op "$out" "$noop_cpu" "$(cut -d' ' -f1 /proc/loadavg)"
    printf "%-7s   CPU ms per 1,000 by thread: %s\n" "" "$(thread_split "$split_before" "$split_after" $((rate * (OPEN + OPEN_WARMUP))))"
    settle; thread_ticks > "$split_before"; cpu_before=$(cpu_ms)
    out=$(java -cp target/bench-classes OpenLoad "$base/callbacks/netverify" "$rate" "$OPEN" "$OPEN_WARMUP" 2>/dev/null | grep "^offered=")
    drain; settle
    cb_cpu=$(echo "($(cpu_ms) - $cpu_before) * 1000 / ($rate * ($OPEN + $OPEN_WARMUP))" | bc -l)
    thread_ticks > "$split_after"
    printf "%-7s %-10s %-72s %10.0f %s\n" "$rate" callback "$out" "$cb_cpu" "$(cut -d' ' -f1 /proc/loadavg)"
    printf "%-7s   CPU ms per 1,000 by thread: %s\n" "" "$(thread_split "$split_before" "$split_after" $((rate * (OPEN + OPEN_WARMUP))))"
    printf "%-7s CPU per callback end to end / per no-op request = %.2f\n" "$rate" "$(echo "$cb_cpu / $noop_cpu" | bc -l)"
  done
fi
