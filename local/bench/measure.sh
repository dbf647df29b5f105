#!/usr/bin/env bash
# Measures the local pipeline: start-up time to ready, resident memory, and push -> SUCCEEDED for the
# example repository (plan mode), over N pushes of new commits. Needs the packaged jar
# (./mvnw -B -DskipTests install), git, curl and python3. Sends traffic to 127.0.0.1 only; stops by itself.
#   local/bench/measure.sh [pushes=10] [port=18080]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10}
PORT=${2:-18080}
JAR=local/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "build first: ./mvnw -B -DskipTests install" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

now_ms() { date +%s%3N; }

T0=$(now_ms)
java -Dquarkus.http.port=$PORT -Dsluice.local.data-dir="$WORK/data" -jar "$JAR" > "$WORK/log" 2>&1 &
PID=$!
until curl -fs "http://127.0.0.1:$PORT/q/health/ready" > /dev/null 2>&1; do
  kill -0 $PID 2>/dev/null || { cat "$WORK/log"; exit 1; }
  sleep 0.05
done
T1=$(now_ms)
echo "start-up to ready: $((T1 - T0)) ms"
TOKEN=$(cat "$WORK/data/admin-token")

REPO="$WORK/hello"
cp -r examples/hello "$REPO"
git -C "$REPO" init -q -b main
git -C "$REPO" -c user.name=bench -c user.email=bench@sluice.dev add -A
git -C "$REPO" -c user.name=bench -c user.email=bench@sluice.dev commit -q -m "the example"

state_of() { # sha -> final state or empty
  curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/runs?repository=$REPO&size=200" | python3 -c '
import json, sys
sha = sys.argv[1]
for r in json.load(sys.stdin)["items"]:
    if r["sha"] == sha and r["finished"]:
        print(r["state"]); break' "$1"
}

TIMES=()
for i in $(seq 1 "$N"); do
  if [ "$i" -gt 1 ]; then
    echo "# change $i" >> "$REPO/src/server.py"
    git -C "$REPO" -c user.name=bench -c user.email=bench@sluice.dev commit -q -am "change $i"
  fi
  BEFORE=$(git -C "$REPO" rev-parse -q --verify "HEAD~1^{commit}" || echo 0000000000000000000000000000000000000000)
  SHA=$(git -C "$REPO" rev-parse HEAD)
  S=$(now_ms)
  curl -fs -X POST "http://127.0.0.1:$PORT/broker" -H 'Content-Type: application/json' \
    -H 'ce-specversion: 1.0' -H "ce-id: bench-$SHA" -H 'ce-type: dev.sluice.push' -H 'ce-source: /bench' \
    -d "{\"repository\":{\"url\":\"$REPO\",\"name\":\"hello\"},\"ref\":\"refs/heads/main\",\"before\":\"$BEFORE\",\"after\":\"$SHA\"}" > /dev/null
  STATE=""
  for _ in $(seq 1 600); do
    STATE=$(state_of "$SHA")
    [ -n "$STATE" ] && break
    sleep 0.02
  done
  E=$(now_ms)
  [ "$STATE" = "SUCCEEDED" ] || { echo "push $i ended '$STATE'"; tail -20 "$WORK/log"; exit 1; }
  TIMES+=($((E - S)))
done
RSS=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status)
printf '%s\n' "${TIMES[@]}" | sort -n | python3 -c '
import sys
t = [int(x) for x in sys.stdin.read().split()]
print(f"push -> SUCCEEDED over {len(t)} pushes: min {t[0]} ms, median {t[len(t)//2]} ms, max {t[-1]} ms (first push: whole tree)")'
echo "first push: ${TIMES[0]} ms"
echo "resident memory after the pushes: ${RSS} MiB"
