# mpcrun_faults.sh - failure cases of mpcrun runs: different programs, bad
# inputs (refused before any network traffic), a peer killed or cut off in the
# handshake, OT and garbling (through tests/tools/faultproxy), bytes flipped,
# dropped, duplicated or cut in every phase and both directions (the
# transcript check must stop each: no wrong output is ever printed), a slow
# peer within and beyond the timeout, a silent peer, a port in use, strangers
# on the listening port, reconnects, and flipped bytes between three parties.
# Those run in plain TCP (--insecure-plaintext); a last set runs in the
# default TLS mode. Each failing side must end with a clear message and a
# non-zero exit within
# the timeout, print nothing, and (in the sanitizer build) leave no
# LeakSanitizer/AddressSanitizer/UBSan report. Prints the number of faults
# injected.
. "$(dirname "$0")/common.bash"
EX="$MPCC_SOURCE_DIR/examples"
B="$MPCC_SHARED_DIR/circuits/bristol"
if [ ! -f "$B/aes_128.txt" ]; then # without ../shared: the stdlib's AES-128 (6400 AND gates too)
    . "$(dirname "$0")/own_circuits.bash"
    make_own_circuits "$TMP/own" && B="$TMP/own"
fi

# The cases below test the protocol's own checks (the transcript check,
# phase-by-phase messages at fixed byte offsets), so they run with
# --insecure-plaintext, where nothing else would catch a flipped byte; its
# warning is filtered out so that the messages compared stay the same. The
# default encrypted mode has its own cases at the end (TLS catches the
# same faults first).
TLS_MPCRUN=$MPCRUN
cat >"$TMP/mpcrun-plain" <<EOF
#!/usr/bin/env bash
exec "$TLS_MPCRUN" "\$@" --insecure-plaintext 2> >(grep --line-buffered -v '^mpcrun: warning: --insecure-plaintext' >&2)
EOF
chmod +x "$TMP/mpcrun-plain"
MPCRUN="$TMP/mpcrun-plain"
SAN_RE='LeakSanitizer|AddressSanitizer|runtime error'

# san_clean FILE...: true when no sanitizer report is in the files.
san_clean() { ! grep -qE "$SAN_RE" "$@" 2>/dev/null; }
rc_of() { cat "$TMP/$1.rc" 2>/dev/null || echo missing; }
INJECTED=0 # fault cases injected (printed at the end)

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

    # A byte of the garbler's handshake flipped (the circuit digest, after the
    # 24-byte greeting frame and the hello's frame header, magic and version): refused.
    run_proxy flip_hello '--flip-at 44 --direction down' "${A[@]}" -- "${E[@]}"
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

    INJECTED=$((INJECTED + 7)) # cut (4), flipped digest, killed (2)

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

    # Corrupted bytes in every phase and both directions: flipped, dropped,
    # duplicated, and the connection cut (truncated) in the output phase. The
    # transcript check must stop every corrupted run: each side either prints
    # the right output (possible only when nothing it used was corrupted,
    # e.g. a flip in the peer's last check frame) or fails with a message and
    # prints nothing; at least one side fails; no wrong output, ever.
    # Offsets (this circuit with --garbling halfgates, measured with
    # faultproxy): down = 215450 bytes: greeting frame 0-23, hello 24..,
    # base/extension OT, scheme frame, tables, first transcript frame 215346,
    # decoding bits 215386, last check 215410; up = 2386 bytes: greeting,
    # hello, base OT, OT extension matrix (~1500), first check 2282, colour
    # bits 2322, last check 2346. (Auto could pick three-halves over TLS
    # through the proxy, and shorten the tables.)
    want=66e94bd4ef8a2c3b884cfa59ca342b2e
    A4=("$B/aes_128.txt" --bristol --party 1 --input "1=0" --timeout 4 --garbling halfgates)
    E4=("$B/aes_128.txt" --bristol --party 2 --input "2=0" --timeout 4 --garbling halfgates)
    k=0
    for f in "--flip-at 5 --direction down" "--flip-at 60 --direction down" \
             "--flip-at 1000 --direction down" "--flip-at 4000 --direction down" \
             "--flip-at 100000 --direction down" "--flip-at 215295 --direction down" \
             "--flip-at 215350 --direction down" "--flip-at 215390 --direction down" \
             "--flip-at 215430 --direction down" \
             "--flip-at 10 --direction up" "--flip-at 60 --direction up" \
             "--flip-at 500 --direction up" "--flip-at 1500 --direction up" \
             "--flip-at 2240 --direction up" "--flip-at 2291 --direction up" \
             "--flip-at 2326 --direction up" "--flip-at 2361 --direction up" \
             "--flip-at 50 --flip-mask 0xff --direction up" \
             "--drop-at 100000 --drop-len 3 --direction down" "--dup-at 100000 --direction down" \
             "--drop-at 215390 --drop-len 1 --direction down" "--dup-at 215390 --direction down" \
             "--drop-at 1500 --direction up" "--dup-at 1500 --direction up" \
             "--drop-at 2326 --direction up" "--dup-at 2326 --direction up" \
             "--close-after 215390 --direction down" "--close-after 2326 --direction up"; do
        n=corrupt$((++k))
        run_proxy $n "$f" "${A4[@]}" -- "${E4[@]}"
        good=1 failed=0 what=""
        for s in a b; do
            r=$(rc_of $n.$s)
            o=$(cat "$TMP/$n.$s.out")
            if [ "$r" = 0 ] && [ "$o" = "$want" ]; then
                what+=" $s ok;"
            elif [ "$r" = 1 ] && [ -z "$o" ] && grep -q "^mpcrun: party" "$TMP/$n.$s.err"; then
                failed=1
                what+=" $s: $(grep '^mpcrun: party' "$TMP/$n.$s.err" | head -1 | cut -c1-90);"
            else
                good=0
                what+=" $s: rc $r, stdout [$o];"
            fi
        done
        if [ $good = 1 ] && [ $failed = 1 ] && [ "$(cat "$TMP/$n.secs")" -le 15 ] &&
           san_clean "$TMP/$n.a.err" "$TMP/$n.b.err"; then ok
        else bad "$n ($f):$what $(cat "$TMP/$n.secs")s: $(cat "$TMP/$n.a.err" "$TMP/$n.b.err")"; fi
    done
    INJECTED=$((INJECTED + k))

    # A delayed peer within the timeout: every chunk held back 300 ms, the
    # run still succeeds.
    run_proxy slow '--delay-ms 300 --direction both' "${A4[@]}" -- "${E4[@]}"
    if [ "$(rc_of slow.a)" = 0 ] && [ "$(rc_of slow.b)" = 0 ] &&
       [ "$(cat "$TMP/slow.a.out")" = "$want" ] && [ "$(cat "$TMP/slow.b.out")" = "$want" ] &&
       san_clean "$TMP/slow.a.err" "$TMP/slow.b.err"; then ok
    else bad "slow peer: $(rc_of slow.a)/$(rc_of slow.b): $(cat "$TMP/slow.a.err" "$TMP/slow.b.err")"; fi
    # ... and beyond it (5 s per chunk, timeout 2 s): a clear timeout, no output.
    A2=("$B/aes_128.txt" --bristol --party 1 --input "1=0" --timeout 2)
    E2=("$B/aes_128.txt" --bristol --party 2 --input "2=0" --timeout 2)
    run_proxy slower '--delay-ms 5000 --direction down' "${A2[@]}" -- "${E2[@]}"
    both_fail slower 15 "." "timed out after 2000 ms"
    INJECTED=$((INJECTED + 2))

    # The peer killed during the greeting/handshake (everything from the
    # garbler held back 2 s, the garbler killed after 1 s).
    kill_peer kill_hello a 1 '--delay-ms 2000 --direction down' "mpcrun: party 2: .*$GONE"
    INJECTED=$((INJECTED + 1))
else
    echo "SKIP: faultproxy cases ($B/aes_128.txt or FAULTPROXY missing)"
fi

# ---- a stranger connects to the listening port first (an HTTP request, then
# one that says nothing): refused, and the real peer's session is unharmed.
# A stranger after the session started finds the port closed.
# stranger_case TAG PATTERN: the listener's note on the stranger matches PATTERN.
stranger_case() {
    local t=$1 pattern=$2 port apid
    "$MPCRUN" "$TMP/mill.circ" --party alice --input wealth_a=10 --listen 127.0.0.1:0 \
          --timeout 15 >"$TMP/$t.a.out" 2>"$TMP/$t.a.err" &
    apid=$!
    if ! port=$(wait_port "$TMP/$t.a.err"); then
        bad "$t: listener did not start"; kill $apid; wait $apid; return
    fi
    { printf 'GET / HTTP/1.0\r\n\r\n'; sleep 1; } | timeout 5 bash -c "cat >/dev/tcp/127.0.0.1/$port" 2>/dev/null
    out=$("$MPCRUN" "$TMP/mill.circ" --party bob --input wealth_b=9 --connect "127.0.0.1:$port" \
          --timeout 15 2>"$TMP/$t.b.err"); rc=$?
    wait $apid; arc=$?
    late=0
    timeout 3 bash -c "echo hi >/dev/tcp/127.0.0.1/$port" 2>/dev/null && late=1
    if [ $rc = 0 ] && [ $arc = 0 ] && [ "$out" = "alice_is_richer = true" ] &&
       [ "$(cat "$TMP/$t.a.out")" = "alice_is_richer = true" ] && [ $late = 0 ] &&
       grep -q "$pattern" "$TMP/$t.a.err" && san_clean "$TMP/$t.a.err" "$TMP/$t.b.err"; then ok
    else bad "$t: rc $arc/$rc late=$late [$out]: $(cat "$TMP/$t.a.err" "$TMP/$t.b.err")"; fi
}
stranger_case stranger "refused a connection: .*not an mpcc two-party peer\|refused a connection: .*greeting"
INJECTED=$((INJECTED + 2))

# ---- reconnect: the connector starts before anyone listens and retries until
# the listener is up; after a failed session (the listener killed), starting
# the connector again gives a clean "cannot connect" error.
port=$((20000 + RANDOM % 20000))
"$MPCRUN" "$TMP/mill.circ" --party bob --input wealth_b=9 --connect "127.0.0.1:$port" \
      --timeout 10 >"$TMP/re.b.out" 2>"$TMP/re.b.err" &
bpid=$!
sleep 1
"$MPCRUN" "$TMP/mill.circ" --party alice --input wealth_a=10 --listen "127.0.0.1:$port" \
      --timeout 10 >"$TMP/re.a.out" 2>"$TMP/re.a.err"; arc=$?
wait $bpid; brc=$?
if [ $arc = 0 ] && [ $brc = 0 ] && [ "$(cat "$TMP/re.b.out")" = "alice_is_richer = true" ]; then ok
else bad "connector before listener: rc $arc/$brc: $(cat "$TMP/re.a.err" "$TMP/re.b.err")"; fi
start=$SECONDS
out=$("$MPCRUN" "$TMP/mill.circ" --party bob --input wealth_b=9 --connect "127.0.0.1:$port" \
      --timeout 2 2>&1); rc=$?
if [ $rc = 1 ] && [ $((SECONDS - start)) -le 6 ] && echo "$out" | grep -q "cannot connect to peer 'alice'"; then ok
else bad "reconnect after the session: rc $rc: $out"; fi
INJECTED=$((INJECTED + 2))

# ---- more than two parties, under both protocols: a byte flipped on the
# connection from h3 to h1 or to h2 (the evaluator under bmr) at several
# points (Yao: in h3's input share and its transcript frames; bmr: OT
# set-up, the windows' OT rounds, the table shares, the output shares), and
# h3 killed in the middle of a longer bmr run. Nobody may print a wrong
# result; whoever fails prints nothing.
H="$TMP/h3.circ"
if [ -n "${FAULTPROXY:-}" ] && "$MPCC" compile "$EX/hospitals3.mpc" -o "$H" 2>/dev/null; then
    IN="$EX/inputs/hospitals3"
    # mp_run TAG 'PROXY ARGS' [VIA]: h1 and h2 listen, h3 reaches VIA (h1 or
    # h2, default h1) through the proxy; every party runs protocol $MPP.
    mp_run() {
        local t=$1 pargs=$2 via=${3:-h1} p1 p2 pp pids=()
        echo "h1 127.0.0.1:0" >"$TMP/$t.r1"
        "$MPCRUN" "$H" --party h1 --parties "$TMP/$t.r1" --input-file "${IN}_h1.txt" --timeout 5 \
            --protocol "$MPP" >"$TMP/$t.h1.out" 2>"$TMP/$t.h1.err" & pids+=($!)
        p1=$(wait_port "$TMP/$t.h1.err") || return 1
        printf 'h1 127.0.0.1:%s\nh2 127.0.0.1:0\n' "$p1" >"$TMP/$t.r2"
        "$MPCRUN" "$H" --party h2 --parties "$TMP/$t.r2" --input-file "${IN}_h2.txt" --timeout 5 \
            --protocol "$MPP" >"$TMP/$t.h2.out" 2>"$TMP/$t.h2.err" & pids+=($!)
        p2=$(wait_port "$TMP/$t.h2.err") || return 1
        local target=$p1
        [ "$via" = h2 ] && target=$p2
        # shellcheck disable=SC2086
        "$FAULTPROXY" --target "127.0.0.1:$target" $pargs --max-seconds 30 2>"$TMP/$t.p.err" & pids+=($!)
        pp=$(wait_port "$TMP/$t.p.err") || return 1
        if [ "$via" = h2 ]; then printf 'h1 127.0.0.1:%s\nh2 127.0.0.1:%s\n' "$p1" "$pp" >"$TMP/$t.r3"
        else printf 'h1 127.0.0.1:%s\nh2 127.0.0.1:%s\n' "$pp" "$p2" >"$TMP/$t.r3"; fi
        "$MPCRUN" "$H" --party h3 --parties "$TMP/$t.r3" --input-file "${IN}_h3.txt" --timeout 5 \
            --protocol "$MPP" >"$TMP/$t.h3.out" 2>"$TMP/$t.h3.err" & pids+=($!)
        local i=0
        for q in h1 h2 p h3; do wait "${pids[$i]}"; echo $? >"$TMP/$t.$q.rc"; i=$((i + 1)); done
    }
    for MPP in yao bmr; do
    for via in h1 h2; do
    [ $MPP = yao ] && [ $via = h2 ] && continue
    mp_run mpclean$MPP$via '' $via
    up=$(sed -n 's/.*up \([0-9]*\) bytes in.*/\1/p' "$TMP/mpclean$MPP$via.p.err")
    if [ -n "$up" ] && [ "$(cat "$TMP/mpclean$MPP$via.h3.rc")" = 0 ]; then
        want3=$(printf 'cohort_size = 8\nmean_age = 57')
        offs="$((up - 100)) $((up - 60)) $((up - 20))"
        [ $MPP = bmr ] && offs="$((up / 20)) $((up / 4)) $((up / 2)) $((up * 3 / 4)) $((up - 100)) $((up - 20))"
        for off in $offs; do
            t=mpflip$MPP$via$off
            mp_run $t "--flip-at $off --direction up" $via
            good=1 failed=0 what=""
            for q in h1 h2 h3; do
                r=$(cat "$TMP/$t.$q.rc"); o=$(cat "$TMP/$t.$q.out")
                if [ "$r" = 0 ] && [ "$o" = "$want3" ]; then what+=" $q ok;"
                elif [ "$r" = 1 ] && [ -z "$o" ]; then failed=1; what+=" $q failed;"
                else good=0; what+=" $q: rc $r [$o];"; fi
            done
            if [ $good = 1 ] && [ $failed = 1 ] &&
               san_clean "$TMP/$t.h1.err" "$TMP/$t.h2.err" "$TMP/$t.h3.err"; then ok
            else bad "$t:$what $(cat "$TMP/$t.h1.err" "$TMP/$t.h2.err" "$TMP/$t.h3.err")"; fi
            INJECTED=$((INJECTED + 1))
        done
    else
        bad "three parties through the proxy ($MPP, via $via): $(cat "$TMP/mpclean$MPP$via.h1.err" "$TMP/mpclean$MPP$via.h3.err" "$TMP/mpclean$MPP$via.p.err")"
    fi
    done
    done
    # bmr: h3 killed in the middle of a run of about a million AND gates:
    # h1 and h2 fail within the timeout, name h3, print nothing.
    cat >"$TMP/long3.mpc" <<'EOF'
party h1, h2, h3;
input h1 uint32 a[8];
input h2 uint32 b[8];
input h3 uint32 c[8];
uint32 s = 1;
for i in 0..1500 { s = s * (a[i % 8] ^ b[i % 8] ^ c[i % 8]) + a[(i + 1) % 8]; }
output all s;
EOF
    "$MPCC" compile "$TMP/long3.mpc" -o "$TMP/long3.circ"
    for q in h1 h2 h3; do echo "$q:$(echo $q | tr 123 abc | cut -c2) = [1, 2, 3, 4, 5, 6, 7, 8]" >"$TMP/long3_$q.txt"; done
    echo "h1 127.0.0.1:0" >"$TMP/kill.r1"
    "$MPCRUN" "$TMP/long3.circ" --party h1 --parties "$TMP/kill.r1" --input-file "$TMP/long3_h1.txt" \
        --timeout 10 >"$TMP/kill.h1.out" 2>"$TMP/kill.h1.err" & k1=$!
    p1=$(wait_port "$TMP/kill.h1.err")
    printf 'h1 127.0.0.1:%s\nh2 127.0.0.1:0\n' "$p1" >"$TMP/kill.r2"
    "$MPCRUN" "$TMP/long3.circ" --party h2 --parties "$TMP/kill.r2" --input-file "$TMP/long3_h2.txt" \
        --timeout 10 >"$TMP/kill.h2.out" 2>"$TMP/kill.h2.err" & k2=$!
    p2=$(wait_port "$TMP/kill.h2.err")
    printf 'h1 127.0.0.1:%s\nh2 127.0.0.1:%s\n' "$p1" "$p2" >"$TMP/kill.r3"
    "$MPCRUN" "$TMP/long3.circ" --party h3 --parties "$TMP/kill.r3" --input-file "$TMP/long3_h3.txt" \
        --timeout 10 >"$TMP/kill.h3.out" 2>"$TMP/kill.h3.err" & k3=$!
    sleep 0.6
    kill -9 $k3 2>/dev/null
    start=$SECONDS
    wait $k1; r1=$?
    wait $k2; r2=$?
    wait $k3 2>/dev/null
    INJECTED=$((INJECTED + 1))
    if [ $r1 != 0 ] && [ $r2 != 0 ] && [ ! -s "$TMP/kill.h1.out" ] && [ ! -s "$TMP/kill.h2.out" ] &&
       grep -q "h3" "$TMP/kill.h1.err" && grep -q "h3" "$TMP/kill.h2.err" && [ $((SECONDS - start)) -le 12 ] &&
       san_clean "$TMP/kill.h1.err" "$TMP/kill.h2.err"; then ok
    else bad "bmr, h3 killed: rc $r1/$r2 [$(cat "$TMP/kill.h1.out" "$TMP/kill.h2.out")] $(cat "$TMP/kill.h1.err" "$TMP/kill.h2.err")"; fi
else
    echo "SKIP: multi-party fault cases (no faultproxy)"
fi

# ---- the default mode (TLS with ephemeral keys): a byte flipped in each
# phase, in both directions, or the connection cut, and a stranger on the
# port: the run fails with a clear message, nothing is printed, and the
# real peer after a stranger is unharmed.
MPCRUN=$TLS_MPCRUN
if [ -n "${FAULTPROXY:-}" ]; then
    A=("$TMP/mill.circ" --party alice --input wealth_a=7 --timeout 8)
    E=("$TMP/mill.circ" --party bob --input wealth_b=3 --timeout 8)
    run_proxy tls_clean '' "${A[@]}" -- "${E[@]}"
    down=$(sed -n 's/.*down \([0-9]*\) in,.*/\1/p' "$TMP/tls_clean.p.err")
    up=$(sed -n 's/.*up \([0-9]*\) bytes in.*/\1/p' "$TMP/tls_clean.p.err")
    if [ "$(rc_of tls_clean.a)" = 0 ] && [ "$(cat "$TMP/tls_clean.b.out")" = "alice_is_richer = true" ] &&
       [ -n "$down" ] && [ -n "$up" ]; then
        ok
        for frac in 10 30 50 70 90; do
            for dir in down up; do
                total=$([ $dir = down ] && echo "$down" || echo "$up")
                off=$((total * frac / 100))
                n=tls_flip_${dir}_$frac
                run_proxy $n "--flip-at $off --direction $dir" "${A[@]}" -- "${E[@]}"
                INJECTED=$((INJECTED + 1))
                # Whoever ends must not print a wrong answer; at least one side fails.
                oa=$(cat "$TMP/$n.a.out") ob=$(cat "$TMP/$n.b.out")
                if { [ -z "$oa" ] || [ "$oa" = "alice_is_richer = true" ]; } &&
                   { [ -z "$ob" ] || [ "$ob" = "alice_is_richer = true" ]; } &&
                   { [ "$(rc_of $n.a)" != 0 ] || [ "$(rc_of $n.b)" != 0 ]; } &&
                   grep -qE "TLS|closed|reset|transcript|timed out" "$TMP/$n.a.err" "$TMP/$n.b.err" &&
                   san_clean "$TMP/$n.a.err" "$TMP/$n.b.err"; then ok
                else bad "$n (offset $off of $total): rc $(rc_of $n.a)/$(rc_of $n.b) [$oa] [$ob]:" \
                         "$(cat "$TMP/$n.a.err" "$TMP/$n.b.err")"; fi
            done
        done
        run_proxy tls_cut '--close-after 2000 --direction down' "${A[@]}" -- "${E[@]}"
        INJECTED=$((INJECTED + 1))
        both_fail tls_cut 15 "." "."
    else
        bad "TLS clean run through the proxy: $(cat "$TMP/tls_clean.a.err" "$TMP/tls_clean.b.err" "$TMP/tls_clean.p.err")"
    fi
fi
stranger_case tls_stranger "refused a connection: TLS handshake"
INJECTED=$((INJECTED + 1))

echo "faults: $INJECTED cases injected"
finish
