#!/usr/bin/env bash
# netsim.sh - the shaped-link relay (tests/tools/netsim.c): bytes cross it
# intact both ways; it is never faster than its settings (a transfer takes at
# least size / rate, a ping-pong at least two one-way delays: lower bounds,
# so the test cannot flake on a busy machine; how close it comes to them is
# measured by bench/wan.sh); it counts a reply per turn of a ping-pong; a
# real two-party run through it gives the right answer; bad usage exits 2.
source "$(dirname "$0")/common.bash"
MPCC=${MPCC:?} MPCRUN=${MPCRUN:?} SRC=${MPCC_SOURCE_DIR:?}
NETSIM=${NETSIM:-${MPCC_BINARY_DIR:-}/tests/netsim}
[ -x "$NETSIM" ] || skip "netsim not built"
command -v python3 >/dev/null || skip "python3 is not installed"

python3 - "$NETSIM" <<'PY' >"$TMP/py.out" 2>&1 && ok || bad "relay checks: $(cat "$TMP/py.out")"
import os, socket, subprocess, sys, threading, time
ns = sys.argv[1]

def start(args):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    p = subprocess.Popen([ns, "--target", "127.0.0.1:%d" % srv.getsockname()[1]] + args,
                         stderr=subprocess.PIPE, text=True)
    port = int(p.stderr.readline().split()[-1])
    c = socket.create_connection(("127.0.0.1", port))
    s, _ = srv.accept()
    for x in (c, s):
        x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return p, c, s

def recv_all(sock, n):
    out = bytearray()
    while len(out) < n:
        b = sock.recv(min(1 << 20, n - len(out)))
        assert b, "closed early"
        out += b
    return bytes(out)

# Integrity both ways at the same time, and the shaping's lower bound.
p, c, s = start(["--rate-mbit", "200", "--delay-ms", "2"])
up, down = os.urandom(4_000_000), os.urandom(1_000_000)
got = {}
th = threading.Thread(target=lambda: got.setdefault("up", recv_all(s, len(up))))
th.start()
t0 = time.monotonic()
s.sendall(down)
c.sendall(up)
got["down"] = recv_all(c, len(down))
th.join()
t = time.monotonic() - t0
assert got["up"] == up and got["down"] == down, "bytes changed on the way"
assert t >= len(up) * 8 / 200e6 * 0.99, "faster than 200 Mbit/s: %.3f s" % t
c.close(); s.close()
err = p.communicate(timeout=10)[1]
assert p.returncode == 0, err
assert "up 4000000 bytes, down 1000000 bytes" in err, err

# Ping-pong: every round trip at least two one-way delays; one turn per reply.
p, c, s = start(["--delay-ms", "15"])
for i in range(10):
    t0 = time.monotonic()
    c.sendall(b"p"); recv_all(s, 1); s.sendall(b"q"); recv_all(c, 1)
    rtt = time.monotonic() - t0
    assert rtt >= 0.030 * 0.99, "round trip %.4f s shorter than 2 x 15 ms" % rtt
c.close(); s.close()
err = p.communicate(timeout=10)[1]
assert "turns 19, legs 20" in err, err
print("ok")
PY

# A two-party run through a shaped link.
"$MPCC" compile "$SRC/examples/millionaires.mpc" -o "$TMP/m.circ" || bad "compile"
"$MPCRUN" "$TMP/m.circ" --party alice --listen 127.0.0.1:0 --input wealth_a=7 --timeout 20 \
    >"$TMP/a.out" 2>"$TMP/a.err" & pa=$!
port=$(wait_port "$TMP/a.err") || bad "alice did not listen: $(cat "$TMP/a.err")"
"$NETSIM" --target "127.0.0.1:$port" --rate-mbit 100 --delay-ms 5 2>"$TMP/ns.err" & pn=$!
nport=$(for i in $(seq 100); do p=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$TMP/ns.err"); [ -n "$p" ] && { echo "$p"; break; }; sleep 0.05; done)
start=$(date +%s%N)
"$MPCRUN" "$TMP/m.circ" --party bob --connect "127.0.0.1:$nport" --input wealth_b=3 --timeout 20 \
    >"$TMP/b.out" 2>"$TMP/b.err"; rb=$?
wait $pa; ra=$?
wait $pn; rn=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
legs=$(sed -n 's/.* legs \([0-9]*\),.*/\1/p' "$TMP/ns.err")
[ $ra = 0 ] && [ $rb = 0 ] && [ $rn = 0 ] && [ "$(cat "$TMP/b.out")" = "alice_is_richer = true" ] &&
    [ -n "$legs" ] && [ "$legs" -ge 2 ] && [ "$ms" -ge $(( legs * 5 * 99 / 100 )) ] && ok ||
    bad "mpcrun through netsim: rc $ra/$rb/$rn, legs [$legs], $ms ms: $(cat "$TMP/b.out" "$TMP/a.err" "$TMP/b.err" "$TMP/ns.err")"

"$NETSIM" --rate-mbit 5 2>/dev/null; [ $? = 2 ] && ok || bad "netsim without --target: not a usage error"
"$NETSIM" --target 127.0.0.1:1 --delay-ms x 2>/dev/null; [ $? = 2 ] && ok || bad "netsim with a bad number: not a usage error"
finish
