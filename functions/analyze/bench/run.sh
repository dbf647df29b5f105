#!/usr/bin/env bash
# The analyze speed benchmark (never part of verify): builds a generated repository of >= 500,000 lines,
# analyses it from a cold cache, then a 20-file push with a warm cache, and times cloc on the same tree.
# Usage: functions/analyze/bench/run.sh   (the build downloads cloc 1.96 for the comparison; perl runs it)
set -euo pipefail
cd "$(dirname "$0")/../../.."
# -am: common and testing come from this checkout (their target/classes), not from a local repository
./mvnw -B -q -pl functions/analyze -am test-compile dependency:build-classpath \
  '-Dmdep.outputFile=${project.build.directory}/bench.classpath' -Dmdep.includeScope=test
cp="functions/analyze/target/classes:functions/analyze/target/test-classes:$(cat functions/analyze/target/bench.classpath)"
exec java -Xmx2g -Dsluice.cloc=functions/analyze/target/cloc/package/lib/cloc -cp "$cp" dev.sluice.analyze.AnalysisBenchmark
