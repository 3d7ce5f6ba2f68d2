#!/usr/bin/env bash
# Webhook delivery benchmark (issue 13). Queues 10,000 results in the delivery outbox (written as the store writes
# them), then lets the sender deliver them, signed, to a local no-op receiver (the JDK's HTTP server answering 204),
# and compares deliveries/s with the receiver's own ceiling measured in the same run: a no-op POST loop with as many
# concurrent clients as the sender has threads, posting the same payload. Prints both and the ratio (target >= 0.5).
# After a warm-up of 150,000 deliveries (until then the JIT compiler is still at work on the sending path, a third of
# a delivery's CPU), five rounds (ceiling, then deliveries) alternate on the same machine. In each round the first
# 5,000 deliveries warm the path up again, as the ceiling loop posts 2 s before its measured 10 s; the measured part
# starts with 10,000 results queued. The median round is the result, with the CPU per delivery split by thread (from
# the JVM and /proc/self/task) and, on PostgreSQL, the CPU of PostgreSQL's processes on this machine.
# The report is also written to target/webhook-benchmark.txt.
#
# Usage: bench/webhook-benchmark.sh      [env: RESULTS=10000 THREADS=8 BATCH=50 ROUNDS=5 WARMUP=150000 ROUND_WARMUP=5000]
# Database: embedded H2, or PostgreSQL when GATEWAY_DB_URL is set (as in .ci/run's second pass).
set -euo pipefail
cd "$(dirname "$0")/.."
RESULTS=${RESULTS:-10000}; THREADS=${THREADS:-8}; BATCH=${BATCH:-50}; ROUND_WARMUP=${ROUND_WARMUP:-5000}
./mvnw -q -B -ntp -o test -Dtest=WebhookBenchmark -Dbench=true -Dbench.results="$RESULTS" -Dbench.threads="$THREADS" -Dbench.batch="$BATCH" -Dbench.rounds="${ROUNDS:-5}" -Dbench.warmup="${WARMUP:-150000}" -Dbench.round-warmup="$ROUND_WARMUP" \
  -Dsurefire.failIfNoSpecifiedTests=false || status=$?
cat target/webhook-benchmark.txt 2>/dev/null || true
exit "${status:-0}"
