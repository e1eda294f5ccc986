# mpcrun_multiparty.sh - end to end with more than two parties: the examples
# hospitals3 (3 processes), a 4-party sum, auction5 (5 processes) and a
# 3-party program with subcircuit calls over loopback, plain TCP and TLS,
# under both protocols (bmr, the default: every party garbles; yao: two
# compute); each party prints exactly its own outputs, equal to the
# plaintext `mpcc run`; --local agrees; a party that never connects or
# drops out during set-up is named in the others' errors within the timeout.
. "$(dirname "$0")/common.bash"
EX="$MPCC_SOURCE_DIR/examples"
MPCC=${MPCC:-mpcc}

have_tls=0
if command -v openssl >/dev/null 2>&1; then
    mkdir -p "$TMP/certs"
    have_tls=1
    for p in h1 h2 h3 p1 p2 p3 q1 q2 q3 q4 b1 b2 b3 b4 b5; do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -keyout "$TMP/certs/$p.key" -out "$TMP/certs/$p.pem" -days 2 -subj "/CN=$p" \
            2>/dev/null || have_tls=0
    done
fi

# Identity keys (mpcrun keygen) of the hospitals, pinned by fingerprint in
# the roster's third column (TLS mode 2 below).
mkdir -p "$TMP/keys"
for p in h1 h2 h3; do
    "$MPCRUN" keygen "$TMP/keys/$p.key" | cut -d' ' -f1 >"$TMP/keys/$p.fp"
done

# roster FILE TLS PARTY=PORT... : writes a roster (with each party's pinned
# certificate when TLS is 1, its key's fingerprint when TLS is 2).
roster() {
    local f=$1 tls=$2; shift 2
    : >"$f"
    for pp in "$@"; do
        local p=${pp%%=*} port=${pp#*=} cert=""
        [ "$tls" = 1 ] && cert=" $TMP/certs/$p.pem"
        [ "$tls" = 2 ] && cert=" $(cat "$TMP/keys/$p.fp")"
        echo "$p 127.0.0.1:$port$cert" >>"$f"
    done
}

# mp_run TAG CIRC INPUT_PREFIX TLS GARBLER EVALUATOR OTHER... : one process
# per party; party P reads INPUT_PREFIX_P.txt. Under PROTO=yao the garbler
# and the evaluator listen on free ports (0) and the roster is written as
# they come up; under PROTO=bmr (the default) see mp_run_bmr.
# Leaves $TMP/TAG.P.{out,err,rc}.
PROTO=bmr
mp_run() {
    if [ "$PROTO" = bmr ]; then mp_run_bmr "$@"; return; fi
    local tag=$1 circ=$2 pre=$3 tls=$4; shift 4
    local all=("$@") g=$1 e=$2 pids=() p
    local extra=(--garbler-party "$g" --evaluator-party "$e" --timeout 20 --protocol yao)
    start() { # start PARTY ROSTER
        local targs=()
        [ "$tls" = 1 ] && targs=(--tls-cert "$TMP/certs/$1.pem" --tls-key "$TMP/certs/$1.key")
        [ "$tls" = 2 ] && targs=(--identity "$TMP/keys/$1.key" --stats)
        ( "$MPCRUN" "$circ" --party "$1" --parties "$2" --input-file "${pre}_$1.txt" \
              "${extra[@]}" "${targs[@]}" >"$TMP/$tag.$1.out" 2>"$TMP/$tag.$1.err"
          echo $? >"$TMP/$tag.$1.rc" ) &
        pids+=($!)
    }
    local r0=() r1=() r2=()
    for p in "${all[@]}"; do r0+=("$p=0"); done
    roster "$TMP/$tag.r0" "$tls" "${r0[@]}"
    start "$g" "$TMP/$tag.r0"
    local pg pe
    pg=$(wait_port "$TMP/$tag.$g.err") || { wait; return 1; }
    for p in "${all[@]}"; do [ "$p" = "$g" ] && r1+=("$p=$pg") || r1+=("$p=0"); done
    roster "$TMP/$tag.r1" "$tls" "${r1[@]}"
    start "$e" "$TMP/$tag.r1"
    pe=$(wait_port "$TMP/$tag.$e.err") || { wait; return 1; }
    for p in "${all[@]}"; do
        if [ "$p" = "$g" ]; then r2+=("$p=$pg"); elif [ "$p" = "$e" ]; then r2+=("$p=$pe");
        else r2+=("$p=1"); fi
    done
    roster "$TMP/$tag.r2" "$tls" "${r2[@]}"
    for p in "${all[@]:2}"; do start "$p" "$TMP/$tag.r2"; done
    wait "${pids[@]}"
}

# mp_run_bmr: the same arguments; every party garbles and EVALUATOR
# evaluates. Parties start in the program's declaration order (DECL, set by
# the caller), each listening on a free port for the parties after it, with
# a roster of the ports of those before it.
mp_run_bmr() {
    local tag=$1 circ=$2 pre=$3 tls=$4; shift 4
    local g=$1 e=$2 pids=() p port
    local extra=(--garbler-party "$g" --evaluator-party "$e" --timeout 20)
    : >"$TMP/$tag.known"
    local n=${#DECL[@]} i=0
    for p in "${DECL[@]}"; do
        i=$((i + 1))
        local targs=()
        [ "$tls" = 1 ] && targs=(--tls-cert "$TMP/certs/$p.pem" --tls-key "$TMP/certs/$p.key")
        [ "$tls" = 2 ] && targs=(--identity "$TMP/keys/$p.key" --stats)
        # the others' entries (known ports, the rest unknown: 1), ours at port 0
        local r=() q
        for q in "${DECL[@]}"; do
            port=$(sed -n "s/^$q //p" "$TMP/$tag.known")
            [ "$q" = "$p" ] && port=0
            r+=("$q=${port:-1}")
        done
        roster "$TMP/$tag.r.$p" "$tls" "${r[@]}"
        ( "$MPCRUN" "$circ" --party "$p" --parties "$TMP/$tag.r.$p" --input-file "${pre}_$p.txt" \
              "${extra[@]}" "${targs[@]}" >"$TMP/$tag.$p.out" 2>"$TMP/$tag.$p.err"
          echo $? >"$TMP/$tag.$p.rc" ) &
        pids+=($!)
        if [ $i -lt $n ]; then
            port=$(wait_port "$TMP/$tag.$p.err") || { wait; return 1; }
            echo "$p $port" >>"$TMP/$tag.known"
        fi
    done
    wait "${pids[@]}"
    grep -q "protocol bmr" "$TMP/$tag.$e.err" 2>/dev/null || [ "$tls" != 2 ] ||
        bad "$tag: --stats does not say protocol bmr: $(cat "$TMP/$tag.$e.err")"
}

# check_run TAG PLAIN_FILE PARTY... : every party exited 0 and printed exactly
# its lines of the plaintext result ("PARTY: name = value").
check_run() {
    local tag=$1 plain=$2 p; shift 2
    for p in "$@"; do
        local want got
        want=$(sed -n "s/^$p: //p" "$plain")
        got=$(cat "$TMP/$tag.$p.out" 2>/dev/null)
        if [ "$(cat "$TMP/$tag.$p.rc" 2>/dev/null)" = 0 ] && [ -n "$want" ] && [ "$got" = "$want" ]
        then ok
        else bad "$tag: party $p: want [$want] got [$got] rc $(cat "$TMP/$tag.$p.rc" 2>/dev/null): $(cat "$TMP/$tag.$p.err")"
        fi
    done
}

# check_local CIRC PLAIN_FILE INPUT_ARGS... : mpcrun --local prints the same.
check_local() {
    local circ=$1 plain=$2; shift 2
    local got want
    got=$("$MPCRUN" "$circ" --local "$@" 2>&1 | awk '/^\[/{p=substr($0,2,length($0)-2); next} {print p ": " $0}')
    want=$(cat "$plain")
    if [ "$got" = "$want" ]; then ok; else bad "--local $circ: want [$want] got [$got]"; fi
}

# example PROG PARTY... : compile, compare plaintext with the stored expected
# output, run as processes (plain, then TLS) and with --local.
example() {
    local prog=$1; shift
    local circ="$TMP/$prog.circ" plain="$TMP/$prog.plain" ins=() p
    if ! "$MPCC" compile "$EX/$prog.mpc" -o "$circ" 2>"$TMP/$prog.cerr"; then
        bad "$prog: does not compile: $(cat "$TMP/$prog.cerr")"; return
    fi
    for p in "$@"; do ins+=(--inputs "$EX/inputs/${prog}_$p.txt"); done
    "$MPCC" run "$EX/$prog.mpc" "${ins[@]}" >"$plain" 2>&1
    if cmp -s "$plain" "$EX/inputs/${prog}_expected.txt"; then ok
    else bad "$prog: plaintext run differs from examples/inputs/${prog}_expected.txt: $(cat "$plain")"; fi
    DECL=("$@")
    for PROTO in bmr yao; do
        mp_run "$prog-$PROTO" "$circ" "$EX/inputs/$prog" 0 "$@"
        check_run "$prog-$PROTO" "$plain" "$@"
        if [ "$have_tls" = 1 ]; then
            mp_run "$prog-$PROTO-tls" "$circ" "$EX/inputs/$prog" 1 "$@"
            check_run "$prog-$PROTO-tls" "$plain" "$@"
        fi
    done
    PROTO=bmr
    local fins=()
    for p in "$@"; do fins+=(--input-file "$EX/inputs/${prog}_$p.txt"); done
    check_local "$circ" "$plain" "${fins[@]}"
    check_local "$circ" "$plain" "${fins[@]}" --protocol yao
}

example hospitals3 h1 h2 h3
# The same with identity keys pinned in the roster: every link authenticated.
DECL=(h1 h2 h3)
for PROTO in bmr yao; do
    mp_run hosp-keys-$PROTO "$TMP/hospitals3.circ" "$EX/inputs/hospitals3" 2 h1 h2 h3
    check_run hosp-keys-$PROTO "$TMP/hospitals3.plain" h1 h2 h3
    grep -q "peer authenticated by: pinned key; its key $(cat "$TMP/keys/h3.fp")" "$TMP/hosp-keys-$PROTO.h1.err" && ok ||
        bad "hospitals3 with keys ($PROTO): h1 does not report h3's pinned key: $(cat "$TMP/hosp-keys-$PROTO.h1.err")"
    grep -q "^h2: protocol $PROTO$" "$TMP/hosp-keys-$PROTO.h2.err" && ok ||
        bad "hospitals3 with keys: --stats does not say protocol $PROTO: $(cat "$TMP/hosp-keys-$PROTO.h2.err")"
    # Yao with three parties says once, to every party, who could read everything.
    notes=$(grep -c "^mpcrun: note: with --protocol yao, h1 (garbler) and h2 (evaluator) compute for all 3 parties: together they could learn every party's inputs" \
            "$TMP/hosp-keys-$PROTO.h3.err")
    [ "$notes" = "$([ $PROTO = yao ] && echo 1 || echo 0)" ] && ok ||
        bad "hospitals3 ($PROTO): the trust note appears $notes times: $(cat "$TMP/hosp-keys-$PROTO.h3.err")"
done
PROTO=bmr
example mult3 p1 p2 p3
example auction5 b1 b2 b3 b4 b5

# Three parties and a circuit with subcircuits (calls and a repeated call).
cat >"$TMP/sub3.mpc" <<'EOF'
party p1, p2, p3;
const N = 12;
input p1 uint32 a[N];
input p2 uint32 b[N];
input p3 uint32 c[N];
uint64 s = 0;
for i in 0..N { s += uint64(a[i]) * uint64(b[i]) + uint64(c[i]); }
output all s;
output p2 first = uint64(a[0]) * uint64(c[0]);
EOF
echo "p1:a = [4294967295, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 4000000000]" >"$TMP/sub3_p1.txt"
echo "p2:b = [4294967295, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 3999999999]" >"$TMP/sub3_p2.txt"
echo "p3:c = [7, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 4294967295]" >"$TMP/sub3_p3.txt"
"$MPCC" compile "$TMP/sub3.mpc" --subcircuits=always -o "$TMP/sub3.circ"
if "$MPCC" stats "$TMP/sub3.circ" | grep -q '^calls: [1-9]'; then ok; else bad "sub3: no calls"; fi
"$MPCC" run "$TMP/sub3.mpc" --inputs "$TMP/sub3_p1.txt" --inputs "$TMP/sub3_p2.txt" \
    --inputs "$TMP/sub3_p3.txt" >"$TMP/sub3.plain"
DECL=(p1 p2 p3)
for PROTO in bmr yao; do
    mp_run sub3-$PROTO "$TMP/sub3.circ" "$TMP/sub3" 0 p1 p2 p3
    check_run sub3-$PROTO "$TMP/sub3.plain" p1 p2 p3
done
PROTO=bmr

# Four parties, the computing pair not the first two declared.
cat >"$TMP/sum4.mpc" <<'EOF'
party q1, q2, q3, q4;
input q1 uint16 a;
input q2 uint16 b;
input q3 uint16 c;
input q4 uint32 d;
output all total = uint32(a) + uint32(b) + uint32(c) + d;
output q4 max_ab = a > b ? a : b;
output q1, q3 c_gt_d = uint32(c) > d;
EOF
echo "q1:a = 65535" >"$TMP/sum4_q1.txt"; echo "q2:b = 17" >"$TMP/sum4_q2.txt"
echo "q3:c = 40000" >"$TMP/sum4_q3.txt"; echo "q4:d = 4000000000" >"$TMP/sum4_q4.txt"
"$MPCC" compile "$TMP/sum4.mpc" -o "$TMP/sum4.circ"
"$MPCC" run "$TMP/sum4.mpc" --inputs "$TMP/sum4_q1.txt" --inputs "$TMP/sum4_q2.txt" \
    --inputs "$TMP/sum4_q3.txt" --inputs "$TMP/sum4_q4.txt" >"$TMP/sum4.plain"
DECL=(q1 q2 q3 q4)
for PROTO in bmr yao; do
    mp_run sum4-$PROTO "$TMP/sum4.circ" "$TMP/sum4" 0 q3 q2 q1 q4
    check_run sum4-$PROTO "$TMP/sum4.plain" q1 q2 q3 q4
    if [ "$have_tls" = 1 ]; then
        mp_run sum4-$PROTO-tls "$TMP/sum4.circ" "$TMP/sum4" 1 q3 q2 q1 q4
        check_run sum4-$PROTO-tls "$TMP/sum4.plain" q1 q2 q3 q4
    fi
done
PROTO=bmr

# A party that never connects (q4 of the 4-party program): the garbler, the
# evaluator and the other input party all name it, within the timeout.
start=$(date +%s)
S4="$TMP/sum4.circ"
nc_party() { # nc_party NAME ROSTER_ARGS...
    local p=$1; shift
    ( "$MPCRUN" "$S4" --party "$p" "$@" --input-file "$TMP/sum4_$p.txt" --timeout 3 \
          --garbler-party q3 --evaluator-party q2 --protocol "$NC_PROTO" \
          >"$TMP/nc.$p.out" 2>"$TMP/nc.$p.err"
      echo $? >"$TMP/nc.$p.rc" ) &
}
# bmr: q1, q2 and q3 listen for the parties after them; q4 never comes.
NC_PROTO=bmr
nc_party q1 --peer q1=127.0.0.1:0
p1=$(wait_port "$TMP/nc.q1.err")
nc_party q2 --peer q1=127.0.0.1:$p1 --peer q2=127.0.0.1:0
p2=$(wait_port "$TMP/nc.q2.err")
nc_party q3 --peer q1=127.0.0.1:$p1 --peer q2=127.0.0.1:$p2 --peer q3=127.0.0.1:0
wait
for p in q1 q2 q3; do
    if [ "$(cat "$TMP/nc.$p.rc")" != 0 ] && grep -q "party 'q4' never connected" "$TMP/nc.$p.err" &&
       [ ! -s "$TMP/nc.$p.out" ]; then ok
    else bad "never connected (bmr): $p: $(cat "$TMP/nc.$p.err")"; fi
done
NC_PROTO=yao
nc_party q3 --peer q3=127.0.0.1:0
pg=$(wait_port "$TMP/nc.q3.err")
nc_party q2 --peer q3=127.0.0.1:$pg --peer q2=127.0.0.1:0
pe=$(wait_port "$TMP/nc.q2.err")
nc_party q1 --peer q3=127.0.0.1:$pg --peer q2=127.0.0.1:$pe
wait
for p in q1 q2 q3; do
    if [ "$(cat "$TMP/nc.$p.rc")" != 0 ] && grep -q "party 'q4' never connected" "$TMP/nc.$p.err" &&
       [ ! -s "$TMP/nc.$p.out" ]; then ok
    else bad "never connected: $p: $(cat "$TMP/nc.$p.err")"; fi
done
if [ $(( $(date +%s) - start )) -le 12 ]; then ok; else bad "never connected: took too long"; fi

H="$TMP/hospitals3.circ"
# A party that connects, names itself, and drops out before its handshake:
# both computing parties end with an error naming it.
( "$MPCRUN" "$H" --party h1 --peer h1=127.0.0.1:0 --input-file "$EX/inputs/hospitals3_h1.txt" \
      --timeout 4 >"$TMP/dc.h1.out" 2>"$TMP/dc.h1.err"; echo $? >"$TMP/dc.h1.rc" ) &
pg=$(wait_port "$TMP/dc.h1.err")
( "$MPCRUN" "$H" --party h2 --peer h1=127.0.0.1:$pg --peer h2=127.0.0.1:0 \
      --input-file "$EX/inputs/hospitals3_h2.txt" --timeout 4 \
      >"$TMP/dc.h2.out" 2>"$TMP/dc.h2.err"; echo $? >"$TMP/dc.h2.rc" ) &
pe=$(wait_port "$TMP/dc.h2.err")
sleep 0.5
# The WHO frame (type 0x4d500001, length 2, "h3"), then hang up after the answer.
if exec 3<>"/dev/tcp/127.0.0.1/$pg"; then
    printf '\001\000\120\115\002\000\000\000h3' >&3
    head -c 1 <&3 >/dev/null
    exec 3>&-
fi
wait
for p in h1 h2; do
    if [ "$(cat "$TMP/dc.$p.rc")" != 0 ] && grep -q "'h3'" "$TMP/dc.$p.err" &&
       [ ! -s "$TMP/dc.$p.out" ]; then ok
    else bad "dropped out: $p: $(cat "$TMP/dc.$p.err")"; fi
done

# Configuration disagreement: every party checks who garbles and evaluates.
( "$MPCRUN" "$H" --party h1 --peer h1=127.0.0.1:0 --input-file "$EX/inputs/hospitals3_h1.txt" \
      --timeout 4 --protocol yao >"$TMP/cf.h1.out" 2>"$TMP/cf.h1.err"; echo $? >"$TMP/cf.h1.rc" ) &
pg=$(wait_port "$TMP/cf.h1.err")
# h3 believes h2 garbles (and finds h1 at h2's address): both sides refuse.
out=$("$MPCRUN" "$H" --party h3 --peer h2=127.0.0.1:$pg --peer h1=127.0.0.1:1 \
      --garbler-party h2 --evaluator-party h1 --input-file "$EX/inputs/hospitals3_h3.txt" \
      --timeout 4 --protocol yao 2>&1)
wait
want="run configuration mismatch: we have garbler 'h1' and evaluator 'h2', party 'h3' has garbler 'h2' and evaluator 'h1'"
if echo "$out" | grep -q "run configuration mismatch: we have garbler 'h2' and evaluator 'h1'" &&
   grep -qF "$want" "$TMP/cf.h1.err"; then ok
else bad "configuration mismatch: $out / $(cat "$TMP/cf.h1.err")"; fi
# Role conflicts with a full roster are reported at once by every party,
# not after the timeout (issue 19): two parties swapping the roles (each
# would have listened for the other), and three under yao, where h1 hears
# of the conflict only from h2.
"$MPCC" compile "$EX/millionaires.mpc" -o "$TMP/mill2.circ" || bad "compile millionaires"
( "$MPCRUN" "$TMP/mill2.circ" --party alice --peer alice=127.0.0.1:0 --input wealth_a=5 \
      --timeout 8 >"$TMP/rc2.a.out" 2>"$TMP/rc2.a.err"; echo $? >"$TMP/rc2.a.rc" ) &
pa=$(wait_port "$TMP/rc2.a.err")
start=$SECONDS
out=$("$MPCRUN" "$TMP/mill2.circ" --party bob --peer alice=127.0.0.1:$pa --peer bob=127.0.0.1:0 \
      --input wealth_b=3 --garbler-party bob --timeout 8 2>&1)
wait
if [ $((SECONDS - start)) -le 3 ] && [ "$(cat "$TMP/rc2.a.rc")" != 0 ] &&
   echo "$out" | grep -q "run configuration mismatch: we have garbler 'bob' and evaluator 'alice'" &&
   grep -q "run configuration mismatch: we have garbler 'alice' and evaluator 'bob'" "$TMP/rc2.a.err"; then ok
else bad "two parties swapping roles ($((SECONDS - start)) s): $out / $(cat "$TMP/rc2.a.err")"; fi
start=$SECONDS
( "$MPCRUN" "$H" --party h1 --peer h1=127.0.0.1:0 --input-file "$EX/inputs/hospitals3_h1.txt" \
      --timeout 8 --protocol yao >"$TMP/rc3.h1.out" 2>"$TMP/rc3.h1.err"; echo $? >"$TMP/rc3.h1.rc" ) &
p1=$(wait_port "$TMP/rc3.h1.err")
( "$MPCRUN" "$H" --party h2 --peer h1=127.0.0.1:$p1 --peer h2=127.0.0.1:0 \
      --input-file "$EX/inputs/hospitals3_h2.txt" --timeout 8 --protocol yao \
      >"$TMP/rc3.h2.out" 2>"$TMP/rc3.h2.err"; echo $? >"$TMP/rc3.h2.rc" ) &
p2=$(wait_port "$TMP/rc3.h2.err")
"$MPCRUN" "$H" --party h3 --peer h1=127.0.0.1:$p1 --peer h2=127.0.0.1:$p2 \
    --garbler-party h2 --evaluator-party h1 --input-file "$EX/inputs/hospitals3_h3.txt" \
    --timeout 8 --protocol yao >"$TMP/rc3.h3.out" 2>"$TMP/rc3.h3.err"; echo $? >"$TMP/rc3.h3.rc"
wait
all=1
for q in h1 h2 h3; do
    [ "$(cat "$TMP/rc3.$q.rc")" != 0 ] && [ ! -s "$TMP/rc3.$q.out" ] &&
        grep -q "run configuration mismatch" "$TMP/rc3.$q.err" || all=0
done
[ $all = 1 ] && [ $((SECONDS - start)) -le 4 ] && grep -q "stopped the run" "$TMP/rc3.h1.err" && ok ||
    bad "three parties, yao, h3 disagreeing ($((SECONDS - start)) s): $(cat "$TMP/rc3.h1.err" "$TMP/rc3.h2.err" "$TMP/rc3.h3.err")"
# Protocol disagreement: h1 runs yao, h2 the default (bmr): both refuse.
( "$MPCRUN" "$H" --party h1 --peer h1=127.0.0.1:0 --input-file "$EX/inputs/hospitals3_h1.txt" \
      --timeout 4 --protocol yao >"$TMP/pm.h1.out" 2>"$TMP/pm.h1.err"; echo $? >"$TMP/pm.h1.rc" ) &
pg=$(wait_port "$TMP/pm.h1.err")
out=$("$MPCRUN" "$H" --party h2 --peer h1=127.0.0.1:$pg --peer h2=127.0.0.1:0 \
      --input-file "$EX/inputs/hospitals3_h2.txt" --timeout 4 2>&1)
wait
if echo "$out" | grep -q "run configuration mismatch: we run protocol bmr, party 'h1' runs yao" &&
   grep -q "we run protocol yao, party 'h2' runs bmr" "$TMP/pm.h1.err"; then ok
else bad "protocol mismatch: $out / $(cat "$TMP/pm.h1.err")"; fi

# The README demo: three hospitals as separate processes.
if [ -n "${MPCC_BINARY_DIR:-}" ] && [ -x "$MPCC_BINARY_DIR/mpcrun" ]; then
    out=$("$EX/demo.sh" "$MPCC_BINARY_DIR" 2>&1)
    rc=$?
    want=$(printf '[h1]\ncohort_size = 8\nmean_age = 57\n[h2]\ncohort_size = 8\nmean_age = 57\n[h3]\ncohort_size = 8\nmean_age = 57')
    if [ $rc = 0 ] && [ "$out" = "$want" ]; then ok; else bad "demo.sh (rc $rc): $out"; fi
fi

# Roster errors before any traffic.
printf 'h1 127.0.0.1:1\nh2\n' >"$TMP/bad.roster"
out=$("$MPCRUN" "$H" --party h3 --parties "$TMP/bad.roster" \
      --input-file "$EX/inputs/hospitals3_h3.txt" 2>&1)
if [ $? != 0 ] && echo "$out" | grep -q "bad.roster:2: expected 'NAME HOST:PORT \[CERT.pem | SHA256:FINGERPRINT\]'"
then ok; else bad "bad roster: $out"; fi

finish
