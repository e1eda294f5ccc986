#!/usr/bin/env bash
# run.sh - runs every libFuzzer harness of a fuzz build on a copy of its seed
# corpus. Usage: tests/fuzz/run.sh BUILD_DIR [SECONDS=60]. Exits non-zero on any
# crash; prints one line "fuzz_<name> execs <N>" per harness.
set -u
build=${1:?usage: run.sh FUZZ_BUILD_DIR [SECONDS]}
secs=${2:-60}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mpcc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
status=0
found=0
for bin in "$build"/fuzz_* "$build"/tests/fuzz/fuzz_*; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    found=1
    name=$(basename "$bin")
    corpus="$work/${name#fuzz_}"
    mkdir -p "$corpus"
    if [ -d "$here/corpus/${name#fuzz_}" ]; then
        cp -R "$here/corpus/${name#fuzz_}/." "$corpus/"
    fi
    log="$work/$name.log"
    # The protocol harnesses need whole recorded streams (about 9 KB).
    maxlen=4096
    case "$name" in fuzz_peer_*) maxlen=16384 ;; esac
    "$bin" "$corpus" -max_total_time="$secs" -max_len="$maxlen" -print_final_stats=1 \
        -artifact_prefix="$work/$name-" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    echo "$name execs ${execs:-unknown}"
    if [ "$rc" -ne 0 ]; then
        echo "$name FAILED (exit $rc); last lines of its log:" >&2
        tail -n 40 "$log" >&2
        for a in "$work/$name-"*; do
            [ -e "$a" ] && cp "$a" . && echo "crashing input saved as ./$(basename "$a")" >&2
        done
        status=1
    fi
done
if [ "$found" -eq 0 ]; then
    echo "no fuzz_* executables in $build" >&2
    exit 2
fi
exit $status
