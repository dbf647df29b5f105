#!/usr/bin/env bash
# Start-up benchmark of the four functions in JVM mode: for each function and each variant, N cold starts (a new JVM
# each time; the OS file cache stays warm), the median time from process start to /q/health/ready 200, the CPU time
# the JVM used until then (user+sys, less sensitive to a busy machine than the wall clock), and the resident memory
# at ready and after one event. Writes a Markdown table to bench/results/startup-<time>.md and prints it.
# Needs python3 (picks free ports), the packaged functions (./mvnw -B -pl functions/route,functions/analyze,functions/validate,functions/deploy
# -am package -DskipTests), curl, and a PostgreSQL (default: the one on 127.0.0.1:5432, database sluice_bench, made
# with psql when missing; SLUICE_BENCH_JDBC / SLUICE_BENCH_USER / SLUICE_BENCH_PASSWORD for another).
#   bench/startup.sh [runs=5] [variant...]    variants: jdk17 (as packaged, no options);
#     jdk17-cds: the image's flags and AppCDS archived as the image does (Quarkus' generation mode: static init only);
#     jdk17-cds-trained: the same flags, AppCDS archived at the exit of a real start and one event;
#     jdk25-aot: the same flags on JDK 25 ($JDK25) with a Leyden AOT cache trained on a real start and one event
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${1:-5}; shift || true
VARIANTS=("$@"); [ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(jdk17 jdk17-cds jdk17-cds-trained jdk25-aot)
FUNCTIONS=(${SLUICE_BENCH_FUNCTIONS:-route analyze validate deploy})
JDBC=${SLUICE_BENCH_JDBC:-jdbc:postgresql://127.0.0.1:5432/sluice_bench}
DBUSER=${SLUICE_BENCH_USER:-postgres}
JDK17=${JDK17:-java}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
if [[ " ${VARIANTS[*]} " == *" jdk25-aot "* ]] && ! [ -x "$JDK25" ]; then
  echo "no JDK 25 at $JDK25 (set JDK25): variant jdk25-aot left out" >&2
  VARIANTS=($(printf '%s\n' "${VARIANTS[@]}" | grep -vx jdk25-aot))
fi
# the flags the images use (functions/<fn>/src/main/docker/Containerfile.jvm), with -XX:MaxRAM standing for the
# container's memory limit (knative/services.yaml: 512Mi); the archive options are added per variant
TUNED=${SLUICE_BENCH_TUNED:--XX:MaxRAM=512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms8m -XX:MaxRAMPercentage=40 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=128m}
WORK=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

if [[ "$JDBC" == jdbc:postgresql://127.0.0.1:5432/sluice_bench ]] && command -v psql > /dev/null; then
  psql -h 127.0.0.1 -U "$DBUSER" -tAc "select 1 from pg_database where datname='sluice_bench'" | grep -q 1 \
    || psql -h 127.0.0.1 -U "$DBUSER" -qc "create database sluice_bench"
fi
now_ms() { date +%s%3N; }
rss_mib() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }
cpu_ms() { awk -v t="$(getconf CLK_TCK)" '{print int(($14+$15)*1000/t)}' "/proc/$1/stat"; }

# start FN VARIANT [extra java options] -> PID set, waits for ready; prints "wall cpu rss"
start() {
  local fn=$1 variant=$2; shift 2
  local app="$ROOT/functions/$fn/target/quarkus-app" java=$JDK17 opts=()
  case $variant in
    jdk17) ;;
    jdk17-cds) opts=($TUNED -XX:SharedArchiveFile="$WORK/$fn-17-static.jsa") ;;
    jdk17-cds-trained) opts=($TUNED -XX:SharedArchiveFile="$WORK/$fn-17.jsa") ;;
    jdk25-aot) java=$JDK25; opts=($TUNED -XX:AOTCache="$WORK/$fn-25.aot") ;;
    *) echo "unknown variant $variant" >&2; exit 2 ;;
  esac
  # a free port each time: another process answering /q/health/ready on a fixed one would fake a start
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local t0; t0=$(now_ms)
  (cd "$app" && exec "$java" "${opts[@]}" "$@" -Dquarkus.http.port=$PORT -Dquarkus.datasource.jdbc.url="$JDBC" \
     -Dquarkus.datasource.username="$DBUSER" -Dquarkus.datasource.password="${SLUICE_BENCH_PASSWORD:-}" \
     -Dsluice.git.cache-dir="$WORK/git" -jar quarkus-run.jar) > "$WORK/log" 2>&1 &
  PID=$!
  until curl -fso /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do
    kill -0 "$PID" 2>/dev/null || { tail -30 "$WORK/log" >&2; exit 1; }
    sleep 0.01
  done
  echo "$(( $(now_ms) - t0 )) $(cpu_ms "$PID") $(rss_mib "$PID")"
}
# one event through the function's HTTP endpoint (a push for route; the stages refuse an unsigned request with 400,
# which still runs the CloudEvents path) and a health check
event() {
  curl -so /dev/null -X POST "http://127.0.0.1:$PORT/" -H 'Content-Type: application/json' -H 'ce-specversion: 1.0' \
    -H "ce-id: bench-$RANDOM$RANDOM" -H 'ce-source: /bench' -H "ce-type: $([ "$1" = route ] && echo dev.sluice.push || echo dev.sluice.$1.bench)" \
    -d '{"repository":{"url":"/nonexistent/bench","name":"bench"},"ref":"refs/heads/main","after":"0000000000000000000000000000000000000000"}' || true
  curl -so /dev/null "http://127.0.0.1:$PORT/q/health/ready" || true
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }

# archives: trained by starting each function once, sending it an event, and stopping it (SIGTERM writes them)
for fn in "${FUNCTIONS[@]}"; do
  [ -f "$ROOT/functions/$fn/target/quarkus-app/quarkus-run.jar" ] || { echo "package functions/$fn first" >&2; exit 1; }
  for v in "${VARIANTS[@]}"; do
    case $v in
      jdk17-cds) (cd "$ROOT/functions/$fn/target/quarkus-app" && "$JDK17" -XX:ArchiveClassesAtExit="$WORK/$fn-17-static.jsa" \
                   -Dquarkus.appcds.generate=true -jar quarkus-run.jar > /dev/null 2>&1 || test -s "$WORK/$fn-17-static.jsa") ;;
      jdk17-cds-trained) start "$fn" jdk17 $TUNED -XX:ArchiveClassesAtExit="$WORK/$fn-17.jsa" > /dev/null; event "$fn"; stop ;;
      jdk25-aot) JDK17=$JDK25 start "$fn" jdk17 $TUNED -XX:AOTCacheOutput="$WORK/$fn-25.aot" > /dev/null; event "$fn"; stop ;;
    esac
  done
done

OUT="bench/results/startup-$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p bench/results
{
  echo "# bench/startup.sh, $(date -u '+%F %H:%M UTC'), $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "median of $RUNS cold starts (runs interleaved across variants); wall = process start to /q/health/ready 200"
  echo
  echo "| function | variant | wall ms (median; min-max) | CPU ms to ready (median) | RSS at ready MiB | RSS after an event MiB |"
  echo "|---|---|---|---|---|---|"
} > "$OUT"
for fn in "${FUNCTIONS[@]}"; do
  declare -A WALL=() CPU=() RSS=() RSS2=()
  for r in $(seq 1 "$RUNS"); do
    for v in "${VARIANTS[@]}"; do
      start "$fn" "$v" > "$WORK/res"; read -r w c m < "$WORK/res"
      event "$fn"; m2=$(rss_mib "$PID"); stop
      WALL[$v]+="$w "; CPU[$v]+="$c "; RSS[$v]+="$m "; RSS2[$v]+="$m2 "
      echo "  $fn $v run $r: ${w} ms wall, ${c} ms CPU, ${m} MiB at ready, ${m2} MiB after an event" >&2
    done
  done
  med() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  span() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {print lo "-" hi}'; }
  for v in "${VARIANTS[@]}"; do
    echo "| $fn | $v | $(med "${WALL[$v]}") ($(span "${WALL[$v]}")) | $(med "${CPU[$v]}") | $(med "${RSS[$v]}") | $(med "${RSS2[$v]}") |" >> "$OUT"
  done
  unset WALL CPU RSS RSS2
done
cat "$OUT"
