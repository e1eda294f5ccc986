#!/usr/bin/env bash
# garbling.sh - the two garbling schemes end to end (mpcrun --garbling): the
# three-halves algebra checked symbolically (tests/tools/threehalves_derive.py);
# real two-process runs with each scheme and each mix of explicit and auto
# choices give the right answer and say which scheme ran and its bytes per
# AND; different explicit choices are refused by both sides, naming both;
# auto picks half-gates over loopback TCP and shows the round trip it
# measured; bad values and --protocol bmr are refused.
source "$(dirname "$0")/common.bash"
MPCC=${MPCC:?} MPCRUN=${MPCRUN:?} SRC=${MPCC_SOURCE_DIR:?}

if command -v python3 >/dev/null; then
    python3 "$SRC/tests/tools/threehalves_derive.py" >"$TMP/derive.out" 2>&1 &&
        grep -q '^OK$' "$TMP/derive.out" && ok || bad "three-halves algebra: $(cat "$TMP/derive.out")"
fi

"$MPCC" compile "$SRC/examples/dot_product.mpc" -o "$TMP/dot.circ" || bad "compile dot_product"
PH=(--input-file "$SRC/examples/inputs/dot_product_pharmacy.txt")
IN=(--input-file "$SRC/examples/inputs/dot_product_insurer.txt")
P1=pharmacy P2=insurer # the pharmacy garbles (first declared); only the insurer learns the total
want=$(sed 's/^insurer: //' "$SRC/examples/inputs/dot_product_expected.txt")

# scheme_of FILE: the scheme a --stats line names.
scheme_of() { sed -n 's/.*: garbling \([a-z]*\).*/\1/p' "$1" | head -1; }

for pair in "threehalves threehalves" "halfgates halfgates" "threehalves auto" "auto halfgates" \
            "auto auto"; do
    read -r ga gb <<<"$pair"
    n=run_${ga}_$gb
    run_pair $n "$TMP/dot.circ" --party "$P1" "${PH[@]}" --insecure-plaintext --stats --garbling "$ga" -- \
                "$TMP/dot.circ" --party "$P2" "${IN[@]}" --insecure-plaintext --stats --garbling="$gb"
    expect=$ga; [ "$ga" = auto ] && expect=$gb; [ "$expect" = auto ] && expect=halfgates
    per=32.00; [ "$expect" = threehalves ] && per=25.00
    if [ "$(cat "$TMP/$n.a.rc")" = 0 ] && [ "$(cat "$TMP/$n.b.rc")" = 0 ] &&
       [ ! -s "$TMP/$n.a.out" ] && [ "$(cat "$TMP/$n.b.out")" = "$want" ] &&
       [ "$(scheme_of "$TMP/$n.a.err")" = "$expect" ] && [ "$(scheme_of "$TMP/$n.b.err")" = "$expect" ] &&
       grep -q "garbling $expect\( (auto: [0-9.]* ms round trip)\)\?, $per table bytes per AND" "$TMP/$n.b.err"; then ok
    else bad "$n: $(cat "$TMP/$n.a.rc" "$TMP/$n.b.rc" "$TMP/$n.a.out" "$TMP/$n.a.err" "$TMP/$n.b.err")"; fi
done

# Different explicit choices: both refuse, naming both schemes.
run_pair mismatch "$TMP/dot.circ" --party "$P1" "${PH[@]}" --insecure-plaintext --garbling halfgates -- \
                  "$TMP/dot.circ" --party "$P2" "${IN[@]}" --insecure-plaintext --garbling threehalves
if [ "$(cat "$TMP/mismatch.a.rc")" != 0 ] && [ "$(cat "$TMP/mismatch.b.rc")" != 0 ] &&
   [ ! -s "$TMP/mismatch.a.out" ] && [ ! -s "$TMP/mismatch.b.out" ] &&
   grep -q "garbling scheme mismatch: we garble with halfgates, .* with threehalves" "$TMP/mismatch.a.err" &&
   grep -q "garbling scheme mismatch: we garble with threehalves, .* with halfgates" "$TMP/mismatch.b.err"; then ok
else bad "mismatch: $(cat "$TMP/mismatch.a.err" "$TMP/mismatch.b.err")"; fi

# Auto over loopback TCP: the kernel's round trip (TCP_INFO) is far below
# 1 ms, so half-gates, and --stats shows the measurement. (Through netsim
# the kernel would see only the hop to the relay; test_proto checks the
# rule itself with set round trips.)
run_pair auto_tcp "$TMP/dot.circ" --party "$P1" "${PH[@]}" --insecure-plaintext --stats -- \
                  "$TMP/dot.circ" --party "$P2" "${IN[@]}" --insecure-plaintext --stats
if [ "$(cat "$TMP/auto_tcp.b.rc")" = 0 ] && [ "$(cat "$TMP/auto_tcp.b.out")" = "$want" ] &&
   grep -q "garbling halfgates (auto: 0\.[0-9]* ms round trip), 32.00 table bytes per AND" "$TMP/auto_tcp.a.err"; then ok
else bad "auto over loopback: $(cat "$TMP/auto_tcp.a.err" "$TMP/auto_tcp.b.err")"; fi

"$MPCRUN" "$TMP/dot.circ" --party "$P1" --garbling fast >/dev/null 2>"$TMP/bad.err"
[ $? = 2 ] && grep -q "garbling takes auto, halfgates or threehalves, not 'fast'" "$TMP/bad.err" && ok ||
    bad "--garbling fast: $(cat "$TMP/bad.err")"
"$MPCC" compile "$SRC/examples/hospitals3.mpc" -o "$TMP/h3.circ" || bad "compile hospitals3"
"$MPCRUN" --local "$TMP/h3.circ" --garbling threehalves >/dev/null 2>"$TMP/bmr.err"
[ $? != 0 ] && grep -q "garbles jointly with its own scheme" "$TMP/bmr.err" && ok ||
    bad "--garbling with bmr: $(cat "$TMP/bmr.err")"
finish
