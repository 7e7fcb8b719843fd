#!/usr/bin/env bash
# Run memcached in the FOREGROUND on 127.0.0.1. Environment: MARQUEE_MEMCACHED_PORT (11211),
# MARQUEE_MEMCACHED_MB (256).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "run-memcached: error: $*" >&2; exit 1; }
port="${MARQUEE_MEMCACHED_PORT:-11211}"
megabytes="${MARQUEE_MEMCACHED_MB:-256}"
[[ "$port" =~ ^[0-9]+$ && "$port" -ge 1 && "$port" -le 65535 ]] || die "MARQUEE_MEMCACHED_PORT must be a port number, got '$port'"
[[ "$megabytes" =~ ^[0-9]+$ ]] || die "MARQUEE_MEMCACHED_MB must be a number of megabytes, got '$megabytes'"
"$here/fetch-memcached.sh" >/dev/null
user_flag=()
# memcached refuses to run as root unless told which user to be.
if [[ "$(id -u)" == 0 ]]; then user_flag=(-u root); fi
exec memcached -l 127.0.0.1 -p "$port" -U 0 -m "$megabytes" -c 4096 "${user_flag[@]}"
