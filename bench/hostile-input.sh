#!/usr/bin/env bash
# Hostile-input run (issue 10, "strangers cost nothing"). Replays, against a running gateway, what an attacker (and
# Jumio with a malformed body) can send, and prints per attack: the answers, the time to the first answer, the
# service's peak RSS growth and CPU time during the attack, the log bytes it added, and whether a real callback sent
# from Jumio's address during the attack was answered 200 and stored (with its latency). bench/HostileInput.java.
#
# By default it packages this checkout and starts it on an embedded H2 file under target/ (port 18090, -Xmx512m,
# our own trusted proxy on loopback, so a stranger is 127.0.0.2 and Jumio is 127.0.0.1 + X-Forwarded-For), logs to
# target/hostile-input-service.log, and stops it at the end.
# Usage: bench/hostile-input.sh                     [env: PORT=18090 HEAP=512m]
#        SERVICE_DIR=/path/to/other/checkout bench/hostile-input.sh   runs the same attacks against another build
#                                                   (e.g. an older commit, for a before/after comparison)
set -euo pipefail
# API credentials of the throwaway instance: a fresh random password per run, handed over in the environment
API_PASSWORD=${BENCH_API_PASSWORD:-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export GATEWAY_API_USERNAME=bench GATEWAY_API_PASSWORD="$API_PASSWORD"
here="$(cd "$(dirname "$0")/.." && pwd)"
SERVICE_DIR=${SERVICE_DIR:-$here}; PORT=${PORT:-18090}; HEAP=${HEAP:-512m}
work="$here/target/hostile-input"; mkdir -p "$work"; rm -f "$work"/db*
log="$work/service.log"

cd "$SERVICE_DIR"
./mvnw -q -B -o -DskipTests package
jar=$(ls target/jumio-callback-gateway-*.jar | grep -v original | head -1)
GATEWAY_DB_URL="jdbc:h2:file:$work/db;AUTO_SERVER=FALSE" java -Xmx"$HEAP" -jar "$jar" --server.port="$PORT" \
  --gateway.allowlist.trusted-proxies=127.0.0.1 --gateway.allowlist.allow-loopback=false \
  > "$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "bench:$API_PASSWORD" "http://127.0.0.1:$PORT/api/alerts" || true)
  [ "$code" = 200 ] && break; sleep 1
done
echo "service: $(cd "$SERVICE_DIR" && git log -1 --format='%h %s' 2>/dev/null || echo "$SERVICE_DIR"), pid $pid, heap $HEAP, $(nproc) cores"
java "$here/bench/HostileInput.java" "$PORT" "$pid" "$log" "bench:$API_PASSWORD"
if kill -0 "$pid" 2>/dev/null; then echo "service still running after the attacks"; else echo "service DIED during the attacks"; fi
echo "OutOfMemoryError in the log: $(grep -c OutOfMemoryError "$log" || true); ERROR lines: $(grep -c ' ERROR ' "$log" || true);" \
     "stack frames: $(grep -c '^[[:space:]]at ' "$log" || true); log size $(( $(stat -c %s "$log") / 1024 )) kB"
