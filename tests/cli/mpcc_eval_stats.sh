#!/usr/bin/env bash
# mpcc_eval_stats.sh - drives the real `mpcc` binary: `mpcc eval` reproduces
# every vector of the project's own Bristol circuits (tests/cli/own_circuits.bash:
# adders, multiplier, AES-128 against FIPS-197 and openssl, SHA-256 against
# sha256sum) and, when ../shared is present, every line of its vectors.txt;
# `mpcc stats` reports sha256's counts; each usage or value error exits
# non-zero with its exact message on stderr and nothing on stdout. Needs
# $MPCC; $MPCC_SHARED_DIR adds the shared circuits.
set -u

: "${MPCC:?set MPCC to the mpcc binary}"
. "$(dirname "$0")/own_circuits.bash"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpcc-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
make_own_circuits "$tmp/own" || { echo "FAIL: the project's own circuits do not compile"; exit 1; }
shared=${MPCC_SHARED_DIR:-}
if [ -n "$shared" ] && [ -r "$shared/circuits/vectors.txt" ]; then
    bristol=$shared/circuits/bristol
else
    echo "note: ../shared absent: the project's own circuits only"
    shared=""
    bristol=$tmp/own
fi

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# run NAME ARGS...: runs mpcc, leaving stdout/stderr/status in $tmp/out, $tmp/err, $rc.
run() {
    "$MPCC" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# expect_error WHAT STATUS MESSAGE ARGS...: non-zero STATUS, MESSAGE as the
# first line of stderr, empty stdout.
expect_error() {
    local what=$1 want_rc=$2 want_msg=$3
    shift 3
    run "$@"
    local got_msg
    got_msg=$(head -n 1 "$tmp/err")
    if [ "$rc" -ne "$want_rc" ]; then
        fail "$what: exit status $rc, expected $want_rc"
    elif [ "$got_msg" != "$want_msg" ]; then
        fail "$what: stderr '$got_msg', expected '$want_msg'"
    elif [ -s "$tmp/out" ]; then
        fail "$what: unexpected stdout: $(head -c 200 "$tmp/out")"
    else
        pass
    fi
}

# ---- every reference vector: ours, then ../shared's ----
# check_vectors DIR VECTORS: each line's circuit DIR/NAME.txt gives its outputs.
check_vectors() {
    local dir=$1 vec=$2 line name ins want
    n_vectors=0
    while read -r line; do
        [ -z "$line" ] && continue
        n_vectors=$((n_vectors + 1))
        name=${line%% *}
        ins=${line#* }
        ins=${ins%% -> *}
        want=${line##* -> }
        # shellcheck disable=SC2086 # the values are meant to split on spaces
        run eval "$dir/$name.txt" $ins
        got=$(tr '\n' ' ' <"$tmp/out" | sed 's/ $//')
        if [ "$rc" -ne 0 ] || [ "$got" != "$want" ] || [ -s "$tmp/err" ]; then
            fail "vector $n_vectors of $vec ($name): status $rc, got '$got', expected '$want' $(cat "$tmp/err")"
        else
            pass
        fi
    done <"$vec"
}
check_vectors "$tmp/own" "$tmp/own/vectors.txt"
[ "$n_vectors" -ge 29 ] && pass || fail "own vectors: only $n_vectors"
if [ -n "$shared" ]; then
    check_vectors "$shared/circuits/bristol" "$shared/circuits/vectors.txt"
    [ "$n_vectors" -eq 80 ] && pass || fail "vectors.txt has $n_vectors vectors, expected 80"
fi

# ---- stats ----
if [ -n "$shared" ]; then
    run stats "$bristol/sha256.txt"
    wants=("gates: 135073" "and: 22573" "xor: 110644" "inv: 1856" "inputs: 2 (512, 256 bits)" "outputs: 1 (256 bits)")
else
    run stats "$tmp/own/sha256_55.txt"
    wants=("inputs: 1 (440 bits)" "outputs: 1 (256 bits)")
fi
for want in "${wants[@]}"; do
    if [ "$rc" -eq 0 ] && grep -qx "$want" "$tmp/out"; then
        pass
    else
        fail "stats: no line '$want' (status $rc): $(cat "$tmp/out" "$tmp/err")"
    fi
done
for key in gates and xor inv wires and_depth depth peak_live_wires; do
    if grep -qE "^$key: [0-9]+$" "$tmp/out"; then pass; else fail "stats: no '$key: N' line"; fi
done

# One format for every kind of file: a program, its .circ and its Bristol
# export list the same names (the program adds subcircuits/calls only when
# it has calls), and --json holds the same names and values.
cat >"$tmp/prog.mpc" <<'X'
party a, b;
input a uint16 x[3];
input b uint16 y;
output all s = x[0] * y + x[1] * y + x[2];
X
"$MPCC" compile "$tmp/prog.mpc" -o "$tmp/prog.circ" && "$MPCC" compile "$tmp/prog.mpc" --bristol -o "$tmp/prog.txt" ||
    fail "compile prog.mpc"
for f in prog.mpc prog.circ prog.txt; do
    "$MPCC" stats "$tmp/$f" >"$tmp/st.$f" 2>&1 || fail "stats $f: $(cat "$tmp/st.$f")"
    "$MPCC" stats "$tmp/$f" --json >"$tmp/js.$f" 2>&1 || fail "stats --json $f: $(cat "$tmp/js.$f")"
    keys=$(sed 's/:.*//' "$tmp/st.$f" | tr '\n' ' ')
    [ "$keys" = "gates and xor inv wires inputs outputs input_bits output_bits and_depth depth peak_live_wires " ] &&
        pass || fail "stats $f: names [$keys]"
    grep -qx "inputs: 2 (48, 16 bits)" "$tmp/st.$f" && grep -qx "outputs: 1 (16 bits)" "$tmp/st.$f" &&
        pass || fail "stats $f: [$(cat "$tmp/st.$f")]"
    if command -v python3 >/dev/null; then
        python3 - "$tmp/st.$f" "$tmp/js.$f" <<'PY' && pass || fail "stats --json $f does not match its text: $(cat "$tmp/js.$f")"
import json, sys
text = dict(l.split(": ", 1) for l in open(sys.argv[1]).read().splitlines())
js = json.loads(open(sys.argv[2]).read())
assert list(js) == list(text), (list(js), list(text))
for k, v in js.items():
    if isinstance(v, list):
        assert text[k] == "%d (%s bits)" % (len(v), ", ".join(map(str, v))), (k, v, text[k])
    else:
        assert str(v) == text[k], (k, v, text[k])
PY
    fi
done
cmp -s "$tmp/st.prog.mpc" "$tmp/st.prog.circ" && pass || fail "stats of a program and of its .circ differ"
grep -qx "and: $(sed -n 's/^and: //p' "$tmp/st.prog.mpc")" "$tmp/st.prog.txt" && pass ||
    fail "the Bristol export has other AND counts: $(cat "$tmp/st.prog.txt")"
"$MPCC" stats "$tmp/prog.mpc" --profile --json >"$tmp/pj" 2>&1 &&
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["lines"][0]["line"] == 4 and d["lines"][0]["and"] == d["and"], d' "$tmp/pj" &&
    pass || fail "stats --profile --json: $(cat "$tmp/pj")"
expect_error "an option Bristol stats do not take" 2 "mpcc: stats: the only option for a Bristol Fashion file is --json" \
    stats "$tmp/prog.txt" --profile

# ---- errors ----
expect_error "too few values" 1 "mpcc: eval: aes_128.txt takes 2 input values, 1 given" \
    eval "$bristol/aes_128.txt" 000102030405060708090a0b0c0d0e0f
expect_error "too many values" 1 "mpcc: eval: zero_equal.txt takes 1 input value, 2 given" \
    eval "$bristol/zero_equal.txt" 0 1
expect_error "non-hex value" 1 "mpcc: eval: value 2: 'xyz' is not hexadecimal" \
    eval "$bristol/adder64.txt" 1 xyz
expect_error "value too wide" 1 "mpcc: eval: value 1: 0x10000000000000000 does not fit in 64 bits" \
    eval "$bristol/adder64.txt" 0x10000000000000000 0
expect_error "empty value" 1 "mpcc: eval: value 1: empty value, expected hexadecimal digits" \
    eval "$bristol/neg64.txt" ""
expect_error "missing file" 1 "mpcc: cannot open $tmp/none.txt: No such file or directory" \
    eval "$tmp/none.txt" 0
printf '1 3\n1 1\n1 1\n\n2 1 0 1 2 FOO\n' >"$tmp/bad.txt"
run eval "$tmp/bad.txt" 1
if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q "^mpcc: .*bad.txt:" "$tmp/err"; then
    pass
else
    fail "malformed circuit: status $rc, stderr '$(cat "$tmp/err")'"
fi
expect_error "unknown command" 2 "mpcc: unknown command 'frobnicate' (try 'mpcc --help')" frobnicate
expect_error "stats without file" 2 "mpcc: stats: expected one FILE argument" stats
expect_error "eval without file" 2 \
    "mpcc: eval: expected a FILE and one hexadecimal value per input" eval

# ---- help and version ----
run --version
if [ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = "mpcc 0.1.0" ]; then pass; else fail "--version"; fi
for args in "--help" "help"; do
    run $args
    if [ "$rc" -eq 0 ] && grep -q "^  stats FILE" "$tmp/out" && grep -q "^  eval FILE HEX" "$tmp/out"
    then pass; else fail "mpcc $args: status $rc"; fi
done
run help eval
if [ "$rc" -eq 0 ] && grep -q "^usage: mpcc eval FILE HEX" "$tmp/out"; then pass; else fail "help eval"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
