#!/usr/bin/env bash
# Provides actionlint (the GitHub Actions workflow linter) and prints the path of the binary.
# Order of preference, as scripts/pulumi-cli.sh does for the Pulumi CLI:
#   1. an `actionlint` on PATH;
#   2. a build cached in $PULUMI_BASIP_CACHE (default ~/.cache/pulumi-basip);
#   3. a build of the pinned version from the Go module proxy into that cache (once; about a minute).
# Progress goes to stderr; stdout carries only the binary's path:
#   "$(bash scripts/actionlint.sh)" examples/gitops/.github/workflows/fleet.yml
set -euo pipefail

PIN="${ACTIONLINT_VERSION:-1.7.12}"
CACHE="${PULUMI_BASIP_CACHE:-$HOME/.cache/pulumi-basip}"
BIN="$CACHE/actionlint-$PIN/actionlint"

log() { printf '[actionlint] %s\n' "$*" >&2; }

if [ -z "${PULUMI_BASIP_FORCE_BUILD:-}" ] && command -v actionlint >/dev/null 2>&1; then
  command -v actionlint
  exit 0
fi
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  log "No actionlint on PATH and no Go toolchain to build one: install actionlint or Go."
  exit 1
fi

work="$CACHE/build-actionlint-$PIN"
mkdir -p "$work" "$(dirname "$BIN")"
cd "$work"
# Same reasons as pulumi-cli.sh: the checksum database is not reachable from every machine; go.sum in
# the build dir pins what was fetched.
export CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" GOSUMDB="${GOSUMDB:-off}"
[ -f go.mod ] || printf 'module pulumibasip/actionlint\n\ngo 1.24\n' > go.mod
log "building actionlint v$PIN from the Go module proxy into $(dirname "$BIN") (once)"
go get "github.com/rhysd/actionlint/cmd/actionlint@v$PIN" >&2
go build -ldflags "-s -w" -o "$BIN.tmp" github.com/rhysd/actionlint/cmd/actionlint >&2
mv "$BIN.tmp" "$BIN"
log "ready: $("$BIN" -version | head -n1)"
echo "$BIN"
