#!/usr/bin/env bash
# Fetch Temporal's time-skipping test server (io.temporal:temporal-test-server, the Java SDK's
# in-memory server) from Maven Central, for the workflow unit tests.
#
# The Temporal TypeScript SDK would download a native build of this server from GitHub at test time;
# Maven Central is reachable wherever the other local servers are fetched, so the tests run it from
# a classpath instead. This resolves the artifact plus its runtime dependencies with
# `mvn dependency:copy-dependencies` into
#   ${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}/temporal-test-server-<version>/lib
# and deploy/local/temporal-test-server.sh starts it.
#
# Idempotent: a marker file records a completed fetch (and the checksum of the POM template it came
# from); a second run does nothing. Prints one line.
#
# Environment:
#   MARQUEE_CACHE_DIR                   cache root (default: $HOME/.cache/marquee)
#   MARQUEE_TEMPORAL_TEST_SERVER_VERSION temporal-test-server version (default: pinned below)
#
# Prerequisites: Java 17 or newer, Maven 3 (mvn) with access to Maven Central.
set -euo pipefail

readonly DEFAULT_VERSION="1.38.0"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pom_template="$script_dir/temporal-test-server/pom.xml"
version="${MARQUEE_TEMPORAL_TEST_SERVER_VERSION:-$DEFAULT_VERSION}"
cache_root="${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}"
dest="$cache_root/temporal-test-server-$version"
marker="$dest/.fetch-complete"

die() { echo "fetch-temporal-test-server: error: $*" >&2; exit 1; }

[[ -f "$pom_template" ]] || die "POM template missing: $pom_template"
template_sum="$(cksum <"$pom_template" | awk '{print $1 "-" $2}')"
expected_marker="version=$version pom=$template_sum"

present() { [[ -f "$marker" && "$(cat "$marker")" == "$expected_marker" && -d "$dest/lib" ]]; }

if present; then
  echo "fetch-temporal-test-server: temporal-test-server $version already present in $dest/lib"
  exit 0
fi

command -v java >/dev/null 2>&1 || [[ -n "${JAVA_HOME:-}" ]] \
  || die "Java not found. Install a JDK 17+, e.g. 'apt-get install openjdk-17-jdk-headless', or set JAVA_HOME."
command -v mvn >/dev/null 2>&1 || die "Maven (mvn) not found on PATH. Install it, e.g. 'apt-get install maven'."

mkdir -p "$dest"

# Serialise concurrent fetches of the same version (flock is optional).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dest/.fetch.lock"
  flock 9
  if present; then
    echo "fetch-temporal-test-server: temporal-test-server $version already present in $dest/lib"
    exit 0
  fi
fi

rm -f "$marker"
staging="$dest/lib.partial"
rm -rf "$staging"
# The POM runs from the cache dir, never from the work tree, so Maven leaves no target/ behind.
cp "$pom_template" "$dest/pom.xml"
mvn_log="$dest/fetch.log"

if ! mvn -q -B -f "$dest/pom.xml" \
      dependency:copy-dependencies \
      -DincludeScope=runtime \
      -DoutputDirectory="$staging" \
      -Dtemporal.version="$version" >"$mvn_log" 2>&1; then
  tail -n 40 "$mvn_log" >&2 || true
  rm -rf "$staging"
  die "mvn could not resolve io.temporal:temporal-test-server:$version (full log: $mvn_log)"
fi

[[ -f "$staging/temporal-test-server-$version.jar" ]] \
  || die "temporal-test-server-$version.jar missing after mvn run (log: $mvn_log)"

rm -rf "$dest/lib"
mv "$staging" "$dest/lib"
echo "$expected_marker" >"$marker"

jar_count="$(find "$dest/lib" -maxdepth 1 -name '*.jar' | wc -l | tr -d ' ')"
echo "fetch-temporal-test-server: fetched temporal-test-server $version ($jar_count jars) into $dest/lib"
