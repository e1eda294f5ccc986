#!/usr/bin/env bash
# programs.sh BUILD_DIR [RUNS=3] [SIZES...] - compiled programs at scale,
# run as two real mpcrun processes over loopback: an inner product of N
# uint64 pairs, a Batcher sort of M uint32 (stdlib sort), and a loop of K
# 64-bit multiply-adds over a fixed 16-element input (its AND gates grow,
# its inputs do not). For each it prints, as "name value unit" lines:
# compile time, .circ bytes, AND gates, `mpcc stats` time, end-to-end wall
# time (from starting both processes to both printing the output), AND
# gates per second end to end, and each process's peak RSS; medians of RUNS.
# SIZES default to "ip:2500 ip:25000 sort:1024 loop:28500".
set -eu
BUILD=$(cd "${1:?usage: bench/programs.sh BUILD_DIR [RUNS] [SIZES...]}" && pwd)
RUNS=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
SIZES=${*:-ip:2500 ip:25000 sort:1024 loop:28500}
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib.sh"

# values FILE NAME N BITS: NAME=[N random BITS-bit values]
values() {
    awk -v n="$3" -v b="$4" -v name="$2" 'BEGIN { srand(7 + n + b); printf "%s=[", name;
        for (i = 0; i < n; i++) { v = 0; for (k = 0; k < b / 16; k++) v = v * 65536 + int(rand() * 65536);
            printf "%s%.0f", i ? "," : "", (b == 64 ? v % 9007199254740992 : v) } print "]" }' >"$1"
}

for spec in $SIZES; do
    kind=${spec%%:*} n=${spec#*:}
    name="${kind}_$n"
    src="$TMP/$name.mpc"
    case $kind in
    ip)
        printf 'party a, b;\nconst N = %s;\ninput a uint64 x[N];\ninput b uint64 y[N];\nuint64 s = 0;\nfor i in 0..N { s += x[i] * y[i]; }\noutput all s;\n' "$n" >"$src"
        values "$TMP/a.txt" x "$n" 64; values "$TMP/b.txt" y "$n" 64 ;;
    sort)
        printf 'import "sort";\nparty a, b;\nconst M = %s;\ninput a uint32 x[M / 2];\ninput b uint32 y[M / 2];\nuint32 v[M];\nfor i in 0..M / 2 { v[i] = x[i]; v[M / 2 + i] = y[i]; }\noutput all s = sort(v)[M / 2];\n' "$n" >"$src"
        values "$TMP/a.txt" x $((n / 2)) 32; values "$TMP/b.txt" y $((n / 2)) 32 ;;
    loop)
        printf 'party a, b;\nconst K = %s;\ninput a uint64 x[16];\ninput b uint64 y[16];\nuint64 s = 1;\nfor i in 0..K { s = s * x[i %% 16] + y[i %% 16]; }\noutput all s;\n' "$n" >"$src"
        values "$TMP/a.txt" x 16 64; values "$TMP/b.txt" y 16 64 ;;
    esac
    ct=()
    for _ in $(seq 1 "$RUNS"); do
        t0=$(now); "$BUILD/mpcc" compile "$src" -o "$TMP/$name.circ"; t1=$(now)
        ct+=("$(echo "$t1 - $t0" | bc)")
    done
    st=()
    for _ in $(seq 1 "$RUNS"); do
        t0=$(now); "$BUILD/mpcc" stats "$TMP/$name.circ" >"$TMP/stats.txt"; t1=$(now)
        st+=("$(echo "$t1 - $t0" | bc)")
    done
    and=$(awk '$1 == "and:" { print $2 }' "$TMP/stats.txt")
    wall=() ra=() rb=()
    for r in $(seq 1 "$RUNS"); do
        port=$((7600 + r))
        t0=$(now)
        /usr/bin/env time -f %M -o "$TMP/ra" "$BUILD/mpcrun" "$TMP/$name.circ" --party a --input-file "$TMP/a.txt" \
            --listen "127.0.0.1:$port" --timeout 600 >"$TMP/oa" 2>"$TMP/ea" &
        /usr/bin/env time -f %M -o "$TMP/rb" "$BUILD/mpcrun" "$TMP/$name.circ" --party b --input-file "$TMP/b.txt" \
            --connect "127.0.0.1:$port" --timeout 600 >"$TMP/ob" 2>"$TMP/eb"
        wait
        t1=$(now)
        if ! cmp -s "$TMP/oa" "$TMP/ob" || [ ! -s "$TMP/oa" ]; then
            echo "$name: the parties disagree or failed: $(cat "$TMP/ea" "$TMP/eb")" >&2
            exit 1
        fi
        wall+=("$(echo "$t1 - $t0" | bc)")
        ra+=("$(tail -1 "$TMP/ra")")
        rb+=("$(tail -1 "$TMP/rb")")
    done
    w=$(printf '%s\n' "${wall[@]}" | median)
    echo "${name}_compile $(printf '%s\n' "${ct[@]}" | median) s"
    echo "${name}_circ_bytes $(stat -c %s "$TMP/$name.circ") B"
    echo "${name}_and_gates $and AND"
    echo "${name}_stats $(printf '%s\n' "${st[@]}" | median) s"
    echo "${name}_wall $w s"
    echo "${name}_and_per_s $(echo "scale=1; $and / $w / 1000000" | bc) M AND/s"
    echo "${name}_peak_rss_a $(( $(printf '%s\n' "${ra[@]}" | median) / 1024 )) MB"
    echo "${name}_peak_rss_b $(( $(printf '%s\n' "${rb[@]}" | median) / 1024 )) MB"
done
