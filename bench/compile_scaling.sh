#!/usr/bin/env bash
# compile_scaling.sh BUILD_DIR [RUNS=3] - compile time against program size:
# count_true, a 2 x N-record histogram (stats) and a hand-written counting
# loop, each compiled at N = 5 000 and 20 000. Prints, per program, the
# median seconds at each N, microseconds per element, and the ratio
# t(20 000) / (4 t(5 000)): 1 for linear growth, 4 for quadratic. Lines are
# "name value unit", as the other benchmarks print.
set -eu
BUILD=$(cd "${1:?usage: bench/compile_scaling.sh BUILD_DIR [RUNS]}" && pwd)
RUNS=${2:-3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib.sh"

program() { # NAME N -> source on stdout
    case $1 in
    count_true) printf 'import "math";\nparty a, b;\ninput a uint8 x[%s];\ninput b uint8 t;\nbool f[%s];\nfor i in 0..%s { f[i] = x[i] > t; }\noutput all c = count_true(f);\n' "$2" "$2" "$2" ;;
    histogram) printf 'import "stats";\nparty a, b;\ninput a uint8 x[%s];\ninput b uint8 y[%s];\nuint8 v[%s];\nfor i in 0..%s { v[i] = x[i]; v[%s + i] = y[i]; }\noutput all h = histogram(v, [uint8(18), 40, 65]);\n' "$2" "$2" "$(( $2 * 2 ))" "$2" "$2" ;;
    hand_loop) printf 'party a, b;\ninput a uint8 x[%s];\ninput b uint8 t;\nuint32 c = 0;\nfor i in 0..%s { if (x[i] > t) { c += 1; } }\noutput all c;\n' "$2" "$2" ;;
    esac
}

for name in count_true histogram hand_loop; do
    declare -A secs
    for n in 5000 20000; do
        program "$name" "$n" >"$TMP/$name.mpc"
        ts=()
        for _ in $(seq 1 "$RUNS"); do
            s=$( { /usr/bin/env time -f %e "$BUILD/mpcc" compile "$TMP/$name.mpc" -o "$TMP/out.circ" >/dev/null; } 2>&1 | tail -1)
            ts+=("$s")
        done
        secs[$n]=$(printf '%s\n' "${ts[@]}" | median)
        echo "compile_${name}_${n} ${secs[$n]} s"
        awk -v s="${secs[$n]}" -v n="$n" 'BEGIN { printf "compile_%s_%d_per_element %.1f us\n", "'"$name"'", n, s * 1e6 / n }'
    done
    awk -v a="${secs[5000]}" -v b="${secs[20000]}" 'BEGIN { printf "compile_%s_growth %.2f x linear\n", "'"$name"'", (a > 0 ? b / (4 * a) : 0) }'
    unset secs
done
