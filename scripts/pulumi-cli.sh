#!/usr/bin/env bash
# Provides a pinned Pulumi CLI (pulumi + the dynamic-provider and policy-analyzer plugin scripts, and the
# Node language host when it can be had) and prints the directory that holds them. Order of preference:
#   1. a `pulumi` on PATH whose version fits (>= PULUMI_MIN_VERSION);
#   2. a build cached in $PULUMI_BASIP_CACHE (default ~/.cache/pulumi-basip);
#   3. a build of the pinned version from the Go module proxy into that cache (once; about 5 minutes on 2 cores: ~260 s compile plus downloads).
# Progress goes to stderr; stdout carries only the bin directory, so callers can do
#   PATH="$(scripts/pulumi-cli.sh):$PATH"
set -euo pipefail

PIN="${PULUMI_CLI_VERSION:-3.248.0}"
# The Node language host has no tags; this pseudo-version is the commit of the 3.248.0 release.
LANG_HOST_VERSION="${PULUMI_LANG_HOST_VERSION:-v3.0.0-20260624180030-dc7edd58bc13}"
MIN="${PULUMI_MIN_VERSION:-3.181.0}" # inline Automation API programs need >= 3.181
CACHE="${PULUMI_BASIP_CACHE:-$HOME/.cache/pulumi-basip}"
BIN="$CACHE/pulumi-$PIN/bin"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[pulumi-cli] %s\n' "$*" >&2; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

plugin_script() {
  local src="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ ! -f "$src" ]; then
    log "node_modules/@pulumi/pulumi is missing: run 'npm ci' first."
    exit 1
  fi
  echo "$src"
}

# The plugin scripts a source-built CLI lacks: the dynamic-provider host from @pulumi/pulumi, and our
# policy analyzer under both names CLIs look up (v3.248: pulumi-analyzer-policy-nodejs; older: without -nodejs).
install_plugins() {
  local dir="$1"
  mkdir -p "$dir"
  cp "$(plugin_script)" "$dir/" && chmod 755 "$dir/pulumi-resource-pulumi-nodejs"
  for name in pulumi-analyzer-policy pulumi-analyzer-policy-nodejs; do
    cp "$ROOT/scripts/pulumi-analyzer-policy" "$dir/$name" && chmod 755 "$dir/$name"
  done
}

# 1. An installed CLI that fits.
if [ -z "${PULUMI_BASIP_FORCE_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1; then
  have="$(pulumi version 2>/dev/null | sed 's/^v//')"
  if [ -n "$have" ] && version_ge "$have" "$MIN"; then
    dir="$(dirname "$(command -v pulumi)")"
    if ! command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1 || ! command -v pulumi-analyzer-policy-nodejs >/dev/null 2>&1; then
      install_plugins "$CACHE/shim"
      dir="$dir:$CACHE/shim"
    fi
    log "using pulumi $have from PATH"
    echo "$dir"
    exit 0
  fi
  [ -n "$have" ] && log "pulumi $have on PATH is older than $MIN; using the pinned build"
fi

# 2. A cached build.
if [ -x "$BIN/pulumi" ]; then
  install_plugins "$BIN"
  echo "$BIN"
  exit 0
fi

# 3. Build the pinned version.
if ! command -v go >/dev/null 2>&1; then
  log "No Pulumi CLI found and no Go toolchain to build one."
  log "Install Pulumi >= $MIN (https://www.pulumi.com/docs/install/) with pulumi-language-nodejs on PATH,"
  log "or install Go >= 1.25.11 so that this script can build pulumi v$PIN once."
  exit 1
fi
gover="$(go env GOVERSION | sed 's/^go//')"
if ! version_ge "$gover" "1.25.11"; then
  log "Go $gover is too old to build pulumi v$PIN (needs >= 1.25.11). Install a newer Go or a Pulumi CLI."
  exit 1
fi

work="$CACHE/build-$PIN"
mkdir -p "$work/cli" "$work/lang" "$BIN"
# The checksum database is not reachable from every machine (404 for recent modules); the module
# proxy still serves content by version, and go.sum in the build dir pins what was fetched.
export CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" GOSUMDB="${GOSUMDB:-off}"
ldflags="-w -s -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PIN"
start=$(date +%s)

if [ ! -x "$BIN/pulumi" ]; then
  log "building pulumi v$PIN from the Go module proxy into $BIN (once; downloads ~1 GB of modules)"
  cd "$work/cli"
  cat > go.mod <<MOD
module pulumibasip/cli

go 1.25.11

// pkg/v3 replaces this module; replace directives of dependencies are ignored by Go, so restate it.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
  log "step 1/4: resolving modules for pulumi v$PIN"
  go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PIN" >&2
  log "step 2/4: compiling pulumi (the long step)"
  go build -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$BIN/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
  mv "$BIN/pulumi.tmp" "$BIN/pulumi"
  log "pulumi built after $(( $(date +%s) - start ))s"
fi

# The Node language host is only needed to run `pulumi up` on a Pulumi.yaml program directly. Our
# tests and demo use Automation API inline programs, which need just `pulumi` and the plugin script,
# so a missing language host is a warning, not a failure. (The Go module proxy refuses the language
# host's untagged pseudo-versions on some networks.)
if [ ! -x "$BIN/pulumi-language-nodejs" ] && [ -z "${PULUMI_BASIP_SKIP_LANG_HOST:-}" ]; then
  cd "$work/lang"
  cat > go.mod <<MOD
module pulumibasip/lang

go 1.25.11
MOD
  log "step 3/4: resolving modules for pulumi-language-nodejs $LANG_HOST_VERSION (optional)"
  if go get "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$LANG_HOST_VERSION" >&2; then
    log "step 4/4: compiling pulumi-language-nodejs"
    go build -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$BIN/pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 >&2
    mv "$BIN/pulumi-language-nodejs.tmp" "$BIN/pulumi-language-nodejs"
    log "pulumi-language-nodejs built after $(( $(date +%s) - start ))s"
  else
    log "pulumi-language-nodejs is not available from the module proxy; continuing without it"
    log "(tests and npm start do not need it; plain 'pulumi up' on a Pulumi.yaml program does)"
  fi
fi

install_plugins "$BIN"
log "ready: $("$BIN/pulumi" version)"
echo "$BIN"
