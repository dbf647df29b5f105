#!/usr/bin/env bash
# Validates 1,000 manifests with every rule (no database, no HTTP) and prints the cold and warm timings.
# Not part of `verify`. Builds common from source (-am), so the figures are of this tree, not of an installed jar.
# Usage: functions/validate/bench/run.sh [objects] [runs]
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$module/../.." && pwd)"
cd "$root"
./mvnw -B -o -q -pl functions/validate -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$module/target/bench.classpath" -Dmdep.includeScope=test >/dev/null
exec java -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
    dev.sluice.validate.bench.ValidationBench "$@"
