#!/usr/bin/env bash
# demo.sh BUILD_DIR [EXAMPLE] [--stats] - the README demo: compiles
# examples/EXAMPLE.mpc (default hospitals3) with BUILD_DIR/mpcc and runs each
# of its parties as a separate mpcrun process on localhost, inputs from
# examples/inputs/EXAMPLE_PARTY.txt. With three or more parties every party
# garbles (N-party garbling, mpcrun's default): each listens on a free port
# for the parties declared after it and connects to those before it, so the
# roster is written as they come up. A two-party program runs as a plain
# --listen / --connect pair. Prints each party's result (and with
# --stats its figures, and the wall time of the whole run, to stderr).
set -eu
BUILD=${1:?usage: examples/demo.sh BUILD_DIR [EXAMPLE] [--stats]}
BUILD=$(cd "$BUILD" && pwd)
NAME=${2:-hospitals3}
STATS=()
[ "${3:-}" = "--stats" ] && STATS=(--stats)
EX=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/mpcc-demo-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BUILD/mpcc" compile "$EX/$NAME.mpc" -o "$WORK/$NAME.circ"
# The parties, in declaration order, from the `party a, b, c;` line.
read -r -a PARTIES <<<"$(sed -n 's/^party \(.*\);.*/\1/p' "$EX/$NAME.mpc" | head -1 | tr -d ',')"
G=${PARTIES[0]}
E=${PARTIES[1]}

port_of() { # waits for "listening on port N" in $1
    local i p
    for i in $(seq 1 200); do
        p=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$1" 2>/dev/null | head -1)
        if [ -n "$p" ]; then echo "$p"; return 0; fi
        sleep 0.05
    done
    echo "demo: a party did not start: $(cat "$1")" >&2
    return 1
}

party() { # party NAME ROSTER
    "$BUILD/mpcrun" "$WORK/$NAME.circ" --party "$1" --parties "$2" \
        --input-file "$EX/inputs/${NAME}_$1.txt" --timeout 30 "${STATS[@]}" \
        >"$WORK/$1.out" 2>"$WORK/$1.err"
}

pair() { # pair NAME --listen|--connect ADDR: a two-party run, no roster
    "$BUILD/mpcrun" "$WORK/$NAME.circ" --party "$1" "$2" "$3" \
        --input-file "$EX/inputs/${NAME}_$1.txt" --timeout 30 "${STATS[@]}" \
        >"$WORK/$1.out" 2>"$WORK/$1.err"
}

t0=$(date +%s%N)
pids=()
if [ ${#PARTIES[@]} -eq 2 ]; then
    pair "$G" --listen 127.0.0.1:0 & pids+=($!)
    portg=$(port_of "$WORK/$G.err")
    pair "$E" --connect "127.0.0.1:$portg" & pids+=($!)
else
# Party i's roster: the addresses of the parties before it, its own port 0.
printf '# NAME HOST:PORT [CERT.pem]\n' >"$WORK/roster"
last=${PARTIES[${#PARTIES[@]}-1]}
for p in "${PARTIES[@]}"; do
    cp "$WORK/roster" "$WORK/roster.$p"
    [ "$p" != "$last" ] && printf '%s 127.0.0.1:0\n' "$p" >>"$WORK/roster.$p"
    party "$p" "$WORK/roster.$p" & pids+=($!)
    [ "$p" = "$last" ] && break
    printf '%s 127.0.0.1:%s\n' "$p" "$(port_of "$WORK/$p.err")" >>"$WORK/roster"
done
fi

rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
t1=$(date +%s%N)
for p in "${PARTIES[@]}"; do
    echo "[$p]"
    cat "$WORK/$p.out"
    grep -v "listening on port" "$WORK/$p.err" >&2 || true
done
if [ ${#STATS[@]} -gt 0 ]; then
    echo "demo: $NAME, ${#PARTIES[@]} processes: wall time $(( (t1 - t0) / 1000000 )) ms" >&2
fi
exit $rc
