#!/usr/bin/env bash
# The full chaos run of issue 12: ChaosIT at 1,000 pushes (or N) over 20 repositories and 80 branches, 20% duplicated,
# reordered, two SIGKILLs of the local process and one of its PostgreSQL. Builds what local needs from the reactor
# (nothing is installed in ~/.m2), prints the figures and leaves them in local/target/chaos/figures-N.txt.
#   local/bench/chaos.sh [pushes=1000] [more -D options, e.g. -Dsluice.chaos.seed=42 -Dsluice.chaos.rate=8]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000}
shift || true
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
STATUS=0
FIGURES="local/target/chaos/figures-$N.txt"
rm -f "$FIGURES"
./mvnw -B -pl local -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dit.test=ChaosIT -Dsluice.chaos.pushes="$N" "$@" > "$LOG" 2>&1 || STATUS=$?
if [ -f "$FIGURES" ]; then
  cat "$FIGURES"
else
  tail -60 "$LOG"
fi
[ "$STATUS" -eq 0 ] && echo "chaos: all invariants held" || echo "chaos: FAILED (exit $STATUS); the build log was $LOG" >&2
[ "$STATUS" -eq 0 ] || trap - EXIT
exit "$STATUS"
