#!/usr/bin/env bash
# Creates .venv with the pinned Python tools of requirements-dev.txt, once per change of
# that file.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=.venv/.requirements-dev.sha256
wanted=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [[ -x .venv/bin/python && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  exit 0
fi
echo "Installing the Python test tools into .venv (requirements-dev.txt)"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
echo "$wanted" > "$stamp"
