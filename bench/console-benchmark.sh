#!/usr/bin/env bash
# Web console benchmark (issue 14). Seeds 100,000 stored results and 100,000 inbox rows (one INSERT ... SELECT over a
# generated series each), logs in, warms up, then measures every console page's server time (p50/p95/max of the
# request on loopback) and the process's CPU time per page (/proc/self/stat), next to the login page as the baseline
# of the same run. Prints the table; also written to target/console-benchmark.txt. Figures, no timed assertion.
#
# Usage: bench/console-benchmark.sh     [env: RESULTS=100000 ROUNDS=200 WARMUP=100; DB=h2 for the embedded default]
# Database: PostgreSQL at 127.0.0.1:5432 (database test, user postgres) in a fresh schema, dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
RESULTS=${RESULTS:-100000}; ROUNDS=${ROUNDS:-200}; WARMUP=${WARMUP:-100}
if [ "${DB:-pg}" != "h2" ]; then
  schema="console_bench_$(date +%s)_$$"
  export GATEWAY_DB_URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=${schema}"
  export GATEWAY_DB_USERNAME="${GATEWAY_DB_USERNAME:-postgres}"
  export SPRING_FLYWAY_SCHEMAS="${schema}"
fi
status=0
./mvnw -q -B -ntp -o test -Dtest=ConsoleBenchmark -Dbench=true -Dbench.results="$RESULTS" -Dbench.rounds="$ROUNDS" \
  -Dbench.warmup="$WARMUP" -Dsurefire.failIfNoSpecifiedTests=false || status=$?
if [ -n "${schema:-}" ] && command -v psql >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U "${GATEWAY_DB_USERNAME}" -d test -q -c "DROP SCHEMA IF EXISTS ${schema} CASCADE" >/dev/null 2>&1 || true
fi
cat target/console-benchmark.txt 2>/dev/null || true
exit "$status"
