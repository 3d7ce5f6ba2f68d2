#!/usr/bin/env bash
# Reconciliation benchmark (issue 5). Reconciles a backlog of overdue pending transactions (default 10,000) against a
# local fake Retrieval API (WireMock, in the test JVM) with a ceiling of N requests per second (default 200), after a
# warm-up, and prints the achieved request rate as a fraction of N (target >= 0.95), the most requests seen in any
# one second, and how many requests came before their transaction was due (must be 0). Every transaction is DONE:
# status, data, then the whole result path (map, enrich, store, alert rules, resolve). The report is also written to
# target/reconciliation-benchmark.txt.
#
# Usage: bench/reconciliation-benchmark.sh      [env: RATE=200 TRANSACTIONS=10000 WARMUP=600]
# Database: embedded H2, or PostgreSQL when GATEWAY_DB_URL is set (as in .ci/run's second pass).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-200}; TRANSACTIONS=${TRANSACTIONS:-10000}; WARMUP=${WARMUP:-600}
./mvnw -q -B -ntp test -Dtest=ReconciliationBenchmark -Dbench=true -Dbench.rate="$RATE" \
  -Dbench.transactions="$TRANSACTIONS" -Dbench.warmup="$WARMUP" -Dsurefire.failIfNoSpecifiedTests=false || status=$?
cat target/reconciliation-benchmark.txt 2>/dev/null || true
exit "${status:-0}"
