# mpcrun_program.sh - end to end: compiled programs (examples/millionaires,
# dot_product, hospitals2, the two programs of issue 13, two programs with
# subcircuit calls and 20 random programs) run by two real mpcrun
# processes over loopback; outputs must equal `mpcc run`'s plaintext results,
# and each party must print ONLY the outputs addressed to it. Also --local,
# --json and --input-file. Failure cases live in mpcrun_faults.sh.
. "$(dirname "$0")/common.bash"
EX="$MPCC_SOURCE_DIR/examples"

# compile NAME.mpc OUT.circ: fails the test (and returns 1) when mpcc refuses.
compile() {
    if "$MPCC" compile "$1" -o "$2" 2>"$TMP/compile.err"; then return 0; fi
    bad "mpcc compile $1: $(cat "$TMP/compile.err")"
    return 1
}
# expect_pair NAME WANT_A WANT_B: both exited 0 with exactly these stdouts,
# and nothing on stderr but the listener's port line (so no sanitizer report).
expect_pair() {
    local n=$1
    if [ "$(cat "$TMP/$n.a.rc")" = 0 ] && [ "$(cat "$TMP/$n.b.rc")" = 0 ] &&
       [ "$(cat "$TMP/$n.a.out")" = "$2" ] && [ "$(cat "$TMP/$n.b.out")" = "$3" ] &&
       [ -z "$(grep -v '^mpcrun: listening on port' "$TMP/$n.a.err")" ] &&
       [ ! -s "$TMP/$n.b.err" ]; then
        ok
    else
        bad "$n: want [$2] / [$3], got [$(cat "$TMP/$n.a.out")] / [$(cat "$TMP/$n.b.out")]" \
            "rc $(cat "$TMP/$n.a.rc") / $(cat "$TMP/$n.b.rc"):" \
            "$(cat "$TMP/$n.a.err" "$TMP/$n.b.err")"
    fi
}

# ---- millionaires: both learn the comparison.
compile "$EX/millionaires.mpc" "$TMP/mill.circ"
k=0
for case in "1200000 950000 true" "5 5 false" "0 18446744073709551615 false" \
            "18446744073709551615 18446744073709551614 true"; do
    set -- $case
    k=$((k + 1))
    run_pair mill$k "$TMP/mill.circ" --party alice --input "wealth_a=$1" --timeout 20 -- \
                    "$TMP/mill.circ" --party bob --input "wealth_b=$2" --timeout 20
    expect_pair mill$k "alice_is_richer = $3" "alice_is_richer = $3"
done

# Roles swapped (bob garbles) and the listener/connector swapped.
run_pair millsw "$TMP/mill.circ" --party bob --garbler --input wealth_b=7 --timeout 20 -- \
                "$TMP/mill.circ" --party alice --evaluator --input wealth_a=8 --timeout 20
expect_pair millsw "alice_is_richer = true" "alice_is_richer = true"

# --json on one side only.
run_pair millj "$TMP/mill.circ" --party alice --input wealth_a=1 --timeout 20 -- \
               "$TMP/mill.circ" --party bob --input wealth_b=2 --json --timeout 20
expect_pair millj "alice_is_richer = false" '{"alice_is_richer": false}'

# ---- dot product: only the insurer learns the total; the pharmacy prints nothing.
compile "$EX/dot_product.mpc" "$TMP/dot.circ"
for k in 1 2 3; do
    prices=() qty=() total=0
    for i in 0 1 2 3 4 5 6 7; do
        p=$(( (RANDOM << 17 | RANDOM << 2 | RANDOM & 3) & 0xffffffff ))
        q=$(( (RANDOM << 1 | RANDOM & 1) & 0xffff ))
        [ $k = 3 ] && { p=4294967295; q=65535; }
        prices+=("$p"); qty+=("$q")
        total=$((total + p * q))
    done
    pl=$(IFS=,; echo "[${prices[*]}]"); ql=$(IFS=,; echo "[${qty[*]}]")
    run_pair dot$k "$TMP/dot.circ" --party pharmacy --input "price=$pl" --timeout 20 -- \
                   "$TMP/dot.circ" --party insurer --input "quantity=$ql" --timeout 20
    expect_pair dot$k "" "total = $total"
done

# ---- hospitals2: structs and arrays, inputs from files, outputs to all / one party.
compile "$EX/hospitals2.mpc" "$TMP/hosp.circ"
run_pair hosp "$TMP/hosp.circ" --party clinic --input-file "$EX/inputs/hospitals2_clinic.txt" -- \
              "$TMP/hosp.circ" --party general --input-file "$EX/inputs/hospitals2_general.txt"
expect_pair hosp "joint = 4
clinic_older = true" "joint = 4
busiest = 40"
# The same with one value on the command line and a different threshold.
grep -v min_age "$EX/inputs/hospitals2_general.txt" >"$TMP/general_nomin.inputs"
run_pair hosp2 "$TMP/hosp.circ" --party clinic --input-file "$EX/inputs/hospitals2_clinic.txt" -- \
               "$TMP/hosp.circ" --party general --input-file "$TMP/general_nomin.inputs" \
               --input min_age=50
expect_pair hosp2 "joint = 6
clinic_older = true" "joint = 6
busiest = 40"

# ---- --local: both parties in one process, text and JSON.
out=$("$MPCRUN" "$TMP/hosp.circ" --local --input-file "$EX/inputs/hospitals2_clinic.txt" \
      --input-file "$EX/inputs/hospitals2_general.txt" 2>&1)
want="[clinic]
joint = 4
clinic_older = true
[general]
joint = 4
busiest = 40"
if [ "$out" = "$want" ]; then ok; else bad "--local: want [$want] got [$out]"; fi
out=$("$MPCRUN" "$TMP/mill.circ" --local --json --input alice:wealth_a=3 --input bob:wealth_b=2 2>&1)
if [ "$out" = '{"alice": {"alice_is_richer": true}, "bob": {"alice_is_richer": true}}' ]
then ok; else bad "--local --json: got [$out]"; fi
if command -v python3 >/dev/null; then
    if echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["bob"]["alice_is_richer"] is True'
    then ok; else bad "--local --json is not the expected JSON: [$out]"; fi
fi
out=$("$MPCRUN" "$TMP/dot.circ" --local --input 'pharmacy:price=[1,2,3,4,5,6,7,8]' \
      --input 'insurer:quantity=[8,7,6,5,4,3,2,1]' 2>&1)
if [ "$out" = "[pharmacy]
[insurer]
total = 120" ]; then ok; else bad "--local dot product: got [$out]"; fi

# ---- issue 13: types that once depended on constant folding, garbled.
cat >"$TMP/t1.mpc" <<'EOF2'
party p, q;
input p uint16 x0;
input q int64 x1;
output all o1 = (((uint33(x0) ^ 3577489051) < (uint33(x1) & 1)) ? ((uint33(x1) % (uint33(x1) | 1)) * 5) : 5855337761);
EOF2
cat >"$TMP/t2.mpc" <<'EOF2'
party p, q;
input p uint8 x0;
input q uint64 x1;
input p int13 x2;
output all o2 = ((~((uint100(x2) > 1267650600228229401496703205375) ? uint32(x2) : 0)) & ((uint32(x1) % (uint32(x1) | 1)) << 9));
EOF2
if compile "$TMP/t1.mpc" "$TMP/t1.circ" && compile "$TMP/t2.mpc" "$TMP/t2.circ"; then
    run_pair t1 "$TMP/t1.circ" --party p --input x0=45554 --timeout 20 -- \
                "$TMP/t1.circ" --party q --input x1=9126734221732621843 --timeout 20
    expect_pair t1 "o1 = 5855337761" "o1 = 5855337761"
    run_pair t2 "$TMP/t2.circ" --party p --input x0=52 --input x2=4093 --timeout 20 -- \
                "$TMP/t2.circ" --party q --input x1=209642591431368979 --timeout 20
    expect_pair t2 "o2 = 0" "o2 = 0"
fi

# ---- programs with subcircuits: an inner product past the automatic
# threshold (one multiplier called 40 times) and a loop that stays a loop in
# the file (one call repeated 300 times); garbled == plaintext.
printf 'party a, b;\nconst N = 40;\ninput a uint64 x[N];\ninput b uint64 y[N];\nuint64 s = 0;\nfor i in 0..N { s += x[i] * y[i]; }\noutput all s;\n' >"$TMP/ip.mpc"
printf 'party a, b;\ninput a uint64 x[16];\ninput b uint64 y[16];\nuint64 s = 1;\nfor i in 0..300 { s = s * x[i %% 16] + y[i %% 16]; }\noutput all s;\noutput b low = uint8(s);\n' >"$TMP/loop.mpc"
for prog in ip loop; do
    compile "$TMP/$prog.mpc" "$TMP/$prog.circ" || continue
    n=$([ $prog = ip ] && echo 40 || echo 16)
    xs=() ys=()
    for ((i = 0; i < n; i++)); do
        xs+=($(( (RANDOM << 45 | RANDOM << 30 | RANDOM << 15 | RANDOM) ))); ys+=($(( (RANDOM << 15 | RANDOM) )))
    done
    xl=$(IFS=,; echo "[${xs[*]}]"); yl=$(IFS=,; echo "[${ys[*]}]")
    calls=$("$MPCC" stats "$TMP/$prog.circ" | awk '$1 == "calls:" { print $2 }')
    [ -n "$calls" ] && [ "$calls" -gt 0 ] && ok || bad "$prog: the circuit has no calls"
    plain=$("$MPCC" run "$TMP/$prog.circ" --input "a:x=$xl" --input "b:y=$yl" 2>&1)
    want_a=$(sed -n 's/^a: //p' <<<"$plain") want_b=$(sed -n 's/^b: //p' <<<"$plain")
    [ -n "$want_a" ] || bad "$prog: plaintext run failed: $plain"
    run_pair "sub$prog" "$TMP/$prog.circ" --party a --input "x=$xl" --timeout 30 -- \
                        "$TMP/$prog.circ" --party b --input "y=$yl" --timeout 30
    expect_pair "sub$prog" "$want_a" "$want_b"
done

# ---- random programs: two parties, typed inputs, arithmetic / comparison /
# mux expressions, outputs to all or to one party; mpcrun == mpcc run.
ITYPES=(uint8 uint16 uint32 int8 int16 bool)
OTYPES=(uint8 uint16 uint32 int8 int16 int32)
OPS=('+' '-' '*' '&' '|' '^' '/' '%' '+' '-' '*' '^')
RELS=('<' '<=' '>' '>=' '==' '!=')
NAMES=()
# gen_int T DEPTH: sets G to an expression of type T (no subshells, so that
# RANDOM=seed makes the programs reproducible).
pick() { G=${NAMES[$((RANDOM % ${#NAMES[@]}))]}; }
gen_int() {
    local t=$1 d=$2 r=$((RANDOM % 10)) x y c
    if [ "$d" -le 0 ] || [ $r -lt 3 ]; then
        if [ $((RANDOM % 4)) = 0 ]; then
            if [ "${t:0:1}" = i ] && [ $((RANDOM % 2)) = 0 ]; then G="$t(-$((RANDOM % 99 + 1)))"
            else G="$t($((RANDOM % 99 + 1)))"; fi
        else
            pick; G="$t($G)"
        fi
    elif [ $r -lt 7 ]; then
        gen_int "$t" $((d - 1)); x=$G
        gen_int "$t" $((d - 1)); y=$G
        G="($x ${OPS[$((RANDOM % ${#OPS[@]}))]} $y)"
    elif [ $r -lt 8 ]; then
        gen_int "$t" $((d - 1)); x=$G
        if [ $((RANDOM % 2)) = 0 ]; then G="($x << $((RANDOM % 9)))"
        else pick; G="($x >> (uint8($G) & 15))"; fi
    else
        gen_bool $((d - 1)); c=$G
        gen_int "$t" $((d - 1)); x=$G
        gen_int "$t" $((d - 1)); y=$G
        G="($c ? $x : $y)"
    fi
}
gen_bool() {
    local d=$1 t=${OTYPES[$((RANDOM % ${#OTYPES[@]}))]} x y
    case $((RANDOM % 5)) in
        0) if [ "$d" -gt 0 ]; then
               gen_bool $((d - 1)); x=$G; gen_bool $((d - 1)); G="($x && $G)"
           else
               gen_int "$t" 0; x=$G; gen_int "$t" 0; G="($x != $G)"
           fi ;;
        1) gen_int "$t" "$d"; x=$G; gen_int "$t" "$d"; G="!($x ${RELS[$((RANDOM % 6))]} $G)" ;;
        *) gen_int "$t" "$d"; x=$G; gen_int "$t" "$d"; G="($x ${RELS[$((RANDOM % 6))]} $G)" ;;
    esac
}
# gen_value T: sets V to a random value of input type T (edge values often).
gen_value() {
    local edge
    case $1 in
        uint8) edge=(0 1 255); V=$((RANDOM % 256)) ;;
        uint16) edge=(0 65535 32768); V=$(( (RANDOM << 1 | RANDOM & 1) & 0xffff )) ;;
        uint32) edge=(0 4294967295 2147483648); V=$(( (RANDOM << 17 | RANDOM << 2 | RANDOM & 3) & 0xffffffff )) ;;
        int8) edge=(-128 127 -1 0); V=$((RANDOM % 256 - 128)) ;;
        int16) edge=(-32768 32767 -1); V=$(( (RANDOM << 1 | RANDOM & 1) - 32768 )) ;;
        bool) edge=(true false); V=${edge[$((RANDOM % 2))]} ;;
    esac
    [ $((RANDOM % 4)) = 0 ] && V=${edge[$((RANDOM % ${#edge[@]}))]}
    return 0
}
RANDOM=4242 # reproducible programs
for ((n = 1; n <= 20; n++)); do
    f="$TMP/r$n.mpc"
    NAMES=()
    a_in=() b_in=() plain=()
    {
        echo "// random program $n"
        echo "party p1, p2;"
        for p in p1 p2; do
            ni=$((1 + RANDOM % 3))
            for ((i = 0; i < ni; i++)); do
                t=${ITYPES[$((RANDOM % ${#ITYPES[@]}))]}
                nm="${p}_x$i"
                echo "input $p $t $nm;"
                NAMES+=("$nm")
                gen_value "$t"; v=$V
                if [ $p = p1 ]; then a_in+=(--input "$nm=$v"); else b_in+=(--input "$nm=$v"); fi
                plain+=(--input "$p:$nm=$v")
            done
        done
        no=$((1 + RANDOM % 3))
        for ((o = 0; o < no; o++)); do
            case $((RANDOM % 4)) in 0) to=all ;; 1) to=p1 ;; 2) to=p2 ;; 3) to="p2, p1" ;; esac
            if [ $((RANDOM % 4)) = 0 ]; then gen_bool 2
            else gen_int "${OTYPES[$((RANDOM % ${#OTYPES[@]}))]}" 3; fi
            echo "output $to out$o = $G;"
        done
    } >"$f"
    if ! compile "$f" "$TMP/r$n.circ"; then cat "$f" >&2; continue; fi
    if ! "$MPCC" run "$TMP/r$n.circ" "${plain[@]}" >"$TMP/r$n.plain" 2>"$TMP/r$n.plain.err"; then
        bad "mpcc run r$n: $(cat "$TMP/r$n.plain.err")"; cat "$f" >&2; continue
    fi
    want_a=$(sed -n 's/^p1: //p' "$TMP/r$n.plain")
    want_b=$(sed -n 's/^p2: //p' "$TMP/r$n.plain")
    # Odd programs: p2 garbles (and listens); even: the defaults.
    if [ $((n % 2)) = 1 ]; then
        run_pair r$n "$TMP/r$n.circ" --party p1 "${a_in[@]}" --timeout 20 -- \
                     "$TMP/r$n.circ" --party p2 "${b_in[@]}" --timeout 20
        before=$FAIL
        expect_pair r$n "$want_a" "$want_b"
    else
        run_pair r$n "$TMP/r$n.circ" --party p2 --garbler "${b_in[@]}" --timeout 20 -- \
                     "$TMP/r$n.circ" --party p1 --evaluator "${a_in[@]}" --timeout 20
        before=$FAIL
        expect_pair r$n "$want_b" "$want_a"
    fi
    # The same program with both parties in one process (--local).
    want_l="[p1]"; [ -n "$want_a" ] && want_l+=$'\n'"$want_a"
    want_l+=$'\n'"[p2]"; [ -n "$want_b" ] && want_l+=$'\n'"$want_b"
    out=$("$MPCRUN" "$TMP/r$n.circ" --local "${plain[@]}" 2>&1)
    if [ "$out" = "$want_l" ]; then ok; else bad "r$n --local: want [$want_l] got [$out]"; fi
    [ "$FAIL" != "$before" ] && { echo "program r$n:" >&2; cat "$f" >&2; echo "inputs: ${plain[*]}" >&2; }
done

# A listener whose peer never comes names it (not '?').
"$MPCRUN" "$TMP/mill.circ" --party alice --listen 127.0.0.1:0 --timeout 1 --input wealth_a=1 \
    >/dev/null 2>"$TMP/lonely.err"
rc=$?
[ "$rc" = 1 ] && grep -q "party 'bob' never connected (waited 1 s)" "$TMP/lonely.err" &&
    ok || bad "lonely listener: rc $rc, [$(cat "$TMP/lonely.err")]"
finish
