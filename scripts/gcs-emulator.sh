#!/usr/bin/env bash
# Installs fake-gcs-server into .tools/bin (gitignored) for the GCS replication
# tests. The tests start the binary themselves, so this only needs to run once.
set -euo pipefail

version="v1.56.1"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="$repo_root/.tools/bin"

if [[ -x "$bin_dir/fake-gcs-server" ]]; then
  echo "fake-gcs-server is already installed at $bin_dir/fake-gcs-server"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "go not found on PATH: install Go 1.25 or newer (fake-gcs-server v1.56.1 needs it), then rerun this script" >&2
  exit 1
fi

mkdir -p "$bin_dir"
GOBIN="$bin_dir" go install "github.com/fsouza/fake-gcs-server@$version"
echo "Installed fake-gcs-server $version at $bin_dir/fake-gcs-server"
