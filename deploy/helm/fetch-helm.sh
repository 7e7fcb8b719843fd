#!/usr/bin/env bash
# Fetch the chart's CI tools from the Go module proxy, for the checks that need no cluster:
#   helm, built from helm.sh/helm/v3 at a pinned version, and
#   validate-manifests, deploy/helm/validate: strict decoding of every rendered object into the
#   Kubernetes API types (k8s.io/api pinned in its go.mod), so an unknown field fails.
# Both land in ${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}/helm-<version>/bin.
#
# Idempotent: a marker records a completed fetch (and the checksum of the validator's sources);
# a second run does nothing. Prints one line.
#
# Environment:
#   MARQUEE_CACHE_DIR     cache root (default: $HOME/.cache/marquee)
#   MARQUEE_HELM_VERSION  helm version (default: pinned below)
#
# Prerequisites: Go 1.24 or newer with access to the Go module proxy.
set -euo pipefail

readonly DEFAULT_VERSION="v3.21.4"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
validator="$script_dir/validate"
version="${MARQUEE_HELM_VERSION:-$DEFAULT_VERSION}"
cache_root="${MARQUEE_CACHE_DIR:-$HOME/.cache/marquee}"
dest="$cache_root/helm-$version"
marker="$dest/.fetch-complete"

die() { echo "fetch-helm: error: $*" >&2; exit 1; }

[[ -f "$validator/go.mod" ]] || die "validator sources missing: $validator"
validator_sum="$(cat "$validator/go.mod" "$validator/go.sum" "$validator"/*.go | cksum | awk '{print $1 "-" $2}')"
expected_marker="version=$version validator=$validator_sum"

present() {
  [[ -f "$marker" && "$(cat "$marker")" == "$expected_marker" && -x "$dest/bin/helm" && -x "$dest/bin/validate-manifests" ]]
}

if present; then
  echo "fetch-helm: helm $version and validate-manifests already present in $dest/bin"
  exit 0
fi

command -v go >/dev/null 2>&1 \
  || die "Go not found on PATH: install Go 1.24 or newer to build helm and the validator."

mkdir -p "$dest/bin"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dest/.fetch.lock"
  flock 9
  if present; then
    echo "fetch-helm: helm $version and validate-manifests already present in $dest/bin"
    exit 0
  fi
fi

rm -f "$marker"
log="$dest/fetch.log"
# GOFLAGS=-mod=mod: resolve helm's own go.mod from the proxy, outside any module of the work tree.
if ! (cd "$dest" && GOBIN="$dest/bin" GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@$version") >"$log" 2>&1; then
  tail -n 40 "$log" >&2 || true
  die "go install helm.sh/helm/v3/cmd/helm@$version failed (full log: $log)"
fi
# The validator builds from the work tree's module; its output goes to the cache, not the tree.
if ! (cd "$validator" && go build -o "$dest/bin/validate-manifests" .) >>"$log" 2>&1; then
  tail -n 40 "$log" >&2 || true
  die "building deploy/helm/validate failed (full log: $log)"
fi
echo "$expected_marker" >"$marker"
echo "fetch-helm: built helm $version and validate-manifests into $dest/bin"
