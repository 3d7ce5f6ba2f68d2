#!/usr/bin/env bash
# Idle cost (issue 16 items 3 and 6): the CPU time the service and its PostgreSQL backends use with no traffic.
# Starts the jar on a fresh PostgreSQL schema with the default settings (worker on), lets it settle (WARMUP s),
# then over MEASURE s reads utime+stime of the service from /proc/<pid>/stat (and per thread, the busiest ones),
# and of each PostgreSQL backend serving it (found by the client ports of its connections; other services share
# this PostgreSQL, so its global counters say nothing), with each backend's state and last statement. Finally one
# callback is posted after the idle period and the time from its commit to its processing is printed (latency
# after idle).
#
# Needs PostgreSQL (default 127.0.0.1:5432, database test, user postgres), psql, ss.
# Usage: bench/idle-cpu.sh        [env: WARMUP=60 MEASURE=60 JAR=<built jar; default: package this tree> PORT=18091
#                                  EXTRA="--gateway.polling.idle-delay=0" passes further arguments to the service
#                                  SCHEMA=<kept schema> runs on an existing schema, e.g. 1M rows of history]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
WARMUP=${WARMUP:-60}; MEASURE=${MEASURE:-60}; PORT=${PORT:-18091}
PGHOST=${BENCH_PG_HOST:-127.0.0.1}; PGUSER=${BENCH_PG_USER:-postgres}; PGDB=${BENCH_PG_DB:-test}
# SCHEMA=<existing schema>: run on it (e.g. one kept by KEEP=1 bench/claim-queries.sh, 1M rows of history) and keep it
schema="${SCHEMA:-idle_$(date +%s)}"
base="http://127.0.0.1:${PORT}"
hz=$(getconf CLK_TCK)
psql_() { psql -h "$PGHOST" -U "$PGUSER" -d "$PGDB" -X -q -At "$@"; }

if [ -z "${JAR:-}" ]; then
  ./mvnw -q -B -ntp -DskipTests package
  JAR="$root/$(ls target/jumio-callback-gateway-*.jar | grep -v original | head -1)"
fi
API_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
[ -n "${SCHEMA:-}" ] || psql_ -c "CREATE SCHEMA ${schema}"
# shellcheck disable=SC2086
GATEWAY_API_USERNAME=bench GATEWAY_API_PASSWORD="$API_PASSWORD" \
GATEWAY_DB_URL="jdbc:postgresql://${PGHOST}:5432/${PGDB}?currentSchema=${schema}" GATEWAY_DB_USERNAME="$PGUSER" \
SPRING_FLYWAY_SCHEMAS="$schema" \
  java -jar "$JAR" --server.port="$PORT" --spring.config.additional-location="file:$root/config/" \
    --camel.main.routes-include-pattern="file:$root/routes/*.camel.yaml" \
    --gateway.alerts.templates-dir="$root/config/templates" --gateway.allowlist.allow-loopback=true \
    ${EXTRA:-} > "$root/target/idle-cpu-service.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  [ -n "${SCHEMA:-}" ] || psql_ -c "DROP SCHEMA IF EXISTS ${schema} CASCADE" >/dev/null 2>&1 || true
}
trap cleanup EXIT
for _ in $(seq 1 300); do curl -sf "$base/actuator/health" >/dev/null && break; sleep 1; done
curl -sf "$base/actuator/health" >/dev/null || { echo "service did not start"; tail -50 target/idle-cpu-service.log; exit 1; }
# one callback through the whole path first, so the one after the idle period finds its code loaded
post() {
  curl -sf -o /dev/null -X POST "$base/callbacks/netverify" -H 'Content-Type: application/x-www-form-urlencoded' \
    --data "jumioIdScanReference=$1&idScanStatus=APPROVED_VERIFIED&idScanSource=WEB&verificationStatus=APPROVED_VERIFIED&callbackDate=2026-01-01T00:00:00.000Z&transactionDate=2026-01-01T00:00:00.000Z" \
    || echo "callback not accepted"
}
post "warm-$(date +%s)"
echo "service pid $pid healthy; one callback sent; settling ${WARMUP}s"
sleep "$WARMUP"

ticks() { awk '{print $14 + $15}' "$1" 2>/dev/null || echo 0; }
# the PostgreSQL backends serving this service: its connections' local ports are the backends' client ports
backends() {
  local ports
  ports=$(ss -tnpH "dport = :5432" 2>/dev/null | grep "pid=$pid," | awk '{split($4, a, ":"); print a[length(a)]}' | paste -sd, -)
  [ -n "$ports" ] && psql_ -c "SELECT pid FROM pg_stat_activity WHERE client_port IN ($ports)"
}
declare -A before_thread before_backend
for t in /proc/$pid/task/*; do before_thread[${t##*/}]=$(ticks "$t/stat"); done
for b in $(backends); do before_backend[$b]=$(ticks "/proc/$b/stat"); done
service_before=$(ticks "/proc/$pid/stat")
sleep "$MEASURE"
service_after=$(ticks "/proc/$pid/stat")

ms() { echo $(( ($1) * 1000 / hz )); }
used=$(ms "service_after - service_before")
jit=0
for t in /proc/$pid/task/*; do
  case "$(cat "$t/comm" 2>/dev/null)" in C1\ Compiler*|C2\ Compiler*) id=${t##*/}; jit=$((jit + $(ticks "$t/stat") - ${before_thread[$id]:-0}));; esac
done
jit=$(ms "$jit")
echo "== idle ${MEASURE}s: service CPU ${used} ms ($(echo "scale=2; $used / ($MEASURE * 10)" | bc) % of one core);" \
  "without the JIT compiler threads $((used - jit)) ms ($(echo "scale=2; ($used - $jit) / ($MEASURE * 10)" | bc) %)"
echo "-- busiest service threads (CPU ms over ${MEASURE}s; Java thread names from jcmd Thread.print)"
dump=$(jcmd "$pid" Thread.print 2>/dev/null || true)
for t in /proc/$pid/task/*; do
  id=${t##*/}; now=$(ticks "$t/stat"); was=${before_thread[$id]:-0}
  name=$(echo "$dump" | grep -m1 "nid=$(printf '0x%x' "$id") " | sed -E 's/^"([^"]*)".*/\1/') || true
  echo "$(ms "now - was")|${name:-$(cat "$t/comm" 2>/dev/null)}"
done | sort -t'|' -k1 -rn | head -8 | awk -F'|' '{printf "   %6d ms  %s\n", $1, $2}'
echo "-- PostgreSQL backends of this service (CPU ms over ${MEASURE}s, state, last statement)"
total_backend=0; count=0
for b in $(backends); do
  now=$(ticks "/proc/$b/stat"); was=${before_backend[$b]:-$now}
  d=$(ms "now - was"); total_backend=$((total_backend + d)); count=$((count + 1))
  [ "$d" -gt 0 ] || continue
  printf "   %6d ms  pid %s  %s\n" "$d" "$b" "$(psql_ -c "SELECT state || ' | ' || left(regexp_replace(query, '\s+', ' ', 'g'), 90) FROM pg_stat_activity WHERE pid = $b")"
done
echo "   ${count} backends (the others used no measurable CPU); total ${total_backend} ms ($(echo "scale=2; $total_backend / ($MEASURE * 10)" | bc) % of one core)"

# latency after idle: one callback, the time from its commit (received_at) to its processing (processed_at)
post "idle-$(date +%s)"
for _ in $(seq 1 100); do
  done_ms=$(psql_ -c "SELECT round(extract(epoch FROM processed_at - received_at) * 1000) FROM ${schema}.callback_inbox WHERE status IN ('PROCESSED', 'FAILED') AND id = (SELECT max(id) FROM ${schema}.callback_inbox)")
  [ -n "$done_ms" ] && break; sleep 0.1
done
echo "== latency after idle: callback processed ${done_ms:-not within 10 s} ms after it was stored"
