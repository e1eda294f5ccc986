#!/usr/bin/env bash
# wan_mp.sh BUILD_DIR [RUNS=3] [LINKS...] - a three-party run (N-party
# garbling, the default for three parties; examples/hospitals3.mpc, TLS)
# with every one of the three links through its own netsim
# (tests/tools/netsim.c), as bench/wan.sh does for two parties. A link is
# RATE:DELAY (Mbit/s : one-way ms); default "1000:1 100:20". Each party has
# its own roster, naming the others at the netsim that leads to them (h1
# listens for h2 and h3, h2 for h3). For each link it prints, as
# "name value unit" lines (medians of RUNS):
#   mp3_wall      from starting the last party (h3) until every party has
#                 printed its outputs;
#   mp3_legs_*    the one-way legs netsim counted on each link (legs - 1 =
#                 replies: an upper bound on that link's sequential round
#                 trips x 2);
#   mp3_bytes_*   bytes on each link.
# WAN_TRACE=1 prints every link's netsim trace (its legs) to stderr.
set -eu
BUILD=$(cd "${1:?usage: bench/wan_mp.sh BUILD_DIR [RUNS] [LINKS...]}" && pwd)
RUNS=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
LINKS=${*:-1000:1 100:20}
SRC=$(cd "$(dirname "$0")/.." && pwd)
NETSIM=$BUILD/tests/netsim
[ -x "$NETSIM" ] || { echo "wan_mp.sh: $NETSIM is missing (build with tests)" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib.sh"

"$BUILD/mpcc" compile "$SRC/examples/hospitals3.mpc" -o "$TMP/h3.circ"
IN="$SRC/examples/inputs/hospitals3"

# port_of FILE: the port a process or netsim printed ("... port N").
port_of() { wait_port "$1"; }

# one_run RATE DELAY: prints "ms legs12 legs13 legs23 bytes12 bytes13 bytes23".
one_run() {
    local rate=$1 delay=$2 p1 p2 n12 n13 n23 pids=()
    printf 'h1 127.0.0.1:0\nh2 127.0.0.1:1\nh3 127.0.0.1:1\n' >"$TMP/r1"
    "$BUILD/mpcrun" "$TMP/h3.circ" --party h1 --parties "$TMP/r1" --input-file "${IN}_h1.txt" \
        --timeout 120 >"$TMP/h1.out" 2>"$TMP/h1.err" &
    pids+=($!)
    p1=$(port_of "$TMP/h1.err")
    for l in 12 13; do
        "$NETSIM" --target "127.0.0.1:$p1" --rate-mbit "$rate" --delay-ms "$delay" ${WAN_TRACE:+--trace 1} \
            2>"$TMP/n$l.err" &
        pids+=($!)
    done
    n12=$(port_of "$TMP/n12.err") n13=$(port_of "$TMP/n13.err")
    printf 'h1 127.0.0.1:%s\nh2 127.0.0.1:0\nh3 127.0.0.1:1\n' "$n12" >"$TMP/r2"
    "$BUILD/mpcrun" "$TMP/h3.circ" --party h2 --parties "$TMP/r2" --input-file "${IN}_h2.txt" \
        --timeout 120 >"$TMP/h2.out" 2>"$TMP/h2.err" &
    pids+=($!)
    p2=$(port_of "$TMP/h2.err")
    "$NETSIM" --target "127.0.0.1:$p2" --rate-mbit "$rate" --delay-ms "$delay" ${WAN_TRACE:+--trace 1} \
        2>"$TMP/n23.err" &
    pids+=($!)
    n23=$(port_of "$TMP/n23.err")
    printf 'h1 127.0.0.1:%s\nh2 127.0.0.1:%s\nh3 127.0.0.1:1\n' "$n13" "$n23" >"$TMP/r3"
    local t0 t1
    t0=$(date +%s%N)
    "$BUILD/mpcrun" "$TMP/h3.circ" --party h3 --parties "$TMP/r3" --input-file "${IN}_h3.txt" \
        --timeout 120 >"$TMP/h3.out" 2>"$TMP/h3.err"
    wait "${pids[@]}"
    t1=$(date +%s%N)
    for p in h1 h2 h3; do
        grep -q . "$TMP/$p.out" || { echo "wan_mp.sh: $p printed nothing: $(cat "$TMP/$p.err")" >&2; exit 1; }
    done
    [ -n "${WAN_TRACE:-}" ] && for l in 12 13 23; do echo "# link h${l:0:1}-h${l:1:1}" >&2; cat "$TMP/n$l.err" >&2; done
    local out="$(( (t1 - t0) / 1000000 ))"
    for l in 12 13 23; do out+=" $(sed -n 's/.* legs \([0-9]*\),.*/\1/p' "$TMP/n$l.err")"; done
    for l in 12 13 23; do
        out+=" $(sed -n 's/.*up \([0-9]*\) bytes, down \([0-9]*\) bytes.*/\1 \2/p' "$TMP/n$l.err" |
                 awk '{ print $1 + $2 }')"
    done
    echo "$out"
}

for link in $LINKS; do
    rate=${link%%:*} delay=${link#*:}
    echo "# three parties, every link $rate Mbit/s, one-way delay $delay ms"
    ms=() l12=() l13=() l23=() b12=() b13=() b23=()
    for r in $(seq 1 "$RUNS"); do
        read -r m a b c x y z < <(one_run "$rate" "$delay")
        ms+=("$m") l12+=("$a") l13+=("$b") l23+=("$c") b12+=("$x") b13+=("$y") b23+=("$z")
    done
    echo "mp3_wall $(printf '%s\n' "${ms[@]}" | median) ms"
    echo "mp3_legs_h1_h2 $(printf '%s\n' "${l12[@]}" | median) one-way legs"
    echo "mp3_legs_h1_h3 $(printf '%s\n' "${l13[@]}" | median) one-way legs"
    echo "mp3_legs_h2_h3 $(printf '%s\n' "${l23[@]}" | median) one-way legs"
    echo "mp3_bytes_h1_h2 $(printf '%s\n' "${b12[@]}" | median) B"
    echo "mp3_bytes_h1_h3 $(printf '%s\n' "${b13[@]}" | median) B"
    echo "mp3_bytes_h2_h3 $(printf '%s\n' "${b23[@]}" | median) B"
done
