#!/usr/bin/env bash
# memcached comes from Debian's package. Installs it with apt-get when missing and we are root.
set -euo pipefail
die() { echo "fetch-memcached: error: $*" >&2; exit 1; }

if command -v memcached >/dev/null 2>&1; then
  echo "fetch-memcached: $(memcached -V) already installed"
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || die "memcached is missing and apt-get is not available: install memcached 1.6"
[[ "$(id -u)" == 0 ]] || die "memcached is missing: run 'sudo apt-get install -y memcached'"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends memcached >/dev/null \
  || die "apt-get install memcached failed"
# Debian's package may start a system service on the default port; ours runs on its own terms.
if command -v service >/dev/null 2>&1; then service memcached stop >/dev/null 2>&1 || true; fi
echo "fetch-memcached: installed $(memcached -V)"
