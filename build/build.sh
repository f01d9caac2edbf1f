#!/usr/bin/env bash
# Build the single-file binary dist/vetmri from a clean virtual environment, then check it.
# Usage: build/build.sh            (from anywhere; output in <checkout>/dist/vetmri)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python=${PYTHON:-python3}
venv=build/.venv
rm -rf "$venv" build/.work
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet ".[build]"
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/.work build/vetmri.spec
# Smoke test: the binary starts, finds its data and its scanner profile.
check_home=$(mktemp -d)
trap 'rm -rf "$check_home"' EXIT
export VETMRI_CONFIG="$check_home/settings.toml" VETMRI_DATA_DIR="$check_home/data"
dist/vetmri --version
dist/vetmri status --json \
    | "$venv/bin/python" -c 'import json, sys; s = json.load(sys.stdin); assert s["running_from"] == "bundle", s; print("bundle OK:", s["data_folders"])'
ls -l dist/vetmri
