#!/usr/bin/env bash
# Fetch a runnable Apache Cassandra 5.0.x server classpath from Maven Central.
#
# The binary tarball is not on Maven Central for 5.x, so this resolves
# org.apache.cassandra:cassandra-all:<version> plus its runtime dependencies
# (cassandra-parent imported as BOM: same jar versions as the distribution's
# lib/) with `mvn dependency:copy-dependencies` into
#   ${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}/cassandra-<version>/lib
#
# Idempotent: a marker file records a completed fetch (and the checksum of the
# POM template it came from); a second run does nothing. Prints one line.
#
# Environment:
#   MARQUEE_CACHE_DIR           cache root (default: $HOME/.cache/marquee)
#   MARQUEE_CASSANDRA_VERSION   cassandra-all version (default: pinned below)
#   JAVA_HOME                   optional; a Java 17 JDK is searched otherwise
#
# Prerequisites: Java 17, Maven 3 (mvn) with access to Maven Central.
set -euo pipefail

# Newest 5.0.x on Maven Central (maven-metadata.xml of cassandra-all) when pinned.
readonly DEFAULT_CASSANDRA_VERSION="5.0.9"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pom_template="$script_dir/cassandra/pom.xml"
version="${MARQUEE_CASSANDRA_VERSION:-$DEFAULT_CASSANDRA_VERSION}"
cache_root="${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}"
dest="$cache_root/cassandra-$version"
marker="$dest/.fetch-complete"

die() { echo "fetch-cassandra: error: $*" >&2; exit 1; }

# Prints the path of a Java 17 `java` binary, or nothing.
find_java17() {
  local candidates=() c major
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  c="$(command -v java 2>/dev/null || true)"
  [[ -n "$c" ]] && candidates+=("$c")
  for c in /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/*17*/bin/java; do
    [[ -e "$c" ]] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [[ -x "$c" ]] || continue
    major="$("$c" -XshowSettings:properties -version 2>&1 \
      | awk -F'= ' '/java\.specification\.version =/ {print $2; exit}')"
    if [[ "$major" == "17" ]]; then
      echo "$c"
      return 0
    fi
  done
  return 0
}

[[ -f "$pom_template" ]] || die "POM template missing: $pom_template"
template_sum="$(cksum <"$pom_template" | awk '{print $1 "-" $2}')"
expected_marker="version=$version pom=$template_sum"

# Fast path: already fetched from the same template.
if [[ -f "$marker" && "$(cat "$marker")" == "$expected_marker" && -d "$dest/lib" ]]; then
  echo "fetch-cassandra: Cassandra $version already present in $dest/lib"
  exit 0
fi

java_bin="$(find_java17)"
[[ -n "$java_bin" ]] || die "Java 17 not found (checked \$JAVA_HOME, java on PATH, /usr/lib/jvm/*17*). Install it, e.g. 'apt-get install openjdk-17-jdk-headless', or set JAVA_HOME to a Java 17 JDK."
command -v mvn >/dev/null 2>&1 || die "Maven (mvn) not found on PATH. Install it, e.g. 'apt-get install maven'."
java_home="$(cd "$(dirname "$java_bin")/.." && pwd)"

mkdir -p "$dest"

# Serialise concurrent fetches of the same version (flock is optional).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dest/.fetch.lock"
  flock 9
  # Someone else may have completed it while we waited.
  if [[ -f "$marker" && "$(cat "$marker")" == "$expected_marker" && -d "$dest/lib" ]]; then
    echo "fetch-cassandra: Cassandra $version already present in $dest/lib"
    exit 0
  fi
fi

rm -f "$marker"
staging="$dest/lib.partial"
rm -rf "$staging"
# The POM is run from the cache dir, never from the work tree, so Maven
# cannot leave a target/ directory in the repository.
cp "$pom_template" "$dest/pom.xml"
mvn_log="$dest/fetch.log"

if ! JAVA_HOME="$java_home" mvn -q -B -f "$dest/pom.xml" \
      dependency:copy-dependencies \
      -DincludeScope=runtime \
      -DoutputDirectory="$staging" \
      -Dcassandra.version="$version" >"$mvn_log" 2>&1; then
  tail -n 40 "$mvn_log" >&2 || true
  rm -rf "$staging"
  die "mvn could not resolve org.apache.cassandra:cassandra-all:$version (full log: $mvn_log)"
fi

[[ -f "$staging/cassandra-all-$version.jar" ]] \
  || die "cassandra-all-$version.jar missing after mvn run (log: $mvn_log)"
compgen -G "$staging/jamm-*.jar" >/dev/null \
  || die "jamm javaagent jar missing after mvn run (log: $mvn_log)"

# JIT hints shipped inside cassandra-all (the distribution's conf/hotspot_compiler).
# Optional: run-cassandra.sh only uses it when present.
rm -f "$dest/hotspot_compiler"
if command -v unzip >/dev/null 2>&1; then
  unzip -p "$staging/cassandra-all-$version.jar" META-INF/hotspot_compiler \
    >"$dest/hotspot_compiler" 2>/dev/null || rm -f "$dest/hotspot_compiler"
elif [[ -x "$java_home/bin/jar" ]]; then
  (cd "$dest" && "$java_home/bin/jar" xf "$staging/cassandra-all-$version.jar" META-INF/hotspot_compiler \
    && mv META-INF/hotspot_compiler hotspot_compiler && rmdir META-INF) 2>/dev/null || true
fi
[[ -s "$dest/hotspot_compiler" ]] || rm -f "$dest/hotspot_compiler"

rm -rf "$dest/lib"
mv "$staging" "$dest/lib"
echo "$expected_marker" >"$marker"

jar_count="$(find "$dest/lib" -maxdepth 1 -name '*.jar' | wc -l | tr -d ' ')"
echo "fetch-cassandra: fetched Cassandra $version ($jar_count jars) into $dest/lib"
