#!/usr/bin/env bash
# Run a single-node Apache Cassandra 5.0.x for local development, in the
# FOREGROUND (the script execs the JVM, so its pid is Cassandra's pid).
#
# Meant to be spawned (detached) by a process manager that captures
# stdout/stderr and stops it with SIGTERM; on SIGTERM Cassandra drains
# (flushes memtables) and exits, so the next start is clean.
#
# Environment (all optional):
#   MARQUEE_CASSANDRA_PORT          native CQL port, 127.0.0.1 only   (9042)
#   MARQUEE_CASSANDRA_STORAGE_PORT  internode port, 127.0.0.1 only    (7000)
#   MARQUEE_CASSANDRA_JMX_PORT      JMX port, local (127.0.0.1) only  (7199)
#   MARQUEE_CASSANDRA_HEAP          -Xms/-Xmx                          (1G)
#   MARQUEE_STATE_DIR               state root ($HOME/.local/share/marquee);
#                                   everything lives in $MARQUEE_STATE_DIR/cassandra
#   MARQUEE_CACHE_DIR               jar cache (see fetch-cassandra.sh)
#   MARQUEE_CASSANDRA_VERSION       cassandra-all version (see fetch-cassandra.sh)
#   JAVA_HOME                       optional; a Java 17 JDK is searched otherwise
#
# The jars are fetched on first use (fetch-cassandra.sh) if not cached yet.
set -euo pipefail

readonly DEFAULT_CASSANDRA_VERSION="5.0.9"   # keep in sync with fetch-cassandra.sh

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
template_dir="$script_dir/cassandra"

version="${MARQUEE_CASSANDRA_VERSION:-$DEFAULT_CASSANDRA_VERSION}"
native_port="${MARQUEE_CASSANDRA_PORT:-9042}"
storage_port="${MARQUEE_CASSANDRA_STORAGE_PORT:-7000}"
jmx_port="${MARQUEE_CASSANDRA_JMX_PORT:-7199}"
heap="${MARQUEE_CASSANDRA_HEAP:-1G}"
state_dir="${MARQUEE_STATE_DIR:-$HOME/.local/share/marquee}"
cache_root="${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}"

die() { echo "run-cassandra: error: $*" >&2; exit 1; }

# ---- validate configuration ------------------------------------------------
for pair in "MARQUEE_CASSANDRA_PORT=$native_port" \
            "MARQUEE_CASSANDRA_STORAGE_PORT=$storage_port" \
            "MARQUEE_CASSANDRA_JMX_PORT=$jmx_port"; do
  value="${pair#*=}"
  [[ "$value" =~ ^[0-9]+$ ]] && ((value >= 1 && value <= 65535)) \
    || die "${pair%%=*} must be a TCP port number, got '$value'"
done
[[ "$native_port" != "$storage_port" && "$native_port" != "$jmx_port" && "$storage_port" != "$jmx_port" ]] \
  || die "MARQUEE_CASSANDRA_PORT, _STORAGE_PORT and _JMX_PORT must differ ($native_port/$storage_port/$jmx_port)"
[[ "$heap" =~ ^[0-9]+[mMgG]$ ]] \
  || die "MARQUEE_CASSANDRA_HEAP must look like 512M or 1G, got '$heap'"

# ---- locate Java 17 ---------------------------------------------------------
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
java_bin="$(find_java17)"
[[ -n "$java_bin" ]] || die "Java 17 not found (checked \$JAVA_HOME, java on PATH, /usr/lib/jvm/*17*). Install it, e.g. 'apt-get install openjdk-17-jdk-headless', or set JAVA_HOME to a Java 17 JDK."

# ---- jars -------------------------------------------------------------------
home="$cache_root/cassandra-$version"
if [[ ! -f "$home/.fetch-complete" || ! -d "$home/lib" ]]; then
  MARQUEE_CACHE_DIR="$cache_root" MARQUEE_CASSANDRA_VERSION="$version" \
    "$script_dir/fetch-cassandra.sh"
fi
lib="$home/lib"
jamm_jars=("$lib"/jamm-*.jar)
[[ -f "${jamm_jars[0]}" ]] || die "jamm javaagent jar not found in $lib; re-run fetch-cassandra.sh"
[[ -f "$lib/cassandra-all-$version.jar" ]] || die "cassandra-all-$version.jar not found in $lib; re-run fetch-cassandra.sh"

# ---- ports must be free (fail fast instead of after a full startup) --------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$native_port" "$storage_port" "$jmx_port"; do
  if port_in_use "$port"; then
    die "127.0.0.1:$port is already in use (another Cassandra running?). Set MARQUEE_CASSANDRA_PORT / _STORAGE_PORT / _JMX_PORT to free ports."
  fi
done

# ---- state directories and generated configuration --------------------------
cdir="$state_dir/cassandra"
conf="$cdir/conf"
mkdir -p "$cdir/data" "$cdir/commitlog" "$cdir/hints" "$cdir/saved_caches" \
         "$cdir/cdc_raw" "$cdir/logs" "$conf"
cdir="$(cd "$cdir" && pwd)"   # absolute: the yaml needs absolute paths
conf="$cdir/conf"

sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }
sed -e "s|@CASSANDRA_DIR@|$(sed_escape "$cdir")|g" \
    -e "s|@NATIVE_PORT@|$native_port|g" \
    -e "s|@STORAGE_PORT@|$storage_port|g" \
    "$template_dir/cassandra.yaml" >"$conf/cassandra.yaml.tmp"
mv "$conf/cassandra.yaml.tmp" "$conf/cassandra.yaml"
cp "$template_dir/logback.xml" "$conf/logback.xml.tmp"
mv "$conf/logback.xml.tmp" "$conf/logback.xml"

# ---- JVM options ------------------------------------------------------------
jvm_opts=(
  # conf/jvm-server.options (5.0): general settings, less -ea: assertions are for Cassandra's own
  # test suite and cost a node on two shared cores a noticeable share of its CPU on every write.
  -XX:+UseThreadPriorities
  -XX:+HeapDumpOnOutOfMemoryError
  -Xss256k
  -XX:+AlwaysPreTouch
  -XX:+UseTLAB
  -XX:+ResizeTLAB
  -XX:+UseNUMA
  -XX:+PerfDisableSharedMem
  -Djava.net.preferIPv4Stack=true

  # conf/jvm17-server.options (5.0): G1
  -XX:+UseG1GC
  -XX:+ParallelRefProcEnabled
  -XX:MaxTenuringThreshold=1
  -XX:G1HeapRegionSize=16m
  -XX:G1RSetUpdatingPauseTimePercent=5
  # Shorter young pauses than the distribution's 300 ms target: plays wait behind every one of them.
  -XX:MaxGCPauseMillis=50
  -XX:InitiatingHeapOccupancyPercent=70

  # conf/jvm17-server.options (5.0): JPMS
  -Djdk.attach.allowAttachSelf=true
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED

  # conf/jvm17-server.options (5.0): Netty
  -Dio.netty.tryReflectionSetAccessible=true
  -Dio.netty.allocator.useCacheForAllThreads=true
  -Dio.netty.allocator.maxOrder=11

  # conf/cassandra-env.sh equivalents
  "-Xms$heap"
  "-Xmx$heap"
  "-XX:HeapDumpPath=$cdir/logs"
  "-XX:ErrorFile=$cdir/logs/hs_err_pid%p.log"
  # Pauses only (heap and age tracing at every collection is work the node does for nobody here).
  "-Xlog:gc=info,safepoint=info:file=$cdir/logs/gc.log:time,uptime,pid,tid,level:filecount=10,filesize=10485760"
  "-javaagent:${jamm_jars[0]}"
  "-Dcassandra.jmx.local.port=$jmx_port"
  -Dcom.sun.management.jmxremote.authenticate=false
  # Serve JMX's RMI objects on the same port as the registry instead of a
  # random ephemeral one, so the node only ever listens on the ports above.
  "-Dcom.sun.management.jmxremote.rmi.port=$jmx_port"
  -Djava.rmi.server.hostname=127.0.0.1
  "-XX:OnOutOfMemoryError=kill -9 %p"

  # bin/cassandra launch parameters
  "-Dcassandra.config=file://$conf/cassandra.yaml"
  "-Dlogback.configurationFile=file://$conf/logback.xml"
  "-Dcassandra.logdir=$cdir/logs"
  "-Dcassandra.storagedir=$cdir"
  -Dcassandra-foreground=yes

  # Fast single-node startup. Safe here: there is no other node to gossip
  # with or stream from (auto_bootstrap: false, the node is its own seed).
  -Dcassandra.skip_wait_for_gossip_to_settle=0
  -Dcassandra.ring_delay_ms=1000
  # No peers to tell about our shutdown: skip the 2 s announce sleep on SIGTERM.
  -Dcassandra.shutdown_announce_in_ms=0
)
if [[ -f "$home/hotspot_compiler" ]]; then
  # "quiet" stops the JVM echoing every CompileCommand line at startup.
  jvm_opts+=(-XX:CompileCommand=quiet "-XX:CompileCommandFile=$home/hotspot_compiler")
fi

# Deterministic classpath: every jar of lib/, sorted (like cassandra.in.sh's glob).
classpath=""
for jar in "$lib"/*.jar; do
  classpath="${classpath:+$classpath:}$jar"
done

# As in cassandra-env.sh: bound glibc malloc arenas (off-heap heavy process).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-4}"

# Heap dumps / hs_err files and any stray relative paths land in the state dir.
cd "$cdir"

echo "run-cassandra: Cassandra $version (java: $java_bin) CQL 127.0.0.1:$native_port storage :$storage_port JMX :$jmx_port heap $heap state $cdir"
exec "$java_bin" "${jvm_opts[@]}" -cp "$classpath" org.apache.cassandra.service.CassandraDaemon
