#!/usr/bin/env bash
# Builds the verification toolchain from source into a cache, once per pinned version.
#
#   ${STREAMSTACK_CACHE:-$HOME/.cache/streamstack}/
#     bin/tofu, bin/helm,             built from the Go modules pinned in tools/<tool>/go.mod
#     bin/netpol-analyzer
#     bin/kube-apiserver, bin/etcd    only with STREAMSTACK_BUILD_APISERVER=1 (slow, see tools/README.md)
#     checkov/                        virtualenv with tools/checkov/requirements.txt
#     providers/                      filesystem mirror of Terraform providers, filled by hand (see tools/README.md)
#     go/mod, go/build                Go module and build caches, kept so that a rebuild is incremental
#
# Each tool is keyed on a hash of its go.mod, go.sum and the Go version; a tool whose key matches
# the stamp beside its binary is not rebuilt. Delete the cache directory to force a cold build.
set -euo pipefail

tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${STREAMSTACK_CACHE:-$HOME/.cache/streamstack}
bin=$cache/bin
mkdir -p "$bin" "$cache/go/mod" "$cache/go/build" "$cache/providers"

go_bin=$(command -v go || true)
if [[ -z "$go_bin" && -x /usr/local/go/bin/go ]]; then go_bin=/usr/local/go/bin/go; fi
if [[ -z "$go_bin" ]]; then
  echo "tools/build.sh: no Go toolchain found (need Go >= 1.26.6 on PATH or at /usr/local/go/bin/go)" >&2
  exit 1
fi

export GOMODCACHE=$cache/go/mod
export GOCACHE=$cache/go/build
export GOFLAGS=-mod=mod
export CGO_ENABLED=0
# A go.mod asking for a newer Go than the one installed is an error here, never a toolchain download.
export GOTOOLCHAIN=local
go_version=$("$go_bin" env GOVERSION)

log() { printf '[tools] %s\n' "$*" >&2; }

# key_of DIR: hash of everything that decides what the build of DIR produces.
key_of() {
  { echo "$go_version"; cat "$1/go.mod"; cat "$1/go.sum" 2>/dev/null || true; } | sha256sum | cut -c1-16
}

# build_go TOOL_DIR BINARY PACKAGE [LDFLAGS]: build PACKAGE from the module in tools/TOOL_DIR into $bin/BINARY.
build_go() {
  local dir=$tools_dir/$1 name=$2 pkg=$3 extra_ldflags=${4:-} key stamp start
  key=$({ key_of "$dir"; echo "$extra_ldflags"; } | sha256sum | cut -c1-16)
  stamp=$bin/.$name.key
  if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$key" ]]; then
    log "$name: cached ($key)"
    return 0
  fi
  start=$(date +%s)
  log "$name: building $pkg (key $key) ..."
  (cd "$dir" && "$go_bin" build -trimpath -ldflags="-s -w $extra_ldflags" -o "$bin/$name.tmp" "$pkg")
  mv "$bin/$name.tmp" "$bin/$name"
  echo "$key" >"$stamp"
  log "$name: built in $(($(date +%s) - start))s"
}

install_checkov() {
  local req=$tools_dir/checkov/requirements.txt venv=$cache/checkov key start
  key=$({ python3 --version; cat "$req"; } | sha256sum | cut -c1-16)
  if [[ -x "$venv/bin/checkov" && -f "$venv/.key" && "$(cat "$venv/.key")" == "$key" ]]; then
    log "checkov: cached ($key)"
    return 0
  fi
  start=$(date +%s)
  log "checkov: installing into $venv (key $key) ..."
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$req"
  echo "$key" >"$venv/.key"
  log "checkov: installed in $(($(date +%s) - start))s"
}

overall=$(date +%s)
# dev=no: a release build, so `tofu version` reports the tag rather than "<tag>-dev".
build_go tofu tofu github.com/opentofu/opentofu/cmd/tofu "-X github.com/opentofu/opentofu/version.dev=no"
# Release builds stamp the full version; without it `helm version` says only "v3.22".
helm_version=$(sed -n 's/^require helm.sh\/helm\/v3 \(v[0-9.]*\)$/\1/p' "$tools_dir/helm/go.mod")
build_go helm helm helm.sh/helm/v3/cmd/helm "-X helm.sh/helm/v3/internal/version.version=$helm_version"
# The network-policy analyzer has no version flag; its version is the pin in tools/netpol/go.mod.
build_go netpol netpol-analyzer github.com/np-guard/netpol-analyzer/cmd/netpolicy
if [[ "${STREAMSTACK_SKIP_CHECKOV:-0}" != 1 ]]; then install_checkov; fi
if [[ "${STREAMSTACK_BUILD_APISERVER:-0}" == 1 ]]; then
  build_go apiserver etcd streamstack.local/tools/apiserver/etcd
  build_go apiserver kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
fi
log "toolchain ready in $(($(date +%s) - overall))s: $bin"
