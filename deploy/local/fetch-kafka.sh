#!/usr/bin/env bash
# Fetch a runnable Apache Kafka (KRaft-capable broker) from Maven Central.
#
# This machine only reaches package registries, so instead of the Apache
# binary tarball we resolve org.apache.kafka:kafka_2.13 plus a logging
# backend with Maven (deploy/local/kafka/pom.xml) and copy every runtime jar
# into one flat libs/ directory -- the same layout as the tarball's libs/.
#
#   ${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}/kafka-3.9.1/libs/*.jar
#
# Idempotent: a marker file (holding a hash of the pom) records a complete
# fetch; if it matches, nothing is done. Prints exactly one line on success.
set -euo pipefail

KAFKA_VERSION=3.9.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pom_template="$here/kafka/pom.xml"
cache_dir="${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}"
kafka_home="$cache_dir/kafka-$KAFKA_VERSION"
libs_dir="$kafka_home/libs"
marker="$kafka_home/.fetch-complete"

die() { echo "fetch-kafka: error: $*" >&2; exit 1; }

[[ -f "$pom_template" ]] || die "missing $pom_template"

hash_file() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    cksum "$1" | cut -d' ' -f1,2
  fi
}
pom_hash="$(hash_file "$pom_template")"
want_marker="kafka=$KAFKA_VERSION pom=$pom_hash"

already_done() {
  [[ -f "$marker" && "$(cat "$marker")" == "$want_marker" \
     && -f "$libs_dir/kafka_2.13-$KAFKA_VERSION.jar" ]]
}
if already_done; then
  echo "fetch-kafka: Kafka $KAFKA_VERSION already present in $libs_dir (nothing to do)"
  exit 0
fi

# Prerequisites (only checked when there is work to do).
command -v java >/dev/null 2>&1 \
  || die "'java' not found on PATH; Kafka $KAFKA_VERSION needs a Java 11+ runtime (e.g. apt-get install openjdk-17-jre-headless)"
command -v mvn >/dev/null 2>&1 \
  || die "'mvn' (Apache Maven) not found on PATH; it is needed to fetch Kafka from Maven Central (e.g. apt-get install maven)"

mkdir -p "$kafka_home"
# Serialize concurrent fetches (e.g. two services starting at once).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$kafka_home/.fetch.lock"
  flock 9
  if already_done; then
    echo "fetch-kafka: Kafka $KAFKA_VERSION already present in $libs_dir (fetched concurrently)"
    exit 0
  fi
fi
work="$(mktemp -d "$kafka_home/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Run Maven on a copy of the pom so nothing is ever written into the repo.
cp "$pom_template" "$work/pom.xml"
if ! (cd "$work" && mvn -q -B -Dstyle.color=never \
        dependency:copy-dependencies \
        -DincludeScope=runtime \
        -DoutputDirectory="$work/libs") >"$work/mvn.log" 2>&1; then
  cat "$work/mvn.log" >&2
  die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
fi

[[ -f "$work/libs/kafka_2.13-$KAFKA_VERSION.jar" ]] \
  || die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing from the result"

# Swap the new libs/ in place of any old/partial one, then write the marker.
rm -f "$marker"
rm -rf "$libs_dir"
mv "$work/libs" "$libs_dir"
printf '%s\n' "$want_marker" >"$marker"

count="$(find "$libs_dir" -maxdepth 1 -name '*.jar' | wc -l | tr -d ' ')"
size="$(du -sh "$libs_dir" | cut -f1)"
echo "fetch-kafka: fetched Kafka $KAFKA_VERSION ($count jars, $size) into $libs_dir"
