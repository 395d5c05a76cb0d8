#!/usr/bin/env bash
# Measures the native backend: the C ceiling, then the JMH side-by-side (auto, native, pure Java,
# the JDK's own) on the JDK in JAVA_HOME (or the default java), then the cost of one JNA call
# (native-accel's JnaCallOverheadBench). Needs libsodium-dev for the C part.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f /usr/include/sodium.h ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsodium-dev
fi
mkdir -p bench/target
gcc -O2 -o bench/target/sodium_bench bench/c/sodium_bench.c -lsodium
bench/target/sodium_bench
[ -f bench/target/benchmarks.jar ] || mvn -B -q install -DskipTests
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$JAVA" --version | head -1
"$JAVA" --enable-native-access=ALL-UNNAMED \
  -cp bench/target/benchmarks.jar io.agentwire.bench.Report "${1:---native}"
mvn -B -q -pl native-accel -am test -Dtest=JnaCallOverheadBench -Dsurefire.failIfNoSpecifiedTests=false
