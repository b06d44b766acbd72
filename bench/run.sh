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
# (every generated client comes from 127.0.0.1). Both JVM servers (Switchboard and the Jetty peer) get the same
# heap settings (SRV_JVM, the kit's knob): -Xmx2g and G1 for S1-S3; for S4 also -Xms64m and MaxHeapFreeRatio=20,
# so that a forced GC hands free heap back. Without them "RSS after a forced GC" measures how far G1 had grown its
# heap during the connect burst (the default -Xms here is 384 MB, which G1 never gives back, and a full GC keeps
# up to 70 % free), not what the connections hold: S4 read 15.7 to 59.5 KB per connection in four runs of the
# same code with -Xmx2g alone.
# S4 is also measured after a forced GC (jcmd GC.run) for the JVM servers (Switchboard, Jetty): idle.tsv.
# Server pinned to CPU 0, generator to CPU 1. Keep builds and tests off the machine while it runs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KIT_SRC="${BENCH_KIT:-$ROOT/../shared/bench}"
WORK="$ROOT/target/bench"
KIT="$WORK/kit"
SCENARIOS=("${@:-s1 s2 s3 s4}"); SCENARIOS=(${SCENARIOS[@]})
TARGETS=(${TARGETS:-ws socketio jetty ext})
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
declare -A PEER_PORT=([ws]=18081 [socketio]=18082 [jetty]=18083 [ext]="$PORT")

# S3 for Switchboard: the kit's ramp (1 room × 100 clients, 10 s steps, rate doubling until p99 > 100 ms or any
# loss, then one bisection) on one server, as for the peers. The generator signs the same names in at every step,
# and a guest name stays held by its first token until that token expires (409 otherwise): so this server's tokens
# live 30 s, and each step starts at least 31 s after the previous one did (a step lasts about 20 s).
s3_step() { # RATE -> prints the generator's JSON line
  timeout 150 taskset -c "${GEN_CPU:-1}" java ${GEN_JVM:--Xms1g -Xmx1g -Xmn512m -XX:+UseSerialGC} \
    -cp "$KIT/loadgen/target/classes:$KIT/loadgen/target/lib/*" bench.LoadGen \
    --base "http://127.0.0.1:$PORT/switchboard" --proto switchboard --pid "$SPID" --label "switchboard/s3@$1" \
    --out "$RESULTS/switchboard.jsonl" --clients 100 --rooms 1 --rate "$1" --duration 10 --warmup 2 --drain 5 | tail -1
}
s3_switchboard() {
  local rate=1 pass="" fail="" bisected="" line started=0
  SWITCHBOARD_OPTS="-Dswitchboard.token.ttl=30" start_switchboard
  taskset -a -cp "${SERVER_CPU:-0}" "$SPID" >/dev/null
  for _ in 1 2 3 4 5 6 7 8; do
    while (( $(date +%s) < started + 31 )); do sleep 1; done
    started=$(date +%s)
    line="$(s3_step "$rate")"; echo "$line" | cut -c1-400
    if node -e 'const r=JSON.parse(process.argv[1]);process.exit(r.p99_ms>100||r.lost>0||r.failed>0||r.dropped>0||r.errors>0||r.ack_missing>0?1:0)' "$line"; then
      pass="$rate"; [[ -n "$fail" ]] && break; rate=$(( rate * 2 ))
    else
      fail="$rate"; [[ -z "$pass" || -n "$bisected" ]] && break
      bisected=1; rate=$(node -e "console.log(Math.round(Math.sqrt($pass*$fail)))")
      [[ "$rate" == "$pass" || "$rate" == "$fail" ]] && break
    fi
  done
  stop_switchboard
  echo "{\"label\":\"switchboard/s3-result\",\"max_pass_rate_per_client\":\"${pass:-none}\",\"first_fail_rate\":\"${fail:-none}\"}" \
    | tee -a "$RESULTS/switchboard.jsonl"
}

for scenario in "${SCENARIOS[@]}"; do
  if [[ "$scenario" == s4 ]]; then export SRV_JVM="$IDLE_JVM"; else export SRV_JVM="$HEAP_JVM"; fi
  for target in "${TARGETS[@]}"; do
    echo "== $target $scenario"
    if [[ "$scenario" == s4 ]]; then
      name="$target"; [[ "$target" == ext ]] && name=switchboard
      if [[ "$target" == ext ]]; then start_switchboard; fi
      measure_idle "$name" "${PEER_PORT[$target]}" 4990 &
      if [[ "$target" == ext ]]; then
        EXT_PROTO=switchboard EXT_BASE="http://127.0.0.1:$PORT/switchboard" EXT_PID="$SPID" EXT_PIN=1 \
          "$KIT/scripts/bench.sh" ext s4 || echo "switchboard s4 failed"
        stop_switchboard
      else
        "$KIT/scripts/bench.sh" "$target" s4 || echo "$target s4 failed"
      fi
      wait
      continue
    fi
    if [[ "$scenario" == s3 && "$target" == ext ]]; then
      s3_switchboard
      continue
    fi
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
if [[ -s "$RESULTS/idle.tsv" ]]; then
  { echo; echo "| peer (S4 idle, after a forced GC in JVM servers) | connections | RSS before KB | RSS connected KB | KB per connection |"
    echo "|---|---|---|---|---|"
    awk -F'\t' '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$RESULTS/idle.tsv"; } | tee -a "$RESULTS/SUMMARY.md"
fi
{ echo; echo "Switchboard against each peer of this run:"; echo; node "$ROOT/bench/ratios.js" "$RESULTS"; } | tee -a "$RESULTS/SUMMARY.md"
echo "results: $RESULTS"
