# mpcrun_faults.sh - failure cases of two-party mpcrun runs: different
# programs, bad inputs (refused before any network traffic), a peer killed or
# cut off during OT and during garbling (through tests/tools/faultproxy),
# flipped / dropped / duplicated bytes, a silent peer, a port in use. Each must
# end with a clear message and a non-zero exit within the timeout, and (in the
# sanitizer build) without any LeakSanitizer/AddressSanitizer/UBSan report.
. "$(dirname "$0")/common.bash"
EX="$MPCC_SOURCE_DIR/examples"
B="$MPCC_SHARED_DIR/circuits/bristol"
SAN_RE='LeakSanitizer|AddressSanitizer|runtime error'

# san_clean FILE...: true when no sanitizer report is in the files.
san_clean() { ! grep -qE "$SAN_RE" "$@" 2>/dev/null; }
rc_of() { cat "$TMP/$1.rc" 2>/dev/null || echo missing; }

# run_proxy NAME 'PROXY ARGS' LISTENER_ARGS... -- CONNECTOR_ARGS...
# Like run_pair, but the connector reaches the listener through faultproxy.
# Leaves $TMP/NAME.{a,b,p}.{out,err}, NAME.{a,b}.rc and NAME.secs (wall time
# from the connector's start until all three processes ended).
run_proxy() {
    local name=$1 pargs=$2; shift 2
    local a=() b=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do a+=("$1"); shift; done
    shift
    b=("$@")
    ( "$MPCRUN" "${a[@]}" --listen 127.0.0.1:0 >"$TMP/$name.a.out" 2>"$TMP/$name.a.err"
      echo $? >"$TMP/$name.a.rc" ) &
    local apid=$! port pport
    port=$(wait_port "$TMP/$name.a.err") || { wait $apid; echo 99 >"$TMP/$name.b.rc"; return 1; }
    # shellcheck disable=SC2086
    "$FAULTPROXY" --target "127.0.0.1:$port" $pargs --max-seconds 60 2>"$TMP/$name.p.err" &
    local ppid=$!
    pport=$(wait_port "$TMP/$name.p.err") || { kill $apid $ppid; wait; echo 99 >"$TMP/$name.b.rc"; return 1; }
    local start=$SECONDS
    "$MPCRUN" "${b[@]}" --connect "127.0.0.1:$pport" >"$TMP/$name.b.out" 2>"$TMP/$name.b.err"
    echo $? >"$TMP/$name.b.rc"
    wait $apid
    wait $ppid
    echo $((SECONDS - start)) >"$TMP/$name.secs"
}

# both_fail NAME MAX_SECONDS PATTERN_A PATTERN_B: both parties exited non-zero
# within MAX_SECONDS, printed nothing on stdout, their messages match the
# (grep -E) patterns, and no sanitizer report.
both_fail() {
    local n=$1 max=$2
    if [ "$(rc_of $n.a)" != 0 ] && [ "$(rc_of $n.a)" != 99 ] && [ "$(rc_of $n.b)" != 0 ] &&
       [ "$(rc_of $n.b)" != 99 ] &&
       [ "$(cat "$TMP/$n.secs" 2>/dev/null || echo 0)" -le "$max" ] &&
       [ ! -s "$TMP/$n.a.out" ] && [ ! -s "$TMP/$n.b.out" ] &&
       grep -qE "$3" "$TMP/$n.a.err" && grep -qE "$4" "$TMP/$n.b.err" &&
       san_clean "$TMP/$n.a.err" "$TMP/$n.b.err"; then
        ok
    else
        bad "$n: rc $(rc_of $n.a)/$(rc_of $n.b) in $(cat "$TMP/$n.secs" 2>/dev/null)s," \
            "out [$(cat "$TMP/$n.a.out" "$TMP/$n.b.out")]: $(cat "$TMP/$n.a.err" "$TMP/$n.b.err" \
            "$TMP/$n.p.err" 2>/dev/null)"
    fi
}

if ! "$MPCC" compile "$EX/millionaires.mpc" -o "$TMP/mill.circ" 2>"$TMP/c.err" ||
   ! "$MPCC" compile "$EX/hospitals2.mpc" -o "$TMP/hosp.circ" 2>>"$TMP/c.err"; then
    bad "mpcc compile: $(cat "$TMP/c.err")"; finish; exit
fi

# ---- the two parties run different programs: both refuse in the handshake.
sed 's/wealth_a > wealth_b/wealth_a >= wealth_b/' "$EX/millionaires.mpc" >"$TMP/mill2.mpc"
"$MPCC" compile "$TMP/mill2.mpc" -o "$TMP/mill2.circ" 2>"$TMP/c.err" || bad "compile mill2: $(cat "$TMP/c.err")"
start=$SECONDS
run_pair diff "$TMP/mill.circ" --party alice --input wealth_a=1 --timeout 20 -- \
              "$TMP/mill2.circ" --party bob --input wealth_b=2 --timeout 20
echo $((SECONDS - start)) >"$TMP/diff.secs"
both_fail diff 10 "circuit mismatch" "circuit mismatch.*same compiled program"

# Both processes claim to be alice; both want to garble.
start=$SECONDS
run_pair names "$TMP/mill.circ" --party alice --input wealth_a=1 --timeout 20 -- \
               "$TMP/mill.circ" --party alice --input wealth_a=2 --timeout 20
echo $((SECONDS - start)) >"$TMP/names.secs"
both_fail names 10 "peer 'bob' .* says it is party 'alice', but we expect party 'bob'" \
                   "peer 'bob' .* says it is party 'alice', but we expect party 'bob'"
start=$SECONDS
run_pair roles "$TMP/mill.circ" --party alice --garbler --input wealth_a=1 --timeout 20 -- \
               "$TMP/mill.circ" --party bob --garbler --input wealth_b=2 --timeout 20
echo $((SECONDS - start)) >"$TMP/roles.secs"
both_fail roles 10 "role conflict: we are the garbler and peer 'bob' .* also wants to be the garbler" \
                   "role conflict: we are the garbler and peer 'alice' .* also wants to be the garbler"

# ---- input problems: refused before any network traffic, even when nothing
# listens at the --connect address (no retrying for 30 s), and a --listen
# party does not even open its port.
check_input_error() {
    local what=$1 want=$2; shift 2
    local start=$SECONDS out rc
    out=$("$MPCRUN" "$@" --connect 127.0.0.1:1 --timeout 30 2>&1); rc=$?
    if [ $rc != 0 ] && [ $((SECONDS - start)) -le 3 ] && echo "$out" | grep -qF -- "$want" &&
       san_clean <(echo "$out"); then ok
    else bad "$what (connect): rc=$rc after $((SECONDS - start))s: [$out], want [$want]"; fi
    out=$("$MPCRUN" "$@" --listen 127.0.0.1:0 --timeout 30 2>&1); rc=$?
    if [ $rc != 0 ] && ! echo "$out" | grep -q "listening" && echo "$out" | grep -qF -- "$want"
    then ok; else bad "$what (listen): rc=$rc [$out]"; fi
}
M=("$TMP/mill.circ" --party alice)
check_input_error missing "missing input 'wealth_a' (party alice)" "${M[@]}"
check_input_error unknown "unknown input 'zz' (inputs of alice: wealth_a)" "${M[@]}" --input zz=1
check_input_error mistyped "input 'wealth_a': column 10: expected a uint64 value, found 'abc'" \
                  "${M[@]}" --input wealth_a=abc
check_input_error negative "value -1 does not fit in uint64 (0..18446744073709551615)" \
                  "${M[@]}" --input wealth_a=-1
check_input_error too_big "value 18446744073709551616 does not fit in uint64" \
                  "${M[@]}" --input wealth_a=18446744073709551616
check_input_error foreign "input 'wealth_b' belongs to party bob, not alice" \
                  "${M[@]}" --input wealth_b=5
check_input_error foreign_prefix "'bob:...' gives an input of party bob, not alice" \
                  "${M[@]}" --input bob:wealth_b=5
check_input_error twice "input 'wealth_a' given twice" "${M[@]}" --input wealth_a=1 --input wealth_a=2
check_input_error no_value "expected NAME=VALUE, found 'wealth_a'" "${M[@]}" --input wealth_a
check_input_error no_file "cannot open '$TMP/none.inputs'" "${M[@]}" --input-file "$TMP/none.inputs"
check_input_error no_party "this program has no party 'carol' (parties: alice bob)" \
                  "$TMP/mill.circ" --party carol --input wealth_a=1
check_input_error struct_range "input 'a': column 10: value 300 does not fit in uint8 (0..255)" \
                  "$TMP/hosp.circ" --party clinic --input 'a=[{age: 300, diabetic: true, visits: 1}]'
printf 'a = [{age: 1, diabetic: true, visits: 1}, {age: 1, diabetic: true, visits: 1},\n     {age: 1, diabetic: true, visits: 1}, {age: 1, diabetic: true}]\n' >"$TMP/nofield.inputs"
check_input_error struct_field "nofield.inputs:2:" "$TMP/hosp.circ" --party clinic \
                  --input-file "$TMP/nofield.inputs"
grep -q "missing field 'visits' of Patient" <("$MPCRUN" "$TMP/hosp.circ" --party clinic \
    --input-file "$TMP/nofield.inputs" --connect 127.0.0.1:1 2>&1) && ok || bad "missing field message"
printf 'a = [{age: 1,\n' >"$TMP/open.inputs"
check_input_error unterminated "open.inputs:2:1: input 'a':" "$TMP/hosp.circ" --party clinic \
                  --input-file "$TMP/open.inputs"

# ---- no circuit files to compare: mpcrun on a missing / malformed .circ.
out=$("$MPCRUN" "$TMP/none.circ" --party alice --connect 127.0.0.1:1 2>&1)
[ $? != 0 ] && echo "$out" | grep -q "none.circ" && ok || bad "missing .circ: [$out]"
head -c 100 "$TMP/mill.circ" >"$TMP/cut.circ"
out=$("$MPCRUN" "$TMP/cut.circ" --party alice --input wealth_a=1 --connect 127.0.0.1:1 2>&1)
[ $? != 0 ] && [ -n "$out" ] && san_clean <(echo "$out") && ok || bad "truncated .circ: [$out]"

# ---- a port in use: a clear error, non-zero, at once.
( "$MPCRUN" "$TMP/mill.circ" --party alice --input wealth_a=1 --listen 127.0.0.1:0 --timeout 10 \
      >/dev/null 2>"$TMP/busy.err"; echo $? >"$TMP/busy.rc" ) &
bpid=$!
if port=$(wait_port "$TMP/busy.err"); then
    start=$SECONDS
    out=$("$MPCRUN" "$TMP/mill.circ" --party alice --input wealth_a=1 --listen "127.0.0.1:$port" \
          --timeout 10 2>&1); rc=$?
    if [ $rc != 0 ] && [ $((SECONDS - start)) -le 3 ] &&
       echo "$out" | grep -q "cannot listen on 127.0.0.1:$port: address already in use"; then ok
    else bad "port in use: rc=$rc [$out]"; fi
    # Then a bob connects to the first listener, which still works.
    out=$("$MPCRUN" "$TMP/mill.circ" --party bob --input wealth_b=0 --connect "127.0.0.1:$port" \
          --timeout 10 2>&1); rc=$?
    [ $rc = 0 ] && [ "$out" = "alice_is_richer = true" ] && ok || bad "listener after busy port: [$out]"
else
    bad "port in use: first listener did not start: $(cat "$TMP/busy.err")"
fi
wait $bpid

# ---- a peer cut off (faultproxy closes both connections) during OT and during
# garbling of AES-128 (6400 AND gates, ~205 KB of tables from the garbler).
# "down" = from the listener (party 1, the garbler) to the connector.
if [ -f "$B/aes_128.txt" ] && [ -n "${FAULTPROXY:-}" ]; then
    A=("$B/aes_128.txt" --bristol --party 1 --input "1=0" --timeout 20)
    E=("$B/aes_128.txt" --bristol --party 2 --input "2=0" --timeout 20)
    GONE='connection (closed|reset)'
    run_proxy cut_ot_down '--close-after 3000 --direction down' "${A[@]}" -- "${E[@]}"
    both_fail cut_ot_down 15 "OT extension set-up: .*$GONE" "OT extension set-up: .*$GONE.*base OT"
    run_proxy cut_ot_up '--close-after 1000 --direction up' "${A[@]}" -- "${E[@]}"
    both_fail cut_ot_up 15 "$GONE.*OT extension matrix" "$GONE"
    run_proxy cut_garble '--close-after 100000 --direction down' "${A[@]}" -- "${E[@]}"
    both_fail cut_garble 15 "$GONE" "$GONE while waiting for [0-9]+ bytes of garbled tables"
    run_proxy cut_hello '--close-after 30 --direction down' "${A[@]}" -- "${E[@]}"
    both_fail cut_hello 15 "$GONE" "$GONE"

    # A byte of the garbler's handshake flipped (the circuit digest): refused.
    run_proxy flip_hello '--flip-at 20 --direction down' "${A[@]}" -- "${E[@]}"
    both_fail flip_hello 15 "." "circuit mismatch"

    # A peer killed for real (kill -9). The proxy only slows the traffic down
    # so that the kill lands in the phase we want; it adds no fault.
    # kill_peer NAME WHICH(a|b) SLEEP 'PROXY ARGS' PATTERN: kills the listener
    # (a, the garbler) or the connector (b, the evaluator) after SLEEP seconds;
    # the survivor must fail with a message matching PATTERN.
    kill_peer() {
        local n=$1 victim=$2 nap=$3 pargs=$4 pat=$5 apid ppid bpid port pport start vpid
        "$MPCRUN" "${A[@]}" --listen 127.0.0.1:0 >"$TMP/$n.a.out" 2>"$TMP/$n.a.err" &
        apid=$!
        if ! port=$(wait_port "$TMP/$n.a.err"); then bad "$n: listener did not start"; return; fi
        # shellcheck disable=SC2086
        "$FAULTPROXY" --target "127.0.0.1:$port" $pargs --max-seconds 60 2>"$TMP/$n.p.err" &
        ppid=$!
        pport=$(wait_port "$TMP/$n.p.err")
        start=$SECONDS
        "$MPCRUN" "${E[@]}" --connect "127.0.0.1:$pport" >"$TMP/$n.b.out" 2>"$TMP/$n.b.err" &
        bpid=$!
        sleep "$nap"
        if [ "$victim" = a ]; then vpid=$apid; s=b; else vpid=$bpid; s=a; fi
        kill -9 $vpid
        # (braces: keep bash's "Killed" job notice out of the log)
        { wait $apid; echo $? >"$TMP/$n.a.rc"; } 2>/dev/null
        { wait $bpid; echo $? >"$TMP/$n.b.rc"; } 2>/dev/null
        wait $ppid
        if [ "$(rc_of $n.$victim)" = 137 ] && [ "$(rc_of $n.$s)" = 1 ] && [ ! -s "$TMP/$n.$s.out" ] &&
           [ $((SECONDS - start)) -le 15 ] && grep -qE "$pat" "$TMP/$n.$s.err" &&
           san_clean "$TMP/$n.$s.err"
        then ok
        else bad "$n: rc $(rc_of $n.a)/$(rc_of $n.b) after $((SECONDS - start))s:" \
                 "$(cat "$TMP/$n.a.err" "$TMP/$n.b.err" "$TMP/$n.p.err")"; fi
    }
    # The garbler killed while it waits for the evaluator's OT messages (each
    # chunk from the evaluator is held back 1 s).
    kill_peer kill_ot a 1.5 '--delay-ms 1000 --direction up' "mpcrun: party 2: .*$GONE"
    # The evaluator killed while the tables stream (each chunk held back 0.5 s).
    kill_peer kill_garble b 1.5 '--delay-ms 500 --direction down' "mpcrun: party 1: .*$GONE"

    # A silent peer (stopped with SIGSTOP): the other side times out.
    "$MPCRUN" "$TMP/mill.circ" --party alice --input wealth_a=1 --listen 127.0.0.1:0 \
          --timeout 20 >/dev/null 2>"$TMP/stop.a.err" &
    apid=$!
    if port=$(wait_port "$TMP/stop.a.err"); then
        kill -STOP $apid
        start=$SECONDS
        out=$("$MPCRUN" "$TMP/mill.circ" --party bob --input wealth_b=1 --connect "127.0.0.1:$port" \
              --timeout 2 2>&1); rc=$?
        kill -9 $apid
        { wait $apid; } 2>/dev/null
        if [ $rc != 0 ] && [ $((SECONDS - start)) -le 8 ] && echo "$out" | grep -q "timed out after 2000 ms" &&
           san_clean <(echo "$out"); then ok
        else bad "silent peer: rc=$rc after $((SECONDS - start))s: [$out]"; fi
    else
        bad "silent peer: listener did not start"
        kill $apid; wait $apid
    fi

    # Corrupted bytes: semi-honest Yao has no integrity check, so a flipped
    # label, table or decoding bit may give a WRONG output silently. Here we
    # only require: both processes end within the timeout, nothing crashes,
    # no sanitizer report, and a failing side says why. What happened is
    # printed as NOTE lines.
    want=66e94bd4ef8a2c3b884cfa59ca342b2e
    A4=("$B/aes_128.txt" --bristol --party 1 --input "1=0" --timeout 4)
    E4=("$B/aes_128.txt" --bristol --party 2 --input "2=0" --timeout 4)
    k=0
    for f in "--flip-at 1000 --direction down" "--flip-at 4000 --direction down" \
             "--flip-at 100000 --direction down" "--flip-at 215295 --direction down" \
             "--flip-at 1500 --direction up" "--flip-at 2240 --direction up" \
             "--drop-at 100000 --drop-len 3 --direction down" "--dup-at 100000 --direction down" \
             "--drop-at 1500 --direction up" "--dup-at 1500 --direction up" \
             "--flip-at 50 --flip-mask 0xff --direction up"; do
        n=corrupt$((++k))
        run_proxy $n "$f" "${A4[@]}" -- "${E4[@]}"
        note="NOTE: $f:"
        good=1
        for s in a b; do
            r=$(rc_of $n.$s)
            if [ "$r" = 0 ]; then
                o=$(cat "$TMP/$n.$s.out")
                [ "$o" = "$want" ] && note+=" $s ok;" || note+=" $s WRONG OUTPUT $o (exit 0);"
            elif [ "$r" = 1 ] && grep -q "^mpcrun: party" "$TMP/$n.$s.err"; then
                note+=" $s error: $(grep '^mpcrun: party' "$TMP/$n.$s.err" | cut -c1-110);"
            else
                good=0
            fi
        done
        echo "$note"
        if [ $good = 1 ] && [ "$(cat "$TMP/$n.secs")" -le 15 ] &&
           san_clean "$TMP/$n.a.err" "$TMP/$n.b.err"; then ok
        else bad "$n ($f): rc $(rc_of $n.a)/$(rc_of $n.b) $(cat "$TMP/$n.secs")s: $(cat "$TMP/$n.a.err" "$TMP/$n.b.err")"; fi
    done
else
    echo "SKIP: faultproxy cases ($B/aes_128.txt or FAULTPROXY missing)"
fi

finish
