# mpcrun_bristol.sh - end to end: every vector of the project's own Bristol
# circuits (tests/cli/own_circuits.bash) and, when ../shared is present, every
# line of its vectors.txt, through two real mpcrun processes over loopback in
# --bristol mode (party 1 gives input 1, party 2 the rest), and the raw-mode
# error cases.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/own_circuits.bash"
make_own_circuits "$TMP/own" || { bad "the project's own circuits do not compile"; finish; exit; }
n=0
# run_vectors DIR VECTORS
run_vectors() {
local dir=$1 vec=$2 name rest
while read -r name rest; do
    [ -z "$name" ] && continue
    ins=${rest%%->*}; outs=${rest#*->}
    read -r -a inv <<<"$ins"
    a=(--input "1=${inv[0]}"); b=()
    for ((k = 1; k < ${#inv[@]}; k++)); do b+=(--input "$((k + 1))=${inv[$k]}"); done
    n=$((n + 1))
    circ="$dir/$name.txt"
    run_pair v$n "$circ" --bristol --party 1 "${a[@]}" --timeout 20 -- \
             "$circ" --bristol --party 2 "${b[@]}" --timeout 20
    want=$(echo $outs | tr ' ' '\n')
    if [ "$(cat $TMP/v$n.a.rc)" = 0 ] && [ "$(cat $TMP/v$n.b.rc)" = 0 ] &&
       [ "$(cat $TMP/v$n.a.out)" = "$want" ] && [ "$(cat $TMP/v$n.b.out)" = "$want" ]; then
        ok
    else
        bad "$name ${ins}: want [$want] got [$(cat $TMP/v$n.a.out)] / [$(cat $TMP/v$n.b.out)]: $(cat $TMP/v$n.a.err $TMP/v$n.b.err)"
    fi
done <"$vec"
}
run_vectors "$TMP/own" "$TMP/own/vectors.txt"
B=$TMP/own
if [ -f "$MPCC_SHARED_DIR/circuits/vectors.txt" ]; then
    run_vectors "$MPCC_SHARED_DIR/circuits/bristol" "$MPCC_SHARED_DIR/circuits/vectors.txt"
    B=$MPCC_SHARED_DIR/circuits/bristol
else
    echo "note: ../shared absent: the project's own circuits only"
fi
# Different circuits on the two sides: both refuse in the handshake.
run_pair mismatch "$B/adder64.txt" --bristol --party 1 --input 1=1 --timeout 10 -- \
                  "$B/sub64.txt" --bristol --party 2 --input 2=1 --timeout 10
if [ "$(cat $TMP/mismatch.a.rc)" != 0 ] && [ "$(cat $TMP/mismatch.b.rc)" != 0 ] &&
   grep -q "circuit mismatch" "$TMP/mismatch.b.err" && [ ! -s "$TMP/mismatch.b.out" ]; then ok
else bad "mismatched circuits: $(cat $TMP/mismatch.a.err $TMP/mismatch.b.err)"; fi

# Both parties give input 1; nobody gives input 2.
run_pair both "$B/adder64.txt" --bristol --party 1 --input 1=1 --timeout 10 -- \
              "$B/adder64.txt" --bristol --party 2 --input 1=2 --timeout 10
if [ "$(cat $TMP/both.b.rc)" != 0 ] && grep -q "given by both parties" "$TMP/both.b.err"; then ok
else bad "input given twice: $(cat $TMP/both.b.err)"; fi

# Malformed input values: refused before any network traffic.
out=$("$MPCRUN" "$B/adder64.txt" --bristol --party 1 --connect 127.0.0.1:1 --input 1=xyz 2>&1)
if [ $? != 0 ] && echo "$out" | grep -q "input value 1: 'xyz' is not hexadecimal"; then ok
else bad "bad hex: $out"; fi
out=$("$MPCRUN" "$B/adder64.txt" --bristol --party 1 --connect 127.0.0.1:1 --input 3=1 2>&1)
if [ $? != 0 ] && echo "$out" | grep -q "K from 1 to 2"; then ok; else bad "bad index: $out"; fi

# Nobody listening: a clear error within the timeout.
start=$(date +%s)
out=$("$MPCRUN" "$B/adder64.txt" --bristol --party 2 --connect 127.0.0.1:1 --input 2=1 --timeout 2 2>&1)
rc=$?
if [ $rc != 0 ] && [ $(( $(date +%s) - start )) -le 6 ] && [ -n "$out" ]; then ok
else bad "refused connection: rc=$rc $out"; fi

finish
