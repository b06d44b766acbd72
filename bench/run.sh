#!/usr/bin/env bash
# Switchboard side by side with Node ws, Socket.IO and a bare Jetty @ServerEndpoint, in one run, with the
# shared load generator (../shared/bench). Bounded: every scenario is time-limited by the kit.
#
#   bench/run.sh                 # S1, S2, S3, S4 for all four targets (about 25 minutes on a quiet machine)
#   bench/run.sh s1 s2           # only some scenarios
#   TARGETS="jetty ext" bench/run.sh s2
#
# Switchboard runs on the WildFly the build unpacks (the same server users run), started fresh for each
# scenario (the generator re-uses user names, and a guest name stays taken while its token lives), with the
# full feature set on: identity, acks, sequences, durable history, presence. Only the per-connection rate
# limit is raised (BENCH_RATE), or S3 would measure the limiter, and the per-address connection cap is off
# (every generated client comes from 127.0.0.1). Heap as the Jetty peer (-Xmx2g).
# Server pinned to CPU 0, generator to CPU 1. Keep builds and tests off the machine while it runs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KIT_SRC="${BENCH_KIT:-$ROOT/../shared/bench}"
WORK="$ROOT/target/bench"
KIT="$WORK/kit"
SCENARIOS=("${@:-s1 s2 s3 s4}"); SCENARIOS=(${SCENARIOS[@]})
TARGETS=(${TARGETS:-ws socketio jetty ext})
PORT="${BENCH_PORT:-8080}"
BENCH_RATE="${BENCH_RATE:-100000}"
WILDFLY="$(ls -d "$ROOT"/target/wildfly-*/ 2>/dev/null | head -1)"

mkdir -p "$WORK"
if [[ ! -d "$KIT" ]]; then # the shared kit is read-only: build a copy
  cp -r "$KIT_SRC" "$KIT" && chmod -R u+w "$KIT"
  (cd "$KIT/peers/node" && npm ci --no-audit --no-fund --silent)
  (cd "$KIT/peers/jetty" && mvn -q -B package)
  (cd "$KIT/loadgen" && mvn -q -B package)
fi
(cd "$ROOT" && ./mvnw -q -B -DskipTests package)
WILDFLY="$(ls -d "$ROOT"/target/wildfly-*/ | head -1)"
CONFIG="$(ls -d "$ROOT"/target/it-server/wildfly-*/standalone/configuration 2>/dev/null | head -1)"
[[ -n "$CONFIG" ]] || CONFIG="$WILDFLY/standalone/configuration"

export RESULTS="${RESULTS:-$WORK/results-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$RESULTS"
SPID=""

start_switchboard() {
  local base="$WORK/server"
  rm -rf "$base" && mkdir -p "$base/deployments"
  cp -r "$CONFIG" "$base/configuration"
  cp "$ROOT/target/switchboard.war" "$base/deployments/"
  JAVA_OPTS="-Xms2g -Xmx2g -XX:+UseG1GC -Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman \
    -Dswitchboard.limits.rate=$BENCH_RATE -Dswitchboard.limits.burst=$BENCH_RATE -Dswitchboard.limits.connections.address=0 -Dswitchboard.token.secret=bench-secret-0123456789abcdef" \
    "$WILDFLY/bin/standalone.sh" -c standalone-microprofile.xml -Djboss.server.base.dir="$base" -b 127.0.0.1 -bmanagement 127.0.0.1 \
    -Djboss.http.port="$PORT" >"$RESULTS/switchboard.server.log" 2>&1 &
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null "http://127.0.0.1:$PORT/switchboard/"; then break; fi
    sleep 1
  done
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/switchboard/" || { echo "Switchboard did not start"; tail -30 "$RESULTS/switchboard.server.log"; exit 1; }
  SPID="$(pgrep -f "jboss.server.base.dir=$base" | xargs -r ps -o pid=,comm= -p | awk '$2=="java"{print $1; exit}')"
  echo "switchboard pid=$SPID"
}

stop_switchboard() {
  if [[ -n "$SPID" ]]; then
    kill "$SPID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SPID" 2>/dev/null || true
    SPID=""
  fi
}
trap stop_switchboard EXIT

for scenario in "${SCENARIOS[@]}"; do
  for target in "${TARGETS[@]}"; do
    echo "== $target $scenario"
    if [[ "$target" == ext ]]; then
      start_switchboard
      EXT_PROTO=switchboard EXT_BASE="http://127.0.0.1:$PORT/switchboard" EXT_PID="$SPID" EXT_PIN=1 \
        "$KIT/scripts/bench.sh" ext "$scenario" || echo "switchboard $scenario failed"
      stop_switchboard
    else
      "$KIT/scripts/bench.sh" "$target" "$scenario" || echo "$target $scenario failed"
    fi
  done
done
node "$KIT/scripts/summarize.js" "$RESULTS" | tee "$RESULTS/SUMMARY.md"
echo "results: $RESULTS"
