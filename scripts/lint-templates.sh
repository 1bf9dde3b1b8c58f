#!/usr/bin/env bash
# Lints every synthesized template: the example app in cdk.out and every committed
# integration snapshot. Skips are by check id, each with its reason, in .cfnlintrc.yaml,
# .checkov.yaml or the resource's checkov metadata.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/offline-env.sh
bash scripts/python-tools.sh

npx ts-node scripts/example.ts --quiet

shopt -s nullglob
templates=()
for template in cdk.out/*.template.json integ/*.snapshot/*.template.json; do
  # An integration test without assertions has an empty assertion stack, which is not
  # a deployable template.
  if .venv/bin/python -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1])).get("Resources") else 1)' "$template"; then
    templates+=("$template")
  else
    echo "Skipping $template: it has no resources"
  fi
done
if [[ ${#templates[@]} -eq 0 ]]; then
  echo "No templates found to lint" >&2
  exit 1
fi

echo "cfn-lint: ${#templates[@]} templates"
.venv/bin/cfn-lint -- "${templates[@]}"

echo "checkov: ${#templates[@]} templates"
# aws-cdk-lib adds the functions of cross-region references (CustomCrossRegionExport*) while it
# synthesizes, after every construct and aspect ran, so no construct can give them skip metadata.
# checkov scans copies of the templates in which those functions carry their skips.
scan_dir=$(mktemp -d)
trap 'rm -rf "$scan_dir"' EXIT
.venv/bin/python scripts/checkov-cdk-helpers.py "$scan_dir" "${templates[@]}"
# --skip-download keeps checkov from calling the Prisma Cloud API for guidelines.
checkov_args=(--config-file .checkov.yaml --quiet --compact --skip-download)
for template in "${templates[@]}"; do
  checkov_args+=(--file "$scan_dir/$template")
done
.venv/bin/checkov "${checkov_args[@]}"
