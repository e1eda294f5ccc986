# common.bash - helpers sourced by the end-to-end shell tests (not a test itself):
# counting checks, starting two mpcrun parties over loopback, temp dirs.
# Every test prints "N passed, M failed" last and exits non-zero on failure.
set -u
PASS=0
FAIL=0
TMP=$(mktemp -d /tmp/mpcc-cli-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
# skip REASON: this whole test cannot run here: say why and tell ctest
# (exit 77, its SKIP_RETURN_CODE), so that it is counted as skipped, never
# as passed.
skip() {
    echo "SKIP: $*"
    exit 77
}
finish() {
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ]
}

# Waits (up to 10 s) for "listening on port N" in file $1; prints N.
wait_port() {
    local f=$1 i
    for i in $(seq 1 200); do
        local p
        p=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$f" 2>/dev/null | head -1)
        if [ -n "$p" ]; then echo "$p"; return 0; fi
        sleep 0.05
    done
    return 1
}

# run_pair NAME LISTENER_ARGS... -- CONNECTOR_ARGS...
# Starts `mpcrun LISTENER_ARGS --listen 127.0.0.1:0`, then `mpcrun CONNECTOR_ARGS
# --connect 127.0.0.1:PORT`; leaves stdout/stderr/exit status in
# $TMP/NAME.{a,b}.{out,err,rc}.
run_pair() {
    local name=$1; shift
    local a=() b=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do a+=("$1"); shift; done
    shift
    b=("$@")
    ( "$MPCRUN" "${a[@]}" --listen 127.0.0.1:0 >"$TMP/$name.a.out" 2>"$TMP/$name.a.err"
      echo $? >"$TMP/$name.a.rc" ) &
    local pid=$!
    local port
    if ! port=$(wait_port "$TMP/$name.a.err"); then
        wait $pid
        echo 99 >"$TMP/$name.b.rc"; : >"$TMP/$name.b.out"; : >"$TMP/$name.b.err"
        return 1
    fi
    "$MPCRUN" "${b[@]}" --connect "127.0.0.1:$port" >"$TMP/$name.b.out" 2>"$TMP/$name.b.err"
    echo $? >"$TMP/$name.b.rc"
    wait $pid
}
