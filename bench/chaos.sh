#!/usr/bin/env bash
# Fault-injection run (issue 9): packages this checkout, starts it under a Jumio-like callback load and injects faults,
# then checks from the database, the logs and the mails received that nothing acknowledged was lost
# (bench/Chaos.java does the work; README "Running the chaos run").
#
#   bench/chaos.sh          mode pg: two instances on one fresh PostgreSQL schema; SMTP refuses for 60 s, one
#                           instance is killed with kill -9 and restarted, PostgreSQL is restarted once
#   bench/chaos.sh h2       mode h2: one instance on an embedded H2 file (the quick-start default); kill -9 and
#                           restart only
#   bench/chaos.sh rolling  mode rolling (issue 16): INSTANCES=3 on one fresh PostgreSQL schema, restarted one at a
#                           time with SIGTERM (ROLL_AT, ROLL_GAP=5 s between); measures how fast the rows each stopping
#                           instance held are taken by a peer (target 5 s after its exit); CALLBACKS=6000 HEAP=384m
#                           GATEWAY_DB_POOL_SIZE=10
#
# Environment (defaults): CALLBACKS=30000 RATE=60 (deliveries/s) DUP_PCT=20 OLDER_PCT=5 FRAUD_PCT=2
#   SMTP_AT / KILL_AT / DB_AT (seconds after the load starts; default 15 % / 45 % / 75 % of the load, h2: kill at 50 %)
#   SMTP_FOR=60 KILL_DOWN=2 RETRY_MAX=10 RETRY_MAX_DELAY=30 SWEEP_MAX=5 DRAIN_TIMEOUT=600 SEED=<time>
#   PORT=18181 (and 18182) SMTP_PORT=18125 HEAP=768m
#   PG_HOST=127.0.0.1 PG_PORT=5432 PG_DB=test PG_USER=postgres KEEP_SCHEMA=0
#   PG_RESTART: how to restart PostgreSQL (as root); default: pg_ctlcluster for the cluster on PG_PORT
#   Any other GATEWAY_* variable is passed to the service instances (e.g. GATEWAY_WORKER_CLAIM_LEASE=30s).
# Logs: target/chaos/<mode>-a.log (and -b.log). Exit code 0 only when every target is met.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export MODE="${1:-${MODE:-pg}}"
case "$MODE" in pg|h2|rolling) ;; *) echo "usage: bench/chaos.sh [pg|h2|rolling]" >&2; exit 2 ;; esac
cd "$here"
mkdir -p target/chaos

if [ "$MODE" = pg ] && [ -z "${PG_RESTART:-}" ]; then
  PG_PORT="${PG_PORT:-5432}"
  cluster=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1 " " $2; exit }' || true)
  if [ -n "$cluster" ]; then
    export PG_RESTART="pg_ctlcluster $cluster restart"
  else
    export PG_RESTART="systemctl restart postgresql"
  fi
fi

./mvnw -q -B -o -DskipTests package
jar=$(ls target/jumio-callback-gateway-*.jar | grep -v original | head -1)
# GreenMail, the JDBC drivers and Jackson come from the test classpath (offline first, online if a plugin is missing)
cp_file=target/chaos/classpath.txt
./mvnw -q -B -o dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null 2>&1 \
  || ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile="$cp_file"
echo "service: $(git log -1 --format='%h %s' 2>/dev/null || echo "$here"), $(nproc) cores"
exec java -cp "$(cat "$cp_file")" bench/Chaos.java "$jar" "$here"
