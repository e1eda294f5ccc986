# examples.sh - every example that has sample inputs and an expected result
# (examples/inputs/NAME_expected.txt) runs end to end: each party a separate
# mpcrun process on loopback (examples/demo.sh), and every party must print
# exactly the outputs NAME_expected.txt lists for it. (The plaintext runs of
# the same examples are checked in test_compiler.) Prints the wall time of
# each run (informational, never asserted).
. "$(dirname "$0")/common.bash"
EX="$MPCC_SOURCE_DIR/examples"
if [ -z "${MPCC_BINARY_DIR:-}" ] || [ ! -x "$MPCC_BINARY_DIR/mpcrun" ]; then
    skip "no mpcrun in MPCC_BINARY_DIR"
fi
n=0
for want_file in "$EX"/inputs/*_expected.txt; do
    [ -f "$want_file" ] || continue
    name=$(basename "$want_file" _expected.txt)
    [ -f "$EX/$name.mpc" ] || { bad "$name: expected outputs but no examples/$name.mpc"; continue; }
    n=$((n + 1))
    bash "$EX/demo.sh" "$MPCC_BINARY_DIR" "$name" --stats >"$TMP/$name.out" 2>"$TMP/$name.err"
    rc=$?
    # demo.sh prints "[party]" then that party's "name = value" lines.
    got=$(awk '/^\[.*\]$/ { p = substr($0, 2, length($0) - 2); next } { print p ": " $0 }' "$TMP/$name.out")
    want=$(cat "$want_file")
    if [ $rc = 0 ] && [ "$got" = "$want" ]; then
        ok
        echo "$name: $(grep -o 'wall time [0-9]* ms' "$TMP/$name.err" | head -1)"
    else
        bad "$name (demo.sh exit $rc): got [$got] wanted [$want]; stderr: $(head -c 2000 "$TMP/$name.err")"
    fi
done
[ $n -gt 0 ] || bad "no example with examples/inputs/*_expected.txt"
finish
