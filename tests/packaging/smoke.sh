#!/usr/bin/env bash
# Smoke test of the built binary as clinic IT runs it: a copy in its own folder, started
# from a clean environment (env -i, an empty HOME, no virtual environment on PATH).
#
# Usage: tests/packaging/smoke.sh [BINARY]     (default dist/vetmri; `make binary-check`;
#        dist/vetmri-onedir/vetmri for the folder build)
# Needs: dciodvfy (Debian dicom3tools) and tmux. Exits non-zero on the first failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=$(realpath "${1:-$root/dist/vetmri}")
[ -x "$binary" ] || { echo "smoke: no binary at $binary; run 'make binary' first." >&2; exit 1; }
for tool in dciodvfy tmux; do
    command -v "$tool" >/dev/null || { echo "smoke: $tool is missing; run 'make system-deps'." >&2; exit 1; }
done

work=$(mktemp -d)
socket="vetmri-smoke-$$"
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/home" "$work/bin" "$work/tmp"
cp "$binary" "$work/bin/vetmri"
# a folder build (make binary-onedir) needs its _internal/ folder beside it
[ -d "$(dirname "$binary")/_internal" ] && cp -r "$(dirname "$binary")/_internal" "$work/bin/"
started=$SECONDS
step() { printf 'smoke: %-66s' "$1"; }
ok() { echo "ok${1:+ ($1)}"; }
fail() { echo "FAILED"; echo "smoke: $*" >&2; exit 1; }
# The clinic's environment: nothing from ours but a terminal type and a UTF-8 locale.
clean=(env -i HOME="$work/home" PATH=/usr/bin:/bin TMPDIR="$work/tmp" LANG=C.UTF-8 TERM=xterm-256color)
vetmri() { (cd "$work/home" && "${clean[@]}" "$work/bin/vetmri" "$@"); }

step "--version"
out=$(vetmri --version) || fail "--version exited $?"
[[ $out =~ ^vetmri\ [0-9] ]] || fail "--version printed '$out'"
ok "$out"

step "protocols list: the species protocols are inside"
out=$(vetmri protocols list) || fail "protocols list exited $?"
for species in cat dog; do grep -q "^$species " <<<"$out" || fail "protocols list lacks $species: $out"; done
ok

step "bad input: one sentence, exit 2, no traceback"
set +e; err=$(vetmri --bogus 2>&1 >/dev/null); code=$?; set -e
[ "$code" -eq 2 ] && ! grep -q Traceback <<<"$err" || fail "--bogus exited $code: $err"
ok

step "phantom render writes a PNG (Pillow's PNG core is inside)"
vetmri phantom render cat_brain --out "$work/home/cat.png" >/dev/null || fail "phantom render exited $?"
[ "$(head -c 8 "$work/home/cat.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || fail "cat.png is not a PNG"
ok

step "exam --demo --series 0,1 (simulator, recon, DICOM)"
exam_started=$SECONDS
out=$(vetmri exam --demo --series 0,1 2>&1) || fail "exam --demo exited $?: $out"
grep -q "complete" <<<"$out" || fail "exam --demo did not complete: $out"
out_exam=$out
ok "$((SECONDS - exam_started)) s"

data="$work/home/.local/share/vetmri"
step "DICOM written to the platform data folder, dciodvfy accepts it"
mapfile -t files < <(find "$data/studies" -name '*.dcm' | sort)
[ "${#files[@]}" -ge 2 ] || fail "exam --demo wrote ${#files[@]} DICOM files under $data/studies"
series=$(printf '%s\n' "${files[@]}" | xargs -n1 dirname | sort -u | wc -l)
[ "$series" -eq 2 ] || fail "expected 2 series folders, found $series"
for file in "${files[@]}"; do
    dciodvfy "$file" >"$work/dciodvfy.txt" 2>&1 || { cat "$work/dciodvfy.txt" >&2; fail "dciodvfy rejects $file"; }
done
ok "${#files[@]} files in $series series"

step "report of the demo study (PDF and PNG), QA on the simulator"
study=$(grep -o 'S-[0-9]\{6\}' <<<"$out_exam" | head -1)
[ -n "$study" ] || fail "exam --demo printed no study id: $out_exam"
vetmri report "$study" --out "$work/home/report.pdf" --comment "smoke" >/dev/null || fail "report to PDF exited $?"
head -c 5 "$work/home/report.pdf" | grep -q '%PDF-' || fail "report.pdf is not a PDF"
vetmri report "$study" --out "$work/home/report.png" >/dev/null || fail "report to PNG exited $?"
head -c 8 "$work/home/report.png" | grep -q 'PNG' || fail "report.png is not a PNG"
out=$(vetmri qa run 2>&1) || fail "qa run exited $?: $out"
ok "$study"

step "records search finds the demonstration dog"
out=$(vetmri records search Rex) || fail "records search exited $?"
grep -q "Rex" <<<"$out" && grep -q "dog" <<<"$out" || fail "records search Rex printed: $out"
ok

step "settings, data and log in the platform folders"
[ -f "$work/home/.config/vetmri/settings.toml" ] || vetmri settings set dicom.ae_title VETMRI >/dev/null \
    || fail "settings set exited $?"
[ -f "$work/home/.config/vetmri/settings.toml" ] || fail "no settings file in $work/home/.config/vetmri"
log=$(vetmri --log-path) || fail "--log-path exited $?"
[[ $log == "$data/"* ]] || fail "--log-path says $log, outside $data"
[ -s "$log" ] || fail "the log file $log is empty"
ok

step "TUI in tmux: the patients screen, then ctrl+q"
tmux_env=("${clean[@]}")
"${tmux_env[@]}" tmux -L "$socket" -f /dev/null new-session -d -s smoke -x 100 -y 30 \
    "cd '$work/home' && '$work/bin/vetmri'; echo \$? > '$work/tui-exit'; sleep 600"
screen=""
for _ in $(seq 1 200); do
    screen=$(tmux -L "$socket" capture-pane -p -t smoke 2>/dev/null || true)
    grep -q "Search: pet or owner name" <<<"$screen" && grep -q "Quit" <<<"$screen" && break
    sleep 0.1
done
grep -q "Search: pet or owner name" <<<"$screen" || { echo "$screen" >&2; fail "the patients screen did not show"; }
tmux -L "$socket" send-keys -t smoke C-q
for _ in $(seq 1 100); do [ -s "$work/tui-exit" ] && break; sleep 0.1; done
[ -s "$work/tui-exit" ] || fail "ctrl+q did not end the TUI"
[ "$(cat "$work/tui-exit")" = 0 ] || fail "the TUI exited $(cat "$work/tui-exit")"
ok

step "nothing written next to the binary, nothing left in TMPDIR"
extra=$(ls -A "$work/bin" | grep -vx -e vetmri -e _internal || true)
[ -z "$extra" ] || fail "files appeared next to the binary: $extra"
left=$(ls -A "$work/tmp")
[ -z "$left" ] || fail "left behind in TMPDIR: $left"
ok

echo "smoke: all passed in $((SECONDS - started)) s ($binary, $(du -m "$binary" | cut -f1) MB)"
