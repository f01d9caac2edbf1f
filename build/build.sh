#!/usr/bin/env bash
# Build the vetmri binary from a clean virtual environment, then check that it starts.
# Usage: build/build.sh                           dist/vetmri, one file (the default)
#        VETMRI_BUILD_MODE=onedir build/build.sh  dist/vetmri-onedir/vetmri, a folder
# The full smoke test of the result is tests/packaging/smoke.sh (`make binary-check`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${VETMRI_BUILD_MODE:-onefile}
case "$mode" in
    onefile) binary=dist/vetmri; output=dist/vetmri; work=build/.work ;;
    onedir) binary=dist/vetmri-onedir/vetmri; output=dist/vetmri-onedir; work=build/.work-onedir ;;
    *) echo "VETMRI_BUILD_MODE must be onefile or onedir, not '$mode'." >&2; exit 2 ;;
esac
started=$SECONDS
python=${PYTHON:-python3}
venv=build/.venv
rm -rf "$venv" "$work"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet ".[build]"
VETMRI_BUILD_MODE=$mode "$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath "$work" build/vetmri.spec
# The binary starts and finds its data and its scanner profile inside itself.
check_home=$(mktemp -d)
trap 'rm -rf "$check_home"' EXIT
export VETMRI_CONFIG="$check_home/settings.toml" VETMRI_DATA_DIR="$check_home/data"
"$binary" --version
"$binary" status --json \
    | "$venv/bin/python" -c 'import json, sys; s = json.load(sys.stdin); assert s["running_from"] == "bundle", s; print("bundle OK:", s["data_folders"])'
echo "built $output ($mode, $(du -sm "$output" | cut -f1) MB) in $((SECONDS - started)) s"
