#!/usr/bin/env bash
# Synthesizes every integ/integ.*.ts app and compares it with its committed snapshot.
# With --update, rewrites the snapshots instead (a deliberate step, never part of the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/offline-env.sh

args=(--directory integ --language typescript --parallel-regions us-east-1)
if [[ "${1:-}" == "--update" ]]; then
  # --dry-run updates the snapshot without deploying anything.
  npx integ-runner "${args[@]}" --force --dry-run
else
  npx integ-runner "${args[@]}"
fi
