#!/usr/bin/env bash
# Starts Temporal's time-skipping test server fetched by fetch-temporal-test-server.sh.
# @temporalio/testing runs this as an `existing-path` executable with the port as first argument
# (plus any extra arguments), and stops it by killing the process, so the JVM is exec'd in place.
set -euo pipefail

version="${MARQUEE_TEMPORAL_TEST_SERVER_VERSION:-1.38.0}"
lib="${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}/temporal-test-server-$version/lib"
[[ -d "$lib" ]] || {
  echo "temporal-test-server: $lib is missing; run deploy/local/fetch-temporal-test-server.sh" >&2
  exit 1
}
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_bin" -Xss1m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$lib/*" io.temporal.testserver.TestServer "$@"
