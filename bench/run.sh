#!/usr/bin/env bash
# Switchboard side by side with Node ws, Socket.IO, a bare Jetty @ServerEndpoint and Vert.x, in one run, with the
# shared load generator (../shared/bench). Bounded: every scenario is time-limited by the kit.
#
#   bench/run.sh                 # S1, S2, S3, S4 and the overload run for all five targets (about 45 minutes)
#   bench/run.sh s1 s2           # only some scenarios
#   TARGETS="vertx ext" bench/run.sh s2 over
#
# Every target runs as its own process, started here for each scenario, pinned to CPU 0 (the generator to CPU 1),
# and warmed first with the kit's `warm` scenario (S2's topology at a fifth of its rate) in the same process, so the
# JVM servers are measured with their hot paths compiled; S4 (idle memory) measures a fresh process instead.
# Switchboard runs on the WildFly the build unpacks (the same server users run), with the full feature set on:
# identity, acks after commit, sequences, durable history, presence. Only the per-connection rate limit is raised
# (BENCH_RATE), or S3 would measure the limiter, and the per-address connection cap is off (every generated client
# comes from 127.0.0.1). The generator signs every run in under fresh names (the kit's --user-prefix).
# The JVM peers and Switchboard get the same heap settings (SRV_JVM, the kit's knob): -Xmx2g and G1 for S1-S3 and
# the overload run; for S4 also -Xms64m and MaxHeapFreeRatio=20, so that a forced GC hands free heap back (without
# them "RSS after a forced GC" measures how far G1 had grown its heap during the connect burst).
# S4 is also measured after a forced GC (jcmd GC.run) for the JVM servers: idle.tsv.
# The overload run ("over"): S2's topology at twice its rate (200,000 deliveries/s offered, more than any target
# here carries), with a neighbour (bench/neighbour.js) in a quiet room of its own measuring its own latency.
# Keep builds and tests off the machine while it runs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KIT_SRC="${BENCH_KIT:-$ROOT/../shared/bench}"
WORK="$ROOT/target/bench"
KIT="$WORK/kit"
SCENARIOS=("${@:-s1 s2 s3 s4 over}"); SCENARIOS=(${SCENARIOS[@]})
TARGETS=(${TARGETS:-ws socketio jetty vertx ext})
PORT="${BENCH_PORT:-8080}"
HEAP_JVM="${HEAP_JVM:--Xmx2g -XX:+UseG1GC}"
IDLE_JVM="${IDLE_JVM:--Xms64m -Xmx2g -XX:+UseG1GC -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10}"
BENCH_RATE="${BENCH_RATE:-100000}"
WILDFLY="$(ls -d "$ROOT"/target/wildfly-*/ 2>/dev/null | head -1)"

mkdir -p "$WORK"
if [[ ! -d "$KIT" ]]; then # the shared kit is read-only: build a copy
  cp -r "$KIT_SRC" "$KIT" && chmod -R u+w "$KIT"
  (cd "$KIT/peers/node" && npm ci --no-audit --no-fund --silent)
  (cd "$KIT/peers/jetty" && mvn -q -B package)
  (cd "$KIT/loadgen" && mvn -q -B package)
fi
if [[ ! -d "$KIT/peers/vertx/target/lib" ]]; then # a copy from before the kit had Vert.x
  rm -rf "$KIT/peers/vertx" && cp -r "$KIT_SRC/peers/vertx" "$KIT/peers/vertx" && chmod -R u+w "$KIT/peers/vertx"
  (cd "$KIT/peers/vertx" && mvn -q -B package)
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
  JAVA_OPTS="$SRV_JVM -Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman \
    -Dswitchboard.limits.rate=$BENCH_RATE -Dswitchboard.limits.burst=$BENCH_RATE -Dswitchboard.limits.connections.address=0 -Dswitchboard.token.secret=bench-secret-0123456789abcdef ${SWITCHBOARD_OPTS:-}" \
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

# S4 after a forced GC: waits (in the background) until PORT has CONNS established connections, then forces a GC
# in the JVM servers (Node offers none without --expose-gc) and records RSS; the baseline is taken the same way
# before the clients connect. Appends "peer  conns  rss-before-KB  rss-connected-KB  KB-per-connection" to idle.tsv.
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
settle() { # PID: a full GC where there is a JVM to ask (jcmd on another process only hangs), then a moment for the RSS
  if [[ "$(readlink "/proc/$1/exe" 2>/dev/null)" == */java ]]; then jcmd "$1" GC.run >/dev/null 2>&1 || true; sleep 1; fi
}
measure_idle() { # NAME PORT CONNS (the server's pid is found by its listening port)
  local name="$1" port="$2" conns="$3" pid="" before="" n=0
  for _ in $(seq 1 100); do
    pid="$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)"
    [[ -n "$pid" ]] && break; sleep 0.2
  done
  [[ -n "$pid" ]] || return 0
  settle "$pid"; before="$(rss_kb "$pid")"
  for _ in $(seq 1 600); do
    n="$(ss -Htn state established "sport = :$port" 2>/dev/null | wc -l || true)"
    (( n >= conns )) && break; sleep 0.1
  done
  settle "$pid"
  local after; after="$(rss_kb "$pid")"
  awk -v p="$name" -v n="$n" -v b="$before" -v a="$after" 'BEGIN{printf "%s\t%d\t%d\t%d\t%.1f\n", p, n, b, a, (a-b)/n}' >>"$RESULTS/idle.tsv"
}
declare -A PEER_PORT=([ws]=18081 [socketio]=18082 [jetty]=18083 [vertx]=18084 [ext]="$PORT")
JAVA_BIN="${JAVA:-java}"

start_peer() { # TARGET: the kit's peer, started here (as the kit would) so that it can be warmed and then measured
  local port="${PEER_PORT[$1]}" cmd
  case "$1" in
    ws) cmd=(node "$KIT/peers/node/ws-server.js") ;;
    socketio) cmd=(node "$KIT/peers/node/socketio-server.js") ;;
    jetty) cmd=("$JAVA_BIN" $SRV_JVM -cp "$KIT/peers/jetty/target/classes:$KIT/peers/jetty/target/lib/*" bench.JettyChatServer) ;;
    vertx) cmd=("$JAVA_BIN" $SRV_JVM -cp "$KIT/peers/vertx/target/classes:$KIT/peers/vertx/target/lib/*" bench.VertxChatServer) ;;
  esac
  PORT="$port" taskset -c "${SERVER_CPU:-0}" "${cmd[@]}" >"$RESULTS/$1.server.log" 2>&1 &
  SPID=$!
  for _ in $(seq 1 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then return; fi
    sleep 0.2
  done
  echo "$1 did not open port $port"; exit 1
}
start_target() { if [[ "$1" == ext ]]; then start_switchboard; else start_peer "$1"; fi; }
stop_target() { stop_switchboard; } # the same for both: SPID is the process
name_of() { if [[ "$1" == ext ]]; then echo switchboard; else echo "$1"; fi; }
url_of() { # the generator's URL template for a peer
  if [[ "$1" == socketio ]]; then echo "ws://127.0.0.1:${PEER_PORT[$1]}/socket.io/?EIO=4&transport=websocket&room={room}&user={user}"
  else echo "ws://127.0.0.1:${PEER_PORT[$1]}/chat/{room}?user={user}"; fi
}
kit() { # TARGET SCENARIO: the kit's scenario against the running process
  if [[ "$1" == ext ]]; then
    EXT_PROTO=switchboard EXT_BASE="http://127.0.0.1:$PORT/switchboard" EXT_PID="$SPID" EXT_PIN=1 EXT_NAME=switchboard \
      "$KIT/scripts/bench.sh" ext "$2" || echo "switchboard $2 failed"
  else
    local proto=ws; [[ "$1" == socketio ]] && proto=sio
    EXT_PROTO="$proto" EXT_URL="$(url_of "$1")" EXT_PID="$SPID" EXT_PIN=1 EXT_NAME="$1" \
      "$KIT/scripts/bench.sh" ext "$2" || echo "$1 $2 failed"
  fi
}
overload() { # TARGET: S2 at twice the rate, and a neighbour in a quiet room of its own
  local name; name="$(name_of "$1")"
  local target=(--proto ws --url "$(url_of "$1")") nb=(--proto ws --url "$(url_of "$1")")
  if [[ "$1" == ext ]]; then
    target=(--proto switchboard --base "http://127.0.0.1:$PORT/switchboard" --user-prefix "o$(date +%s)-")
    nb=(--proto switchboard --base "http://127.0.0.1:$PORT/switchboard")
  fi
  NODE_PATH="$KIT/peers/node/node_modules" taskset -c "${GEN_CPU:-1}" node "$ROOT/bench/neighbour.js" "${nb[@]}" \
    --seconds 45 --label "$name/over-neighbour" --out "$RESULTS/neighbours.json" &
  local npid=$!
  timeout 150 taskset -c "${GEN_CPU:-1}" "$JAVA_BIN" ${GEN_JVM:--Xms1g -Xmx1g -Xmn512m -XX:+UseSerialGC} \
    -cp "$KIT/loadgen/target/classes:$KIT/loadgen/target/lib/*" bench.LoadGen "${target[@]}" --pid "$SPID" \
    --label "$name/over" --out "$RESULTS/$name.jsonl" --clients 1000 --rooms 100 --rate 20 --duration 30 --warmup 5 --drain 5 \
    | tail -1 | cut -c1-400 || echo "$name over failed"
  wait "$npid" || echo "$name neighbour failed"
}

for scenario in "${SCENARIOS[@]}"; do
  if [[ "$scenario" == s4 ]]; then export SRV_JVM="$IDLE_JVM"; else export SRV_JVM="$HEAP_JVM"; fi
  for target in "${TARGETS[@]}"; do
    [[ "$scenario" == over && "$target" == socketio ]] && continue # neighbour.js speaks plain WebSocket only
    echo "== $target $scenario"
    start_target "$target"
    if [[ "$scenario" == s4 ]]; then # a fresh process: memory per idle connection, also after a forced GC
      measure_idle "$(name_of "$target")" "${PEER_PORT[$target]}" 4990 &
      mpid=$!
      kit "$target" s4
      wait "$mpid" # not a bare `wait`: that waits for the server too, which runs until stop_target
    else
      kit "$target" warm
      if [[ "$scenario" == over ]]; then overload "$target"; else kit "$target" "$scenario"; fi
    fi
    stop_target
  done
done
node "$KIT/scripts/summarize.js" "$RESULTS" | tee "$RESULTS/SUMMARY.md"
if [[ -s "$RESULTS/idle.tsv" ]]; then
  { echo; echo "| peer (S4 idle, after a forced GC in JVM servers) | connections | RSS before KB | RSS connected KB | KB per connection |"
    echo "|---|---|---|---|---|"
    awk -F'\t' '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$RESULTS/idle.tsv"; } | tee -a "$RESULTS/SUMMARY.md"
fi
{ echo; echo "Switchboard against each peer of this run:"; echo; node "$ROOT/bench/ratios.js" "$RESULTS"; } | tee -a "$RESULTS/SUMMARY.md"
echo "results: $RESULTS"
