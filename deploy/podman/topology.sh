#!/usr/bin/env bash
# The split topology, run for real in containers, and its end-to-end check (not part of `verify`; .ci/run runs it
# after the build). What runs:
#   - the four function images (functions/<fn>/src/main/docker/Containerfile.jvm on the base image of base-image.sh,
#     built from the packaged apps), one container each, host network, each on its own port;
#   - their broker: local/ in its broker-only mode (a JVM on this machine: sluice.local.mode=broker) routing by the
#     same knative/ Trigger files to the containers' URLs, with K_SINK of every function pointing at its ingress (what
#     the SinkBinding does in a cluster) and an activator that starts a stopped container when an event arrives for it
#     (what Knative's activator does for a Service scaled to zero);
#   - PostgreSQL: the broker's embedded one (zonky, as local/ always runs it); the functions share database `sluice`
#     on it, the broker keeps its own tables in `postgres`.
# Checks, in order, failing (exit 1) at the first that does not hold:
#   1. cold: every function container created but stopped; a push of examples/hello reaches SUCCEEDED (the broker
#      starts each function on its first event), each transition once;
#   2. warm: a second commit reaches SUCCEEDED;
#   3. a push that adds an AWS access key ends REJECTED;
#   4. analyze is SIGKILLed while it holds a run's request (frozen with `podman pause` until the run is ANALYZING
#      and the delivery is in flight): the broker's retry finds nobody, the activator starts it again, and the run
#      reaches SUCCEEDED with each transition once;
#   and prints push -> SUCCEEDED cold and warm, each container's start to ready, and each one's resident memory.
# Needs root, podman + runc, debootstrap (first run), curl, git, python3, and the packaged apps:
#   ./mvnw -B -pl local -am package -DskipTests     (packages the four functions and local)
# Without podman it says so and exits 0, unless SLUICE_REQUIRE names podman (then 1).
# Environment: SLUICE_IMAGE_REGISTRY / _GROUP / _TAG (image names, default those of knative/services.yaml),
# SLUICE_BASE_IMAGE, SLUICE_CACHE (base-image.sh), SLUICE_TOPOLOGY_PORT (first of five ports, default 18480),
# SLUICE_TOPOLOGY_MEMORY (each container's memory limit, 512m), SLUICE_JAVA_OPTS (replaces the images' JAVA_OPTS),
# SLUICE_TOPOLOGY_KEEP=1 (leave everything running at the end), SLUICE_FIGURES (a file to append the figures to).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$here/../.." && pwd)"
cd "$ROOT"
T_START=$(date +%s)
now_ms() { date +%s%3N; }
say() { echo "[topology $(date +%H:%M:%S)] $*"; }
fail() { echo "[topology] FAILED: $*" >&2; exit 1; }

if ! command -v podman > /dev/null; then
  if [[ ",${SLUICE_REQUIRE:-}," == *,podman,* ]]; then fail "podman is not installed and SLUICE_REQUIRE names it"; fi
  echo "[topology] skipped: podman is not installed (apt-get install -y podman runc debootstrap)"; exit 0
fi
source "$here/podman.sh"
for app in functions/route functions/analyze functions/validate functions/deploy local; do
  [ -f "$app/target/quarkus-app/quarkus-run.jar" ] || fail "$app is not packaged: ./mvnw -B -pl local -am package -DskipTests"
done

REGISTRY=${SLUICE_IMAGE_REGISTRY:-ghcr.io}
GROUP=${SLUICE_IMAGE_GROUP:-sluice-dev}
TAG=${SLUICE_IMAGE_TAG:-0.1.0}
BASE_IMAGE=${SLUICE_BASE_IMAGE:-localhost/sluice-base:bookworm-jre17}
export SLUICE_BASE_IMAGE=$BASE_IMAGE
FUNCTIONS=(route analyze validate deploy)
PORT0=${SLUICE_TOPOLOGY_PORT:-18480}
BROKER_PORT=$PORT0
declare -A PORT=([route]=$((PORT0 + 1)) [analyze]=$((PORT0 + 2)) [validate]=$((PORT0 + 3)) [deploy]=$((PORT0 + 4)))
TOKEN=topology-admin-token
MEMORY=${SLUICE_TOPOLOGY_MEMORY:-512m}   # each container's limit, as knative/services.yaml's (the JVM sizes its heap from it)
WORK=$(mktemp -d /tmp/sluice-topology.XXXXXX)
chmod 755 "$WORK"   # the containers' user (185) reads the example repositories in here
BROKER_PID=
cleanup() {
  if [ -n "${SLUICE_TOPOLOGY_KEEP:-}" ]; then say "kept: broker pid $BROKER_PID, containers sluice-topology-*, $WORK"; return; fi
  for fn in "${FUNCTIONS[@]}"; do pm rm -f -t 2 "sluice-topology-$fn" > /dev/null 2>&1 || true; done
  if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
for p in "$BROKER_PORT" "${PORT[@]}"; do
  ! curl -s -o /dev/null "http://127.0.0.1:$p/" || fail "port $p is in use (SLUICE_TOPOLOGY_PORT to move the five ports)"
done

# 1. images
T0=$(now_ms)
"$here/base-image.sh"
T_BASE=$(( $(now_ms) - T0 ))
T0=$(now_ms)
for fn in "${FUNCTIONS[@]}"; do
  say "building $REGISTRY/$GROUP/sluice-$fn:$TAG"
  pm build --runtime runc --cgroup-manager=cgroupfs -q --build-arg BASE_IMAGE="$BASE_IMAGE" \
    -f "functions/$fn/src/main/docker/Containerfile.jvm" -t "$REGISTRY/$GROUP/sluice-$fn:$TAG" "functions/$fn" > /dev/null
done
T_IMAGES=$(( $(now_ms) - T0 ))

# 2. the broker (and the PostgreSQL the functions share)
URLS=""
for fn in "${FUNCTIONS[@]}"; do URLS+="${URLS:+,}$fn=http://127.0.0.1:${PORT[$fn]}"; done
say "starting the broker on :$BROKER_PORT (functions at $URLS)"
java -Dsluice.local.mode=broker -Dsluice.local.data-dir="$WORK/broker" -Dquarkus.http.port="$BROKER_PORT" \
  -Dsluice.local.function-urls="$URLS" -Dsluice.local.tick-interval=5s \
  -Dsluice.local.activator.command="${PODMAN[*]} start sluice-topology-{function}" \
  -jar local/target/quarkus-app/quarkus-run.jar > "$WORK/broker.log" 2>&1 &
BROKER_PID=$!
until grep -q "Sluice broker ready" "$WORK/broker.log"; do
  kill -0 "$BROKER_PID" 2>/dev/null || { tail -40 "$WORK/broker.log"; fail "the broker did not start"; }
  sleep 0.2
done
JDBC=$(cat "$WORK/broker/functions-jdbc-url")
say "broker ready; the functions' database: $JDBC"

# 3. the function containers: created, not started (the activator starts each on its first event)
mkdir -p "$WORK/repos"
for fn in "${FUNCTIONS[@]}"; do
  pm rm -f "sluice-topology-$fn" > /dev/null 2>&1 || true
  pm create --name "sluice-topology-$fn" --network host --memory "$MEMORY" ${SLUICE_JAVA_OPTS:+-e JAVA_OPTS="$SLUICE_JAVA_OPTS"} \
    -e QUARKUS_HTTP_PORT="${PORT[$fn]}" -e QUARKUS_DATASOURCE_JDBC_URL="$JDBC" -e QUARKUS_DATASOURCE_USERNAME=postgres \
    -e QUARKUS_DATASOURCE_PASSWORD= -e K_SINK="http://127.0.0.1:$BROKER_PORT/broker" \
    -e SLUICE_GIT_ALLOWED_PATHS="$WORK/repos" -e SLUICE_API_ADMIN_TOKEN="$TOKEN" \
    -v "$WORK/repos:$WORK/repos:ro" "$REGISTRY/$GROUP/sluice-$fn:$TAG" > /dev/null
done

# pushes and runs
REPO="$WORK/repos/hello"
git_() { git -C "$REPO" -c user.name=topology -c user.email=topology@sluice.dev "$@"; }
cp -r examples/hello "$REPO"
git_ init -q -b main && git_ add -A && git_ commit -qm "the example"
push() { # before after
  curl -fsS -o /dev/null -X POST "http://127.0.0.1:$BROKER_PORT/broker" -H 'Content-Type: application/json' \
    -H 'ce-specversion: 1.0' -H "ce-id: topology-$2" -H 'ce-type: dev.sluice.push' -H 'ce-source: /topology' \
    -d "{\"repository\":{\"url\":\"$REPO\",\"name\":\"hello\"},\"ref\":\"refs/heads/main\",\"before\":\"$1\",\"after\":\"$2\"}"
}
# the run of a commit as JSON (with its transitions), or nothing while route has none or is not up
run_of() {
  local id
  id=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${PORT[route]}/runs?size=50" 2>/dev/null | python3 -c '
import json, sys
for r in json.load(sys.stdin)["items"]:
    if r["sha"] == sys.argv[1]: print(r["id"]); break' "$1" 2>/dev/null) || true
  [ -n "$id" ] && curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${PORT[route]}/runs/$id" || true
}
field() { python3 -c 'import json, sys; r = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
await_final() { # sha seconds -> the final run's JSON
  local deadline=$(( $(date +%s) + $2 )) run
  while [ "$(date +%s)" -lt "$deadline" ]; do
    run=$(run_of "$1")
    if [ -n "$run" ] && [ "$(field 'r["finished"]' <<< "$run")" = True ]; then echo "$run"; return; fi
    sleep 0.05
  done
  tail -30 "$WORK/broker.log" >&2
  for fn in "${FUNCTIONS[@]}"; do echo "--- $fn" >&2; pm logs --tail 15 "sluice-topology-$fn" >&2 || true; done
  fail "the run of $1 is not final after $2 s: $(run_of "$1" | head -c 2000)"
}
expect() { # run state transitions...
  local run=$1 state=$2; shift 2
  local got path
  got=$(field 'r["state"]' <<< "$run")
  path=$(field '" ".join(t["to"] for t in r["transitions"])' <<< "$run")
  [ "$got" = "$state" ] || fail "expected $state, got $got ($(field 'r.get("reason")' <<< "$run")); transitions: $path"
  [ "$path" = "$*" ] || fail "expected the transitions $*, got $path"
}
rss_mib() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$(pm inspect -f '{{.State.Pid}}' "sluice-topology-$1")/status"; }
EXAMPLE="RECEIVED ANALYZING VALIDATING QUEUED DEPLOYING SUCCEEDED"

say "cold push: every function container stopped"
SHA1=$(git_ rev-parse HEAD)
T0=$(now_ms); push 0000000000000000000000000000000000000000 "$SHA1"
RUN=$(await_final "$SHA1" 300); COLD=$(( $(now_ms) - T0 ))
expect "$RUN" SUCCEEDED $EXAMPLE
say "cold push -> SUCCEEDED in $COLD ms"
READY=$(grep -o 'activator: started [a-z]*, ready after [0-9]* ms' "$WORK/broker.log" | sed 's/activator: started //; s/, ready after /: /' | paste -sd, -)

say "warm push"
echo "# warm" >> "$REPO/src/server.py"; git_ commit -qam "warm"
SHA2=$(git_ rev-parse HEAD)
T0=$(now_ms); push "$SHA1" "$SHA2"
RUN=$(await_final "$SHA2" 120); WARM=$(( $(now_ms) - T0 ))
expect "$RUN" SUCCEEDED $EXAMPLE
say "warm push -> SUCCEEDED in $WARM ms"

say "a push with a secret"
printf 'AWS_ACCESS_KEY_ID = "%s"\n' "AKIA""IOSFODNN7EXAMPLE" > "$REPO/src/config.py"; git_ add -A; git_ commit -qm "config"
SHA3=$(git_ rev-parse HEAD)
push "$SHA2" "$SHA3"
RUN=$(await_final "$SHA3" 120)
expect "$RUN" REJECTED RECEIVED ANALYZING REJECTED
say "REJECTED: $(field 'r.get("reason")' <<< "$RUN")"
git_ rm -q src/config.py; git_ commit -qm "no secret"
SHA4=$(git_ rev-parse HEAD)

say "analyze killed while it holds a run's request"
pm pause sluice-topology-analyze > /dev/null
push "$SHA3" "$SHA4"
deadline=$(( $(date +%s) + 60 ))
until [ "$(run_of "$SHA4" | field 'r["state"]' 2>/dev/null)" = ANALYZING ] \
   && curl -fs "http://127.0.0.1:$BROKER_PORT/broker/deliveries?state=pending" | grep -q "analysis.requested"; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the run of $SHA4 did not reach ANALYZING with analyze's delivery pending"
  sleep 0.1
done
sleep 1 # the delivery's request is now sent to the frozen process (nothing is asserted on this wait)
PID=$(pm inspect -f '{{.State.Pid}}' sluice-topology-analyze)
kill -KILL "$PID"
pm unpause sluice-topology-analyze > /dev/null 2>&1 || true
say "SIGKILLed analyze (pid $PID) holding the request"
RUN=$(await_final "$SHA4" 180)
expect "$RUN" SUCCEEDED $EXAMPLE
RESTARTS=$(grep -c 'activator: started analyze' "$WORK/broker.log")
[ "$RESTARTS" -ge 2 ] || fail "analyze was not started again by the activator"
say "SUCCEEDED after the kill, each transition once; analyze started $RESTARTS times"

MEM=""
for fn in "${FUNCTIONS[@]}"; do MEM+="${MEM:+, }$fn $(rss_mib "$fn") MiB"; done
TOTAL=$(( $(date +%s) - T_START ))
FIGURES="topology $(date -u '+%F %H:%M UTC') on $(nproc) cores (load $(cut -d' ' -f1 /proc/loadavg)): push -> SUCCEEDED cold $COLD ms, warm $WARM ms; containers start -> ready on their first event: $READY; RSS after the runs: $MEM; base image $T_BASE ms, four images $T_IMAGES ms, whole script ${TOTAL} s"
say "$FIGURES"
[ -z "${SLUICE_FIGURES:-}" ] || echo "$FIGURES" >> "$SLUICE_FIGURES"
say "PASSED"
