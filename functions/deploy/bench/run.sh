#!/bin/sh
# Measures one canary step inside deploy (dev.sluice.deployment.check posted over HTTP until its
# deployment.progressed reply), against fabric8's mock server and the embedded PostgreSQL: once with no
# probe configured, once with canary.probe on a local HTTP server answering 200 for the tagged revision.
# Not part of verify. Usage: functions/deploy/bench/run.sh [releases]   (default 12, 20 steps each, 2 for warm-up)
set -eu
cd "$(dirname "$0")/../../.."
for probe in false true; do
  ./mvnw -B -o -q -pl functions/deploy test -Dtest=CanaryStepBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbench.releases="${1:-12}" -Dbench.probe=$probe > functions/deploy/target/canary-step-bench.log 2>&1 || {
    tail -50 functions/deploy/target/canary-step-bench.log; exit 1; }
done
cat functions/deploy/target/canary-step-bench.txt functions/deploy/target/canary-step-bench-probe.txt
