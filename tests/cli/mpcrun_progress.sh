#!/usr/bin/env bash
# mpcrun_progress.sh - the progress line: under a pseudo-terminal (script)
# --progress redraws one stderr line in place and ends with the whole run's
# figures; --quiet shows nothing; off a terminal nothing shows by default and
# --progress writes plain lines; stdout (and --json) never carries it; two
# processes (Yao) and three (N-party garbling) each count every AND gate, and
# so does the first party of three in one process (--local).
source "$(dirname "$0")/common.bash"
MPCC=${MPCC:?} MPCRUN=${MPCRUN:?} SRC=${MPCC_SOURCE_DIR:?}
command -v script >/dev/null || skip "script (util-linux) is not installed"
"$MPCC" compile "$SRC/examples/millionaires.mpc" -o "$TMP/m.circ" || bad "compile millionaires"
AND=$("$MPCC" stats "$TMP/m.circ" | awk '$1 == "and:" { print $2 }')
LOCAL=("$TMP/m.circ" --local --input alice:wealth_a=5 --input bob:wealth_b=4)
DONE="alice: done, $AND of $AND AND (100%)"

# Under a pseudo-terminal: stdout and stderr both reach the terminal.
pty() { script -qec "$*" /dev/null </dev/null; }
out=$(pty "$MPCRUN" "${LOCAL[*]}" --progress | tr -d '\r')
printf '%s' "$(pty "$MPCRUN" "${LOCAL[*]}" --progress)" | grep -q $'\r' && ok || bad "pty --progress: no carriage return"
echo "$out" | grep -q "$DONE" && ok || bad "pty --progress: no [$DONE] in [$out]"
echo "$out" | grep -q $'\033\[K' && ok || bad "pty --progress: the line is not cleared to its end"
echo "$out" | grep -q "^alice_is_richer = true" && ok || bad "pty --progress: outputs missing: [$out]"
out=$(pty "$MPCRUN" "${LOCAL[*]}" --quiet)
echo "$out" | grep -q "AND (" && bad "pty --quiet shows progress: [$out]" || ok
echo "$out" | grep -q "alice_is_richer = true" && ok || bad "pty --quiet: outputs missing"

# Off a terminal: nothing by default; plain lines with --progress.
"$MPCRUN" "${LOCAL[@]}" >"$TMP/o" 2>"$TMP/e"
[ ! -s "$TMP/e" ] && ok || bad "progress on a pipe without --progress: [$(cat "$TMP/e")]"
"$MPCRUN" "${LOCAL[@]}" --progress >"$TMP/o2" 2>"$TMP/e2"
grep -qx "$DONE, .* AND/s, sent .*B, received .*B" "$TMP/e2" && ok || bad "--progress on a pipe: [$(cat "$TMP/e2")]"
grep -q $'\r' "$TMP/e2" && bad "--progress on a pipe draws with carriage returns" || ok
cmp -s "$TMP/o" "$TMP/o2" && ok || bad "--progress changed stdout"
json=$("$MPCRUN" "${LOCAL[@]}" --json --progress 2>/dev/null)
[ "$json" = '{"alice": {"alice_is_richer": true}, "bob": {"alice_is_richer": true}}' ] &&
    ok || bad "--json --progress: stdout is [$json]"

# Two processes: each counts every AND gate and its bytes.
run_pair y "$TMP/m.circ" --party alice --input wealth_a=5 --progress --insecure-plaintext -- \
    "$TMP/m.circ" --party bob --input wealth_b=4 --progress --insecure-plaintext
for side in a b; do
    who=$([ $side = a ] && echo alice || echo bob)
    [ "$(cat "$TMP/y.$side.rc")" = 0 ] && grep -q "^$who: done, $AND of $AND AND (100%), .*sent [1-9]" "$TMP/y.$side.err" &&
        ok || bad "two processes, $who: [$(cat "$TMP/y.$side.err")]"
done

# Three processes under N-party garbling.
"$MPCC" compile "$SRC/examples/mult3.mpc" -o "$TMP/mult3.circ" || bad "compile mult3"
AND3=$("$MPCC" stats "$TMP/mult3.circ" | awk '$1 == "and:" { print $2 }')
# Three parties in one process (--local): the first party's view.
"$MPCRUN" "$TMP/mult3.circ" --local --input p1:x1=3 --input p2:x2=4 --input p3:x3=5 --progress \
    >"$TMP/l3.out" 2>"$TMP/l3.err"
grep -q "^p1: done, $AND3 of $AND3 AND (100%), .*sent [1-9]" "$TMP/l3.err" && grep -q "^product = 60" "$TMP/l3.out" &&
    ok || bad "--local, three parties: [$(cat "$TMP/l3.out" "$TMP/l3.err")]"
parties=(p1 p2 p3)
: >"$TMP/roster"
for p in "${parties[@]}"; do
    cp "$TMP/roster" "$TMP/roster.$p"
    [ "$p" != "${parties[2]}" ] && echo "$p 127.0.0.1:0" >>"$TMP/roster.$p"
    inputs="x${p#p}=3"
    ( "$MPCRUN" "$TMP/mult3.circ" --party "$p" --parties "$TMP/roster.$p" --input "$inputs" \
        --insecure-plaintext --progress >"$TMP/$p.out" 2>"$TMP/$p.err"; echo $? >"$TMP/$p.rc" ) &
    [ "$p" = "${parties[2]}" ] && break
    port=$(wait_port "$TMP/$p.err") || { bad "$p did not listen: $(cat "$TMP/$p.err")"; break; }
    echo "$p 127.0.0.1:$port" >>"$TMP/roster"
done
wait
for p in "${parties[@]}"; do
    [ "$(cat "$TMP/$p.rc" 2>/dev/null)" = 0 ] && grep -q "^$p: done, $AND3 of $AND3 AND (100%)" "$TMP/$p.err" &&
        ok || bad "three processes, $p: [$(cat "$TMP/$p.err")]"
done
finish
