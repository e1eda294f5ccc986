#!/usr/bin/env bash
# examples.sh BUILD_DIR [RUNS=5] - the figures of examples/README.md: for
# every example with sample inputs (examples/inputs/NAME_expected.txt), its
# AND and total gate counts (`mpcc stats`) and, over RUNS end-to-end runs of
# examples/demo.sh (every party a separate mpcrun process on loopback), the
# median of the evaluator's protocol time (`--stats` "total": handshake,
# base OT, OT extension, garbling, outputs) and the median wall time of the
# whole run (process start-up and connection set-up included). Prints a
# Markdown table.
set -eu
BUILD=$(cd "${1:?usage: bench/examples.sh BUILD_DIR [RUNS]}" && pwd)
RUNS=${2:-5}
EX=$(cd "$(dirname "$0")/../examples" && pwd)
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "| example | parties | AND gates | all gates | 2PC protocol time (evaluator, median of $RUNS) | wall time, all processes (median) |"
echo "|---|---|---|---|---|---|"
for want in "$EX"/inputs/*_expected.txt; do
    name=$(basename "$want" _expected.txt)
    [ -f "$EX/$name.mpc" ] || continue
    stats=$("$BUILD/mpcc" stats "$EX/$name.mpc")
    and=$(echo "$stats" | awk '$1 == "and:" { print $2 }')
    gates=$(echo "$stats" | awk '$1 == "gates:" { print $2 }')
    read -r -a parties <<<"$(sed -n 's/^party \(.*\);.*/\1/p' "$EX/$name.mpc" | head -1 | tr -d ',')"
    ev=${parties[1]}
    proto=() wall=()
    for _ in $(seq 1 "$RUNS"); do
        err=$(bash "$EX/demo.sh" "$BUILD" "$name" --stats 2>&1 >/dev/null)
        proto+=("$(echo "$err" | sed -n "s/^$ev: time .* total \([0-9.]*\) ms.*/\1/p" | head -1)")
        wall+=("$(echo "$err" | sed -n 's/.*wall time \([0-9]*\) ms.*/\1/p' | head -1)")
    done
    p=$(printf '%s\n' "${proto[@]}" | median)
    w=$(printf '%s\n' "${wall[@]}" | median)
    echo "| [$name]($name.mpc) | ${#parties[@]} | $and | $gates | $p ms | $w ms |"
done
