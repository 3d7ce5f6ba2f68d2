#!/usr/bin/env bash
# Start-up benchmark (issue 16 item 3). Cold JVM starts of the packaged service until readiness answers UP
# (GET /actuator/health/readiness -> 200), on PostgreSQL (a fresh schema per start: every migration runs) and on
# the embedded H2 default (a fresh file per start), in two ways side by side:
#   default    java -jar target/jumio-callback-gateway-*.jar, no JVM flags
#   optimised  bin/gateway: the extracted jar with the class data sharing archive of bin/cds-build and the
#              documented JVM flags
#   c2         (MODES="default optimised c2") the same without -XX:TieredStopAtLevel=1, i.e. with the C2 compiler:
#              more than half of its CPU at start-up is C2 compiling
#   aot        bin/gateway run by the Java 25+ JDK in AOT_JAVA_HOME (default: Temurin 25 where this machine has it)
#              with the AOT cache that bin/cds-build makes with that JDK (README "Capacity and footprint"); the
#              default MODES include it when that JDK is there
# The ways take turns start by start (default, optimised, aot, default, ...), so a change in the machine's load
# falls on all of them alike.
# The API password is given pre-hashed ({bcrypt}...), as in production.
# Per way and database it prints the median (and min/max) of RUNS starts of: wall time to ready, the process's own
# CPU time at that moment (utime+stime from /proc/<pid>/stat: stable on a busy machine, where wall time is not),
# and RSS when ready; the load average is printed with each start.
# Needs PostgreSQL at 127.0.0.1:5432 (database test, user postgres) for DB=postgresql.
# Usage: bench/startup.sh     [env: RUNS=5 DBS="postgresql h2" MODES="default optimised aot" PORT=18380 JAR=<jar>
#                              SKIP_BUILD=1 SKIP_CDS=1 CDS_TRAINING_PORT=18399 AOT_JAVA_HOME=<a Java 25+ JDK>]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
AOT_JAVA_HOME=${AOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
default_modes="default optimised"; [ -x "$AOT_JAVA_HOME/bin/java" ] && default_modes="default optimised aot"
RUNS=${RUNS:-5}; DBS=${DBS:-postgresql h2}; MODES=${MODES:-$default_modes}; PORT=${PORT:-18380}
PGURL=${BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test}; PGUSER=${BENCH_PG_USER:-postgres}
export GATEWAY_API_USERNAME=bench GATEWAY_API_PASSWORD="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
if [ -z "${JAR:-}" ]; then
  [ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -ntp -DskipTests package
  JAR=$(ls "$root"/target/jumio-callback-gateway-*.jar | grep -v original | head -1)
fi
# the API password as production gives it (README "Settings": pre-hashed), so that no start spends 0.3-0.5 s of CPU
# on bcrypt; a fresh random one per run
GATEWAY_API_PASSWORD="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' | java -jar "$JAR" hash-password 2>/dev/null | tail -1)"
case "$GATEWAY_API_PASSWORD" in "{bcrypt}"*) ;; *) echo "hash-password gave no hash" >&2; exit 1 ;; esac
cds_dir="$root/target/startup-cds"
# SKIP_CDS=1 reuses the archive of the previous run (same jar)
case " $MODES " in *" optimised "*|*" c2 "*) [ -n "${SKIP_CDS:-}" ] || bin/cds-build "$JAR" "$cds_dir" >/dev/null ;; esac
aot_dir="$root/target/startup-aot"
case " $MODES " in *" aot "*) [ -n "${SKIP_CDS:-}" ] || JAVA_HOME="$AOT_JAVA_HOME" bin/cds-build "$JAR" "$aot_dir" >/dev/null ;; esac
hz=$(getconf CLK_TCK)
log="$root/target/startup-service.log"

# one cold start; prints "<wall ms> <cpu ms> <rss MB>"
start_once() { # mode db
  local mode=$1 db=$2 schema="" work="" pid t0 t1 cpu rss
  work=$(mktemp -d "$root/target/startup-XXXXXX")
  local args=(--server.port="$PORT" --logging.level.root=WARN)
  local env=()
  if [ "$db" = postgresql ]; then
    schema="startup_$(date +%s)_$RANDOM"
    env=(GATEWAY_DB_URL="${PGURL}?currentSchema=${schema}" GATEWAY_DB_USERNAME="$PGUSER" SPRING_FLYWAY_SCHEMAS="$schema")
  else
    env=(GATEWAY_DB_URL="jdbc:h2:file:$work/gateway;AUTO_SERVER=FALSE;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE")
  fi
  t0=$(date +%s%N)
  if [ "$mode" = default ]; then
    env "${env[@]}" java -jar "$JAR" "${args[@]}" > "$log" 2>&1 &
  elif [ "$mode" = aot ]; then
    env "${env[@]}" JAVA_HOME="$AOT_JAVA_HOME" bin/gateway "$aot_dir" "${args[@]}" > "$log" 2>&1 &
  elif [ "$mode" = c2 ]; then
    env "${env[@]}" JAVA_OPTS="$(bin/gateway --print-flags | sed 's/ -XX:TieredStopAtLevel=1//')" bin/gateway "$cds_dir" "${args[@]}" > "$log" 2>&1 &
  else
    env "${env[@]}" bin/gateway "$cds_dir" "${args[@]}" > "$log" 2>&1 &
  fi
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/actuator/health/readiness")" = 200 ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "service exited before ready (log: $log): $(grep -m1 -E 'Caused by|ERROR' "$log" | cut -c1-160)" >&2
      [ -n "$schema" ] && psql -h 127.0.0.1 -U "$PGUSER" -d test -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
      rm -rf "$work"; echo fail; return
    fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  cpu=$(awk -v hz="$hz" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$pid/stat")
  rss=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [ -n "$schema" ] && psql -h 127.0.0.1 -U "$PGUSER" -d test -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
  rm -rf "$work"
  echo "$(( (t1 - t0) / 1000000 )) $cpu $rss"
}
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
minmax() { sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {print lo "-" hi}'; }

declare -A walls cpus rsss
for db in $DBS; do
  for i in $(seq 1 "$RUNS"); do
    for mode in $MODES; do
      # a failed start is retried once
      for _ in 1 2; do
        read -r wall cpu rss < <(start_once "$mode" "$db")
        [ "$wall" != fail ] && break
      done
      [ "$wall" = fail ] && continue
      printf "%-10s %-10s start %d: %6d ms to ready, %6d ms CPU, RSS %4d MB   (load %s)\n" "$db" "$mode" "$i" \
        "$wall" "$cpu" "$rss" "$(cut -d' ' -f1-3 /proc/loadavg)"
      walls[$db,$mode]+="$wall "; cpus[$db,$mode]+="$cpu "; rsss[$db,$mode]+="$rss "
    done
  done
done
declare -A result
for db in $DBS; do
  for mode in $MODES; do
    result[$db,$mode]=$(printf "%6s ms (%s)  %6s ms CPU  %4s MB" \
      "$(printf '%s\n' ${walls[$db,$mode]} | median)" "$(printf '%s\n' ${walls[$db,$mode]} | minmax)" \
      "$(printf '%s\n' ${cpus[$db,$mode]} | median)" "$(printf '%s\n' ${rsss[$db,$mode]} | median)")
  done
done
echo
echo "median of $RUNS cold starts to readiness UP (wall (min-max), CPU time of the process, RSS when ready)"
for db in $DBS; do
  for mode in $MODES; do printf "%-10s %-10s %s\n" "$db" "$mode" "${result[$db,$mode]}"; done
done
