#!/usr/bin/env bash
# Claim-query cost with a long history (issue 16 item 6: polling cost must not grow with history).
# On PostgreSQL it creates a scratch schema, lets the service's own Flyway migrations build it (the jar is started with
# every poller off and stopped once healthy), seeds ROWS finished rows (processed callbacks, sent alerts, delivered
# webhooks, resolved pending transactions, with timestamps spread over the past year) and a few live ones, runs
# VACUUM ANALYZE, then prints EXPLAIN (ANALYZE, BUFFERS) of every claim / poll query exactly as the code issues it:
# once with the plan made for the values (custom plan: a JDBC prepared statement's first executions) and once with
# the generic plan a long-lived prepared statement may switch to. An idle poll must stay under 1 ms whatever ROWS is.
#
# Needs PostgreSQL (default 127.0.0.1:5432, database test, user postgres) and psql.
# Then CHURN more rows per table go through their life (inserted, claimed, finished) in batches of 100 without a
# VACUUM, as between two autovacuum runs: the dead index entries each status change leaves are what an idle poll
# has to step over.
# Usage: bench/claim-queries.sh                  [env: ROWS=1000000 CHURN=50000 JAR=<built jar; default: package
#                                                 this tree> KEEP=1 keeps the schema; FULL=1 prints whole plans]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
ROWS=${ROWS:-1000000}; PORT=${PORT:-18090}
PGHOST=${BENCH_PG_HOST:-127.0.0.1}; PGUSER=${BENCH_PG_USER:-postgres}; PGDB=${BENCH_PG_DB:-test}
schema="claims_$(date +%s)"
psql_() { psql -h "$PGHOST" -U "$PGUSER" -d "$PGDB" -v ON_ERROR_STOP=1 -X -q "$@"; }

if [ -z "${JAR:-}" ]; then
  ./mvnw -q -B -ntp -DskipTests package
  JAR="$root/$(ls target/jumio-callback-gateway-*.jar | grep -v original | head -1)"
fi
pid=
cleanup() {
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  [ -n "${KEEP:-}" ] || psql_ -c "DROP SCHEMA IF EXISTS ${schema} CASCADE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# 1. the schema, by the service's migrations (SQL and Java ones), nothing polling
psql_ -c "CREATE SCHEMA ${schema}"
API_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
GATEWAY_API_USERNAME=bench GATEWAY_API_PASSWORD="$API_PASSWORD" \
GATEWAY_DB_URL="jdbc:postgresql://${PGHOST}:5432/${PGDB}?currentSchema=${schema}" GATEWAY_DB_USERNAME="$PGUSER" \
SPRING_FLYWAY_SCHEMAS="$schema" \
  java -jar "$JAR" --server.port="$PORT" --spring.config.additional-location="file:$root/config/" \
    --camel.main.routes-include-pattern="file:$root/routes/*.camel.yaml" \
    --gateway.alerts.templates-dir="$root/config/templates" \
    --gateway.worker.enabled=false --gateway.reconciliation.enabled=false --gateway.webhooks.enabled=false \
    --gateway.retention.enabled=false > "$root/target/claim-queries-service.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null || { echo "service did not start"; tail -50 target/claim-queries-service.log; exit 1; }
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
echo "schema ${schema} migrated to version $(psql_ -At -c "SELECT version FROM ${schema}.flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1")"
echo "indexes: $(psql_ -At -c "SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = '${schema}' AND tablename IN ('callback_inbox','alert_outbox','delivery_outbox','pending_transaction')")"

# 2. history: ROWS finished rows per queue table, a year old to a minute old; and the live rows an idle gateway has
echo "seeding ${ROWS} finished rows into each of callback_inbox, alert_outbox, delivery_outbox, pending_transaction"
start=$(date +%s)
psql_ <<SQL
SET search_path = ${schema};
-- processed callbacks (a few failed ones), claimed by instances long gone; bodies of the older half purged
INSERT INTO callback_inbox (kind, source_address, content_type, body, received_at, status, attempts, claimed_by,
    claimed_until, processed_at, scan_reference, outcome, failure_reason, body_purged_at)
SELECT 'NETVERIFY', '10.0.0.' || (g % 250), 'application/x-www-form-urlencoded',
       convert_to('jumioIdScanReference=' || md5(g::text) || '&idScanStatus=APPROVED_VERIFIED&idType=PASSPORT', 'UTF8'),
       t, CASE WHEN g % 1000 = 0 THEN 'FAILED' ELSE 'PROCESSED' END, 1, 'gateway-' || (g % 3) || '-old',
       NULL, t + interval '150 milliseconds', md5(g::text), 'APPLIED',
       CASE WHEN g % 1000 = 0 THEN 'unparseable' END, CASE WHEN g < ${ROWS} / 2 THEN t + interval '30 days' END
FROM (SELECT g, now() - interval '365 days' + (g * (interval '365 days' / ${ROWS})) AS t
      FROM generate_series(1, ${ROWS}) g) s;
-- sent alerts (a few failed)
INSERT INTO alert_outbox (alert_key, rule, category, scan_reference, status, attempts, next_attempt_at, last_error,
    claimed_by, claimed_until, alert_json, created_at, sent_at)
SELECT 'netverify-denied-fraud:' || md5(g::text), 'netverify-denied-fraud', 'FRAUD', md5(g::text),
       CASE WHEN g % 1000 = 0 THEN 'FAILED' ELSE 'SENT' END, 1, t, NULL, 'gateway-' || (g % 3) || '-old', NULL,
       '{"rule":"netverify-denied-fraud","status":"DENIED_FRAUD"}', t, t + interval '2 seconds'
FROM (SELECT g, now() - interval '365 days' + (g * (interval '365 days' / ${ROWS})) AS t
      FROM generate_series(1, ${ROWS}) g) s;
-- delivered webhooks to two destinations (a few failed)
INSERT INTO delivery_outbox (message_id, destination, channel, dedup_key, scan_reference, status, attempts,
    next_attempt_at, last_attempt_at, last_status_code, claimed_by, claimed_until, payload, created_at, delivered_at)
SELECT 'msg_' || md5(g::text), CASE WHEN g % 2 = 0 THEN 'crm' ELSE 'risk' END, 'WEBHOOK', NULL, md5(g::text),
       CASE WHEN g % 1000 = 0 THEN 'FAILED' ELSE 'DELIVERED' END, 1, t, t + interval '1 second', 200,
       'gateway-' || (g % 3) || '-old', NULL, '{"scanReference":"' || md5(g::text) || '","decision":"PASSED"}', t,
       t + interval '1 second'
FROM (SELECT g, now() - interval '365 days' + (g * (interval '365 days' / ${ROWS})) AS t
      FROM generate_series(1, ${ROWS}) g) s;
-- resolved transactions (a few unresolved / failed), and 100 live ones waiting for their callback (not due yet)
INSERT INTO pending_transaction (scan_reference, kind, data_center, origin, initiated_at, token_lifetime_minutes,
    overdue_at, state, attempts, consecutive_errors, next_poll_at, last_polled_at, claimed_by, claimed_until,
    resolved_at, resolution_source, created_at, updated_at)
SELECT md5(g::text), CASE WHEN g % 10 = 0 THEN 'PLATFORM' ELSE 'NETVERIFY' END, 'US', 'INITIATED', t, 30,
       t + interval '45 minutes', CASE WHEN g % 1000 = 0 THEN 'UNRESOLVED' ELSE 'RESOLVED' END, 0, 0, NULL, NULL,
       NULL, NULL, t + interval '5 minutes', 'CALLBACK', t, t + interval '5 minutes'
FROM (SELECT g, now() - interval '365 days' + (g * (interval '365 days' / ${ROWS})) AS t
      FROM generate_series(1, ${ROWS}) g) s;
INSERT INTO pending_transaction (scan_reference, kind, data_center, origin, initiated_at, token_lifetime_minutes,
    overdue_at, state, attempts, consecutive_errors, next_poll_at, created_at, updated_at)
SELECT 'live-' || g, 'NETVERIFY', 'US', 'INITIATED', now(), 30, now() + interval '45 minutes', 'PENDING', 0, 0,
       now() + interval '45 minutes', now(), now()
FROM generate_series(1, 100) g;
VACUUM ANALYZE callback_inbox;
VACUUM ANALYZE alert_outbox;
VACUUM ANALYZE delivery_outbox;
VACUUM ANALYZE pending_transaction;
SQL
# 3. recent traffic: CHURN rows per table go through their life in batches of 100 as the service moves them
# (inserted; claimed by the claim query; finished), with idle polls in between and no VACUUM meanwhile - the state
# between two autovacuum runs (autovacuum runs after 20 % of a table changed; on a server with autovacuum off, for
# ever). Each status change leaves dead index entries behind until a VACUUM; this is what made idle polls grow.
if [ "${CHURN:-50000}" -gt 0 ]; then
  batches=$(( ${CHURN:-50000} / 100 ))
  echo "churn: ${batches} batches of 100 rows through each queue, without VACUUM"
  psql_ <<SQL
SET search_path = ${schema};
ALTER TABLE callback_inbox SET (autovacuum_enabled = false);
ALTER TABLE alert_outbox SET (autovacuum_enabled = false);
ALTER TABLE delivery_outbox SET (autovacuum_enabled = false);
ALTER TABLE pending_transaction SET (autovacuum_enabled = false);
DO \$\$
DECLARE b int; idle int;
BEGIN
  FOR b IN 1..${batches} LOOP
    -- intake commits a burst of callbacks
    INSERT INTO callback_inbox (kind, source_address, content_type, body, received_at, status, attempts)
    SELECT 'NETVERIFY', '10.0.0.1', 'application/x-www-form-urlencoded',
           convert_to('jumioIdScanReference=churn-' || b || '-' || g || '&idScanStatus=APPROVED_VERIFIED', 'UTF8'), now(), 'RECEIVED', 0
    FROM generate_series(1, 100) g;
    COMMIT;
    -- the worker claims them with the claim query, processes them, marks them
    WITH c AS (SELECT id FROM callback_inbox WHERE status = 'RECEIVED' OR (status = 'CLAIMED' AND claimed_until < now())
               ORDER BY id FETCH FIRST 100 ROWS ONLY FOR UPDATE SKIP LOCKED)
    UPDATE callback_inbox i SET status = 'CLAIMED', claimed_by = 'gateway-1', claimed_until = now() + interval '20 seconds',
           attempts = attempts + 1 FROM c WHERE i.id = c.id;
    COMMIT;
    UPDATE callback_inbox SET status = 'PROCESSED', processed_at = now(), outcome = 'APPLIED', claimed_until = NULL
    WHERE claimed_by = 'gateway-1' AND status = 'CLAIMED';
    COMMIT;
    -- the fan-out queues an alert, a delivery and a pending transaction's resolution for some of them
    INSERT INTO alert_outbox (alert_key, rule, category, scan_reference, status, attempts, next_attempt_at, alert_json, created_at)
    SELECT 'netverify-denied-fraud:churn-' || b || '-' || g, 'netverify-denied-fraud', 'FRAUD', 'churn-' || b || '-' || g,
           'PENDING', 0, now(), '{}', now() FROM generate_series(1, 100) g;
    INSERT INTO delivery_outbox (message_id, destination, channel, scan_reference, status, attempts, next_attempt_at, payload, created_at)
    SELECT 'msg_churn-' || b || '-' || g, 'crm', 'WEBHOOK', 'churn-' || b || '-' || g, 'PENDING', 0, now(), '{}', now()
    FROM generate_series(1, 100) g;
    INSERT INTO pending_transaction (scan_reference, kind, data_center, origin, initiated_at, token_lifetime_minutes,
        overdue_at, state, attempts, consecutive_errors, next_poll_at, created_at, updated_at)
    SELECT 'churn-' || b || '-' || g, 'NETVERIFY', 'US', 'INITIATED', now(), 30, now(), 'PENDING', 0, 0, now(), now(), now()
    FROM generate_series(1, 100) g;
    COMMIT;
    WITH c AS (SELECT id FROM alert_outbox WHERE status = 'PENDING' AND category IN ('FRAUD') AND next_attempt_at <= now()
               AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY id FETCH FIRST 100 ROWS ONLY FOR UPDATE SKIP LOCKED)
    UPDATE alert_outbox a SET claimed_by = 'gateway-1', claimed_until = now() + interval '20 seconds', attempts = attempts + 1
    FROM c WHERE a.id = c.id;
    WITH c AS (SELECT d.id FROM delivery_outbox d WHERE d.status = 'PENDING' AND d.destination IN ('crm', 'risk')
               AND d.next_attempt_at <= now() AND (d.claimed_until IS NULL OR d.claimed_until < now())
               AND NOT EXISTS (SELECT 1 FROM delivery_outbox o WHERE o.destination = d.destination
                   AND o.scan_reference = d.scan_reference AND o.status = 'PENDING' AND o.id < d.id)
               ORDER BY d.id FETCH FIRST 100 ROWS ONLY FOR UPDATE SKIP LOCKED)
    UPDATE delivery_outbox d SET claimed_by = 'gateway-1', claimed_until = now() + interval '20 seconds', attempts = attempts + 1
    FROM c WHERE d.id = c.id;
    WITH c AS (SELECT scan_reference FROM pending_transaction WHERE state = 'PENDING' AND next_poll_at <= now()
               AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY next_poll_at FETCH FIRST 100 ROWS ONLY
               FOR UPDATE SKIP LOCKED)
    UPDATE pending_transaction p SET claimed_by = 'gateway-1', claimed_until = now() + interval '20 seconds'
    FROM c WHERE p.scan_reference = c.scan_reference;
    COMMIT;
    UPDATE alert_outbox SET status = 'SENT', sent_at = now(), claimed_until = NULL WHERE claimed_by = 'gateway-1' AND status = 'PENDING';
    UPDATE delivery_outbox SET status = 'DELIVERED', delivered_at = now(), last_attempt_at = now(), last_status_code = 200,
           claimed_until = NULL WHERE claimed_by = 'gateway-1' AND status = 'PENDING';
    UPDATE pending_transaction SET state = 'RESOLVED', next_poll_at = NULL, claimed_by = NULL, claimed_until = NULL,
           resolved_at = now(), resolution_source = 'RETRIEVAL', updated_at = now() WHERE claimed_by = 'gateway-1' AND state = 'PENDING';
    COMMIT;
    -- idle polls until the next burst (they are what sets the dead index entries' kill bits, if anything does)
    FOR idle IN 1..3 LOOP
      PERFORM id FROM callback_inbox WHERE status = 'RECEIVED' OR (status = 'CLAIMED' AND claimed_until < now())
              ORDER BY id FETCH FIRST 100 ROWS ONLY FOR UPDATE SKIP LOCKED;
      PERFORM id FROM alert_outbox WHERE status = 'PENDING' AND category IN ('FRAUD') AND next_attempt_at <= now()
              AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY id FETCH FIRST 20 ROWS ONLY FOR UPDATE SKIP LOCKED;
      PERFORM scan_reference FROM pending_transaction WHERE state = 'PENDING' AND next_poll_at <= now()
              AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY next_poll_at FETCH FIRST 50 ROWS ONLY FOR UPDATE SKIP LOCKED;
      COMMIT;
    END LOOP;
  END LOOP;
END
\$\$;
-- fresh statistics (autovacuum's ANALYZE runs more often than its VACUUM), dead entries left in place
ANALYZE callback_inbox;
ANALYZE alert_outbox;
ANALYZE delivery_outbox;
ANALYZE pending_transaction;
SQL
fi
echo "seeded in $(( $(date +%s) - start )) s; table sizes: $(psql_ -At -c "SELECT string_agg(c.relname || '=' || pg_size_pretty(pg_total_relation_size(c.oid)), ' ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${schema}' AND c.relname IN ('callback_inbox','alert_outbox','delivery_outbox','pending_transaction')")"

# 4. the queries. Each: name | arguments of EXECUTE | the SQL as the code sends it ($n for its ? parameters)
queries=$(cat <<'Q'
inbox claim (CallbackInbox.claimRows: new rows and expired leases)|now()|SELECT id, kind, source_address, content_type, body, data_key_id, received_at, attempts FROM callback_inbox WHERE status = 'RECEIVED' OR (status = 'CLAIMED' AND claimed_until < $1) ORDER BY id FETCH FIRST 100 ROWS ONLY FOR UPDATE SKIP LOCKED
alert claim (AlertOutbox.claimRows)|'FRAUD', now(), now()|SELECT id, alert_key, rule, category, scan_reference, attempts, created_at, alert_json FROM alert_outbox WHERE status = 'PENDING' AND category IN ($1) AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY id FETCH FIRST 20 ROWS ONLY FOR UPDATE SKIP LOCKED
delivery claim, step 1: one page of the walk over the PENDING rows of a destination (DeliveryOutbox.oldestOfTheirScans)|now(), now(), 'crm', 0, 66|SELECT id, scan_reference, next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $2) FROM delivery_outbox WHERE destination = $3 AND status = 'PENDING' AND id > $4 ORDER BY destination, status, id FETCH FIRST $5 ROWS ONLY
delivery claim, step 2: the rows taken (DeliveryOutbox.claimRows)|now()|SELECT id, message_id, destination, channel, scan_reference, attempts, payload FROM delivery_outbox WHERE id IN (SELECT id FROM delivery_outbox WHERE destination = 'crm' AND status = 'PENDING' ORDER BY id FETCH FIRST 50 ROWS ONLY) AND status = 'PENDING' AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY id FOR UPDATE SKIP LOCKED
pending claim (PendingTransactions.claimRows, both credentials)|now(), now()|SELECT scan_reference, kind, data_center, origin, customer_internal_reference, user_reference, initiated_at, token_lifetime_minutes, overdue_at, attempts, consecutive_errors, next_poll_at FROM pending_transaction WHERE state = 'PENDING' AND next_poll_at <= $1 AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY next_poll_at FETCH FIRST 50 ROWS ONLY FOR UPDATE SKIP LOCKED
pending claim (Netverify credentials only)|now(), now()|SELECT scan_reference, kind, data_center, origin, customer_internal_reference, user_reference, initiated_at, token_lifetime_minutes, overdue_at, attempts, consecutive_errors, next_poll_at FROM pending_transaction WHERE state = 'PENDING' AND next_poll_at <= $1 AND (claimed_until IS NULL OR claimed_until < $2) AND kind <> 'PLATFORM' ORDER BY next_poll_at FETCH FIRST 50 ROWS ONLY FOR UPDATE SKIP LOCKED
inbox give-back of own claims (ClaimTable.releaseOwnClaims)|now(), 'gateway-1'|UPDATE callback_inbox SET claimed_until = $1 WHERE claimed_by = $2 AND status = 'CLAIMED' AND claimed_until > $1
alert give-back of own claims|'gateway-1'|UPDATE alert_outbox SET claimed_until = NULL WHERE claimed_by = $1 AND status = 'PENDING' AND claimed_until IS NOT NULL
delivery give-back of own claims|'gateway-1'|UPDATE delivery_outbox SET claimed_until = NULL WHERE claimed_by = $1 AND status = 'PENDING' AND claimed_until IS NOT NULL
pending give-back of own claims|'gateway-1'|UPDATE pending_transaction SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1 AND state = 'PENDING'
readiness: inbox backlog (CallbackInbox.backlog)||SELECT COUNT(*) AS pending, MIN(received_at) AS oldest FROM callback_inbox WHERE status IN ('RECEIVED', 'CLAIMED')
readiness: inbox failed count (CallbackInbox.backlog)||SELECT COUNT(*) FROM callback_inbox WHERE status = 'FAILED'
gauge: alerts pending (AlertOutbox.pendingOrNaN)||SELECT COUNT(*) FROM alert_outbox WHERE status = 'PENDING'
delivery log: FAILED deliveries of a destination (GET /api/deliveries?destination=crm&status=FAILED)|'crm'|SELECT id, message_id, destination, channel, scan_reference, status, attempts, last_status_code, last_error, last_attempt_at, next_attempt_at, created_at, delivered_at FROM delivery_outbox WHERE 1 = 1 AND destination = $1 AND status = 'FAILED' ORDER BY id DESC FETCH FIRST 500 ROWS ONLY
gauge: webhook backlog per destination (DeliveryOutbox.backlog)|'crm'|SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM delivery_outbox WHERE destination = $1 AND status = 'PENDING'
Q
)
sql="SET search_path = ${schema};"$'\n'
i=0
while IFS='|' read -r title args query; do
  i=$((i + 1))
  exec_args=${args:+($args)}
  # parameter types from the columns, as for a JDBC statement whose parameters are sent untyped
  sql+="\\echo '=== ${i}. ${title}'"$'\n'"\\echo 'SQL: ${query//\'/\'\'}'"$'\n'
  sql+="PREPARE q${i} AS ${query};"$'\n'
  for mode in custom generic; do
    sql+="\\echo '--- ${mode} plan'"$'\n'
    sql+="SET plan_cache_mode = force_${mode}_plan;"$'\n'
    # a warm run first (its plan is not printed), then the measured one; both rolled back
    sql+="BEGIN; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE q${i}${exec_args}; ROLLBACK;"$'\n'
    sql+="BEGIN; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE q${i}${exec_args}; ROLLBACK;"$'\n'
  done
done <<< "$queries"

# keep the measured run's plan (every second EXPLAIN); trimmed to plan nodes, buffers, rows removed and times
psql_ -At -c "SELECT 1" >/dev/null
psql_ -At <<< "$sql" | awk -v full="${FULL:-}" '
  /^===/ || /^SQL: / { print; next }
  /^--- / { mode=$0; n=0; next }
  /^Planning Time/ { n++ ; if (n == 2) { print mode; printf "%s", buf } ; buf=""; next }
  /^Execution Time/ { if (n == 2) { print "  " $0 } ; next }
  { if (full || $0 ~ /->|Scan|Limit|LockRows|Update|Aggregate|Buffers|Rows Removed|Index Cond|Filter|Recheck|Heap Fetches/ ) buf = buf "  " $0 "\n" }
'
