#!/usr/bin/env bash
# wan.sh BUILD_DIR [RUNS=3] [LINKS...] - two-party runs (mpcrun, TLS as by
# default, two processes) through a simulated wide-area link: netsim
# (tests/tools/netsim.c) between the evaluator and the garbler, a bottleneck
# of RATE Mbit/s and a one-way delay of DELAY ms each way. A link is
# RATE:DELAY; the default pair is "1000:1 100:20" (1 Gbit/s with a 2 ms
# round trip, 100 Mbit/s with 40 ms). For each link it prints, as
# "name value unit" lines (medians of RUNS):
#   link_check_*  how close netsim comes to its settings (a 20 MB transfer,
#                 20 ping-pongs);
#   aes_*         one AES-128 block (stdlib crypto, about 6 400 AND gates):
#                 wall time from starting the evaluator to its output (the
#                 garbler already listening), and the one-way legs netsim
#                 counted (legs - 1 = replies: an upper bound on sequential
#                 round trips x 2);
#   loop_*        a loop of K 32-bit multiply-adds (about 1 000 AND gates
#                 each; K = WAN_LOOP, default 10 000: 10 M AND gates): AND
#                 gates per second end to end, bytes on the link per AND gate,
#                 and the share of what the link allows (rate / bytes per AND).
# Each program runs once per garbling scheme in WAN_GARBLING (default
# "halfgates threehalves", given to both parties with --garbling); lines are
# named PROG_SCHEME_*, and loop_speedup compares the last scheme with the
# first.
# Needs the test tools built (build/tests/netsim) and python3 for the link
# check.
set -eu
BUILD=$(cd "${1:?usage: bench/wan.sh BUILD_DIR [RUNS] [LINKS...]}" && pwd)
RUNS=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
LINKS=${*:-1000:1 100:20}
K=${WAN_LOOP:-10000}
SCHEMES=${WAN_GARBLING:-halfgates threehalves}
NETSIM=$BUILD/tests/netsim
[ -x "$NETSIM" ] || { echo "wan.sh: $NETSIM is missing (build with tests)" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib.sh"

printf 'import "crypto";\nparty g, e;\ninput g uint128 key;\ninput e uint128 blk;\noutput all c = aes128_encrypt(key, blk);\n' >"$TMP/aes.mpc"
printf 'party g, e;\nconst K = %s;\ninput g uint32 a[8];\ninput e uint32 b[8];\nuint32 s = 1;\nfor i in 0..K { s = s * (a[i %% 8] ^ b[i %% 8]) + a[(i + 1) %% 8]; }\noutput all s;\n' "$K" >"$TMP/loop.mpc"
for prog in aes loop; do "$BUILD/mpcc" compile "$TMP/$prog.mpc" -o "$TMP/$prog.circ"; done
AES_IN=(--input key=0x000102030405060708090a0b0c0d0e0f)
AES_EIN=(--input blk=0x00112233445566778899aabbccddeeff)
LOOP_IN=(--input "a=[3, 5, 7, 11, 13, 17, 19, 23]")
LOOP_EIN=(--input "b=[2, 4, 6, 8, 10, 12, 14, 16]")

# one_run PROG RATE DELAY SCHEME: prints "ms legs bytes" of one run through netsim.
one_run() {
    local prog=$1 rate=$2 delay=$3 scheme=$4 gin ein
    if [ "$prog" = aes ]; then gin=("${AES_IN[@]}") ein=("${AES_EIN[@]}"); else gin=("${LOOP_IN[@]}") ein=("${LOOP_EIN[@]}"); fi
    "$BUILD/mpcrun" "$TMP/$prog.circ" --party g --listen 127.0.0.1:0 "${gin[@]}" --timeout 300 --garbling "$scheme" \
        >"$TMP/g.out" 2>"$TMP/g.err" &
    local pg=$! port nport
    port=$(wait_port "$TMP/g.err")
    "$NETSIM" --target "127.0.0.1:$port" --rate-mbit "$rate" --delay-ms "$delay" 2>"$TMP/n.err" &
    local pn=$!
    nport=$(wait_port "$TMP/n.err")
    local t0 t1
    t0=$(date +%s%N)
    "$BUILD/mpcrun" "$TMP/$prog.circ" --party e --connect "127.0.0.1:$nport" "${ein[@]}" --timeout 300 --garbling "$scheme" \
        >"$TMP/e.out" 2>"$TMP/e.err"
    t1=$(date +%s%N)
    wait $pg $pn
    local legs up down
    legs=$(sed -n 's/.* legs \([0-9]*\),.*/\1/p' "$TMP/n.err")
    up=$(sed -n 's/.*up \([0-9]*\) bytes.*/\1/p' "$TMP/n.err")
    down=$(sed -n 's/.*down \([0-9]*\) bytes.*/\1/p' "$TMP/n.err")
    echo "$(( (t1 - t0) / 1000000 )) $legs $(( up + down ))"
}

for link in $LINKS; do
    rate=${link%%:*} delay=${link#*:}
    echo "# link $rate Mbit/s, one-way delay $delay ms (round trip $(echo "2 * $delay" | bc) ms)"
    if command -v python3 >/dev/null; then
        python3 - "$NETSIM" "$rate" "$delay" <<'PY'
import socket, statistics, subprocess, sys, threading, time
ns, rate, delay = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
def start():
    srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
    p = subprocess.Popen([ns, "--target", "127.0.0.1:%d" % srv.getsockname()[1], "--rate-mbit", str(rate),
                          "--delay-ms", str(delay)], stderr=subprocess.PIPE, text=True)
    c = socket.create_connection(("127.0.0.1", int(p.stderr.readline().split()[-1])))
    s, _ = srv.accept()
    for x in (c, s): x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return p, c, s
p, c, s = start()
n = 20_000_000 if rate >= 500 else 5_000_000
def sink():
    got = 0
    while got < n: got += len(s.recv(1 << 20))
    s.sendall(b"k")
th = threading.Thread(target=sink); th.start()
t0 = time.monotonic(); c.sendall(b"x" * n); c.recv(1); t = time.monotonic() - t0 - 2 * delay / 1000
th.join(); c.close(); s.close(); p.communicate()
print("link_check_throughput %.1f Mbit/s (%.1f%% of %g)" % (n * 8 / t / 1e6, 100 * n * 8 / t / 1e6 / rate, rate))
p, c, s = start(); rtts = []
for i in range(20):
    t0 = time.monotonic(); c.sendall(b"p"); s.recv(1); s.sendall(b"q"); c.recv(1); rtts.append(time.monotonic() - t0)
c.close(); s.close(); p.communicate()
m = statistics.median(rtts) * 1000
print("link_check_rtt %.2f ms (%.1f%% of %g)" % (m, 100 * m / (2 * delay), 2 * delay))
PY
    fi
    for prog in aes loop; do
        and=$("$BUILD/mpcc" stats "$TMP/$prog.circ" | sed -n 's/^and: //p')
        echo "${prog}_and_gates $and"
        first_rate=""
        for scheme in $SCHEMES; do
            ms=() legs=() bytes=()
            for r in $(seq 1 "$RUNS"); do
                read -r m l b < <(one_run "$prog" "$rate" "$delay" "$scheme")
                ms+=("$m") legs+=("$l") bytes+=("$b")
            done
            m=$(printf '%s\n' "${ms[@]}" | median)
            l=$(printf '%s\n' "${legs[@]}" | median)
            b=$(printf '%s\n' "${bytes[@]}" | median)
            p=${prog}_$scheme
            echo "${p}_wall $m ms"
            echo "${p}_legs $l one-way legs ($((l - 1)) replies)"
            bpa=$(echo "scale=2; $b / $and" | bc)
            echo "${p}_bytes_per_and $bpa B"
            if [ "$prog" = loop ]; then
                rate_and=$(echo "scale=0; $and * 1000 / $m" | bc)
                limit=$(echo "scale=0; $rate * 1000000 / 8 / $bpa" | bc)
                echo "${p}_and_per_s $rate_and AND/s end to end (the link allows $limit: $(echo "scale=1; 100 * $rate_and / $limit" | bc)%)"
                if [ -z "$first_rate" ]; then first_rate=$rate_and
                else echo "loop_speedup $(echo "scale=2; $rate_and / $first_rate" | bc)x ($scheme over ${SCHEMES%% *})"; fi
            fi
        done
    done
done
