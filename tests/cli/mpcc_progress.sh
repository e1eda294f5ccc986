#!/usr/bin/env bash
# mpcc_progress.sh - mpcc's compile progress line: under a pseudo-terminal
# (script) a long compile shows one line redrawn in place (phase, AND gates
# built) and erases it at the end, --progress shows it for any compile and
# ends with the circuit's AND gates, --quiet shows nothing; off a terminal
# nothing shows by default and --progress writes plain lines; stdout never
# carries it; a failed compile says so before its diagnostic.
source "$(dirname "$0")/common.bash"
MPCC=${MPCC:?} SRC=${MPCC_SOURCE_DIR:?}
# The pseudo-terminal: Python's pty module, which copies the child's output
# until the child closes it (util-linux script, with stdin at EOF, can quit
# before the output is copied and lose all of it: seen as an empty capture).
command -v python3 >/dev/null || skip "python3 is not installed"
pty() {
    python3 -c 'import os, pty, sys; st = pty.spawn(sys.argv[1:]); sys.exit(os.waitstatus_to_exitcode(st))' "$@" </dev/null
}

# A compile of about 2 s here (the line shows after 1 s): about 3.2 M AND
# gates, all inlined.
cat >"$TMP/long.mpc" <<'X'
party a, b;
input a uint32 x[56];
input b uint32 y[56];
uint32 s = 0;
for i in 0..56 { for j in 0..56 { s = s + x[i] * y[j]; } }
output all s;
X
cp "$SRC/examples/millionaires.mpc" "$TMP/m.mpc"
AND=$("$MPCC" stats "$TMP/m.mpc" | awk '$1 == "and:" { print $2 }')

# Auto on a terminal: the line appears during the long compile, then goes.
raw=$(pty "$MPCC" compile "$TMP/long.mpc" -o "$TMP/long.circ" --subcircuits=never)
echo "$raw" | grep -q $'\rmpcc: long.mpc: [a-z]*, [0-9.]* [kM]* *AND gates built.*, [0-9.]* s\033\[K' &&
    ok || bad "pty, auto: no progress line in [$(printf '%q' "$raw")]"
[ "${raw: -4}" = $'\r\033[K' ] && ok || bad "pty, auto: the line is not erased at the end: [$(printf '%q' "${raw: -80}")]"
[ -s "$TMP/long.circ" ] && ok || bad "pty, auto: nothing written"

# --progress on a terminal: even a short compile ends with the whole figure.
raw=$(pty "$MPCC" compile "$TMP/m.mpc" -o "$TMP/m.circ" --progress)
echo "$raw" | tr -d '\r' | grep -q "mpcc: m.mpc: done, $AND AND gates ($AND built), [0-9.]* s" &&
    ok || bad "pty --progress: [$(printf '%q' "$raw")]"
# --quiet: nothing, even for the long compile.
raw=$(pty "$MPCC" compile "$TMP/long.mpc" -o "$TMP/long2.circ" --subcircuits=never --quiet)
[ -z "$raw" ] && ok || bad "pty --quiet printed [$(printf '%q' "${raw:0:200}")]"

# Off a terminal: nothing by default, plain lines with --progress.
"$MPCC" compile "$TMP/long.mpc" -o "$TMP/long3.circ" --subcircuits=never 2>"$TMP/e0"
[ ! -s "$TMP/e0" ] && ok || bad "pipe, auto: [$(cat "$TMP/e0")]"
"$MPCC" compile "$TMP/long.mpc" -o "$TMP/long4.circ" --progress 2>"$TMP/e1"
grep -q $'\r' "$TMP/e1" && bad "pipe --progress draws with carriage returns" || ok
LONG_AND=$("$MPCC" stats "$TMP/long4.circ" | awk '$1 == "and:" { print $2 }')
tail -1 "$TMP/e1" | grep -qx "mpcc: long.mpc: done, .* AND gates (.* built), [0-9.]* s" &&
    ok || bad "pipe --progress, last line: [$(cat "$TMP/e1")]"
[ "$LONG_AND" -gt 1500000 ] && ok || bad "the long program has $LONG_AND AND gates"
cmp -s "$TMP/long3.circ" "$TMP/long.circ" && ok || bad "progress changed the compiled file"

# stdout of run never carries it; a .circ (no compile) shows none.
in=(--input alice:wealth_a=5 --input bob:wealth_b=4)
"$MPCC" run "$TMP/m.mpc" "${in[@]}" >"$TMP/o1"
"$MPCC" run "$TMP/m.mpc" "${in[@]}" --progress >"$TMP/o2" 2>"$TMP/e2"
cmp -s "$TMP/o1" "$TMP/o2" && ok || bad "run --progress changed stdout"
grep -q "^mpcc: m.mpc: done, $AND AND gates" "$TMP/e2" && ok || bad "run --progress: [$(cat "$TMP/e2")]"
"$MPCC" run "$TMP/m.circ" "${in[@]}" --progress >/dev/null 2>"$TMP/e3"
[ ! -s "$TMP/e3" ] && ok || bad "run of a .circ --progress: [$(cat "$TMP/e3")]"

# A failed compile: the last progress line says so, then the diagnostic.
printf 'party a, b;\noutput all x = 1 +;\n' >"$TMP/bad.mpc"
"$MPCC" compile "$TMP/bad.mpc" --progress 2>"$TMP/e4" && bad "bad.mpc compiled"
head -1 "$TMP/e4" | grep -qx "mpcc: bad.mpc: failed (parsing), [0-9.]* s" && ok || bad "failed compile: [$(cat "$TMP/e4")]"
grep -q "bad.mpc:2:.*error" "$TMP/e4" && ok || bad "failed compile: no diagnostic [$(cat "$TMP/e4")]"
[ ! -e "$TMP/bad.circ" ] && ok || bad "a failed compile left bad.circ"
finish
