#!/usr/bin/env bash
# Installs what the build and the tests need: npm packages (when package-lock.json
# changed), the Python tools of requirements-dev.txt, the Cloud Storage emulator for the
# media replication tests, and a PostgreSQL server for the database provisioning tests.
set -euo pipefail
cd "$(dirname "$0")/.."

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.package-lock.sha256
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  echo "Installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi

if [[ "${1:-}" == "--npm-only" ]]; then
  exit 0
fi

bash scripts/python-tools.sh
bash scripts/gcs-emulator.sh

if ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' > /dev/null; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "PostgreSQL is missing; install it with: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
  echo "Installing PostgreSQL (Debian package postgresql)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql > /dev/null
fi
