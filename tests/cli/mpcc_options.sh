# mpcc_options.sh - the mpcc and mpcrun command lines (GNU style,
# getopt_long): `--opt value`, `--opt=value` and `-oFILE` spell the same
# thing; unknown, misplaced and incomplete options get one clear message and
# exit status 2; and the
# subcircuit modes (--subcircuits=auto|always|never) and the text form
# (--text) compile every example to circuits that give the same outputs.
# Needs only the project (no ../shared).
. "$(dirname "$0")/common.bash"
: "${MPCC:?set MPCC to the mpcc binary}"
EX="$MPCC_SOURCE_DIR/examples"

# expect_error WHAT STATUS MESSAGE ARGS...: exit STATUS, MESSAGE as the first
# line of stderr (less the "(try 'mpcc help COMMAND')" hint), nothing on
# stdout.
expect_error() {
    local what=$1 want_rc=$2 want_msg=$3
    shift 3
    "$MPCC" "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$? got
    got=$(head -n 1 "$TMP/err")
    got=${got% (try \'mpcc help *\')}
    if [ $rc -ne "$want_rc" ] || [ "$got" != "$want_msg" ] || [ -s "$TMP/out" ]; then
        bad "$what: exit $rc, stderr '$got' (wanted $want_rc, '$want_msg'), stdout '$(head -c 200 "$TMP/out")'"
    else
        ok
    fi
}

# inputs_of NAME: the --inputs options of an example's sample input files.
inputs_of() {
    local f
    for f in "$EX"/inputs/"$1"_*.txt; do
        case $f in *_expected.txt) ;; *) printf '%s\n' "--inputs=$f" ;; esac
    done
}

# ---- the same run, every spelling of the options
mill="$EX/millionaires.mpc"
want="alice: alice_is_richer = true
bob: alice_is_richer = true"
for spelling in "--input=alice:wealth_a=12 --input=bob:wealth_b=7" \
                "--input alice:wealth_a=12 --input bob:wealth_b=7" \
                "--input bob:wealth_b=7 --input=alice:wealth_a=12"; do
    # shellcheck disable=SC2086 # the spelling is meant to split
    got=$("$MPCC" run "$mill" $spelling 2>"$TMP/err")
    if [ $? = 0 ] && [ "$got" = "$want" ] && [ ! -s "$TMP/err" ]; then ok; else
        bad "run $spelling: got [$got] $(cat "$TMP/err")"; fi
done
# Options before the file, and `--` ending them.
got=$("$MPCC" run --input=alice:wealth_a=1 --input=bob:wealth_b=2 -- "$mill" 2>&1)
[ "$got" = "alice: alice_is_richer = false
bob: alice_is_richer = false" ] && ok || bad "options before the file: [$got]"

for spelling in "-o $TMP/a.circ" "-o$TMP/a.circ" "--output $TMP/a.circ" "--output=$TMP/a.circ"; do
    rm -f "$TMP/a.circ"
    # shellcheck disable=SC2086
    if "$MPCC" compile "$mill" $spelling 2>"$TMP/err" && [ -s "$TMP/a.circ" ]; then ok; else
        bad "compile $spelling: $(cat "$TMP/err")"; fi
done

# ---- usage errors: status 2, one message, nothing written
expect_error "unknown long option" 2 "mpcc: compile: unknown option '--frobnicate'" \
    compile "$mill" -o "$TMP/b.circ" --frobnicate
expect_error "unknown short option" 2 "mpcc: compile: unknown option '-q'" compile "$mill" -q
expect_error "missing argument" 2 "mpcc: run: --input needs [PARTY:]NAME=VALUE" run "$mill" --input
expect_error "missing -o argument" 2 "mpcc: compile: -o needs a file name" compile "$mill" -o
expect_error "option for another command" 2 "mpcc: compile: option '--input' does not apply here" \
    compile "$mill" -o "$TMP/b.circ" --input alice:wealth_a=1
expect_error "--text outside compile" 2 "mpcc: stats: option '--text' does not apply here" \
    stats "$mill" --text
expect_error "bad --subcircuits" 2 \
    "mpcc: compile: --subcircuits takes auto, always or never, not 'sometimes'" \
    compile "$mill" -o "$TMP/b.circ" --subcircuits=sometimes
expect_error "value given to a flag" 2 "mpcc: stats: option '--profile' takes no value" \
    stats "$mill" --profile=yes
[ ! -e "$TMP/b.circ" ] && ok || bad "a refused compile left $TMP/b.circ"

# ---- --bristol: the stdlib's AES-128 and SHA-256 exported as plain Bristol
# Fashion, evaluated by `mpcc eval`: FIPS-197 C.1, and SHA-256 digests of
# random messages against coreutils' sha256sum
printf 'import "crypto";\nparty a, b;\ninput a uint128 k;\ninput b uint128 m;\noutput all c = aes128_encrypt(k, m);\n' >"$TMP/aes.mpc"
if "$MPCC" compile "$TMP/aes.mpc" --bristol -o "$TMP/aes.txt" 2>"$TMP/err"; then
    got=$("$MPCC" eval "$TMP/aes.txt" 000102030405060708090a0b0c0d0e0f 00112233445566778899aabbccddeeff 2>&1)
    [ "$got" = 69c4e0d86a7b0430d8cdb78070b4c55a ] && ok || bad "--bristol AES-128: FIPS-197 C.1 gave [$got]"
    [ "$(head -c 1 "$TMP/aes.txt")" != "m" ] && ok || bad "--bristol wrote an interface header"
else
    bad "--bristol AES: $(cat "$TMP/err")"
fi
printf 'import "crypto";\nparty a, b;\ninput a uint8 m[13];\ninput b bool unused;\noutput all d = sha256(m);\n' >"$TMP/sha.mpc"
if "$MPCC" compile "$TMP/sha.mpc" --bristol -o "$TMP/sha.txt" 2>"$TMP/err"; then
    for k in 1 2 3; do
        head -c 13 /dev/urandom >"$TMP/msg"
        want=$(sha256sum "$TMP/msg" | cut -d' ' -f1)
        hex=$(od -An -tx1 -v "$TMP/msg" | tr -d ' \n' | fold -w2 | tac | tr -d '\n') # msg[0] is the low byte
        got=$("$MPCC" eval "$TMP/sha.txt" "$hex" 0 2>&1)
        [ "$got" = "$want" ] && ok || bad "--bristol SHA-256 of $hex: got [$got] wanted [$want]"
    done
else
    bad "--bristol SHA-256: $(cat "$TMP/err")"
fi
expect_error "--text with --bristol" 2 "mpcc: compile: choose one of --text and --bristol" \
    compile "$mill" -o "$TMP/b.circ" --text --bristol

# Without -o: PROG.circ beside PROG.mpc (PROG.txt with --bristol), both for
# `compile` and for the `mpcc PROG.mpc` shorthand.
cp "$mill" "$TMP/noout.mpc"
if "$MPCC" compile "$TMP/noout.mpc" 2>"$TMP/err" && "$MPCC" run "$TMP/noout.circ" \
    --input alice:wealth_a=5 --input bob:wealth_b=4 | grep -q "alice_is_richer = true"; then ok; else
    bad "compile without -o: $(cat "$TMP/err"; ls "$TMP")"; fi
rm -f "$TMP/noout.circ"
"$MPCC" "$TMP/noout.mpc" --bristol 2>"$TMP/err" && head -1 "$TMP/noout.txt" | grep -q '^[0-9]* [0-9]*$' &&
    [ ! -e "$TMP/noout.circ" ] && ok || bad "mpcc PROG.mpc --bristol without -o: $(cat "$TMP/err")"

# ---- mpcrun: the same spellings (run in one process with --local)
if [ -n "${MPCRUN:-}" ] && [ -x "$MPCRUN" ]; then
    "$MPCC" compile "$mill" --output="$TMP/m.circ"
    want="[alice]
alice_is_richer = false
[bob]
alice_is_richer = false"
    for spelling in "--local --input=alice:wealth_a=3 --input=bob:wealth_b=4" \
                    "--input alice:wealth_a=3 --local --input bob:wealth_b=4 --timeout=9" \
                    "--local --inputs=$TMP/ia.txt --input-file $TMP/ib.txt"; do
        echo "alice:wealth_a = 3" >"$TMP/ia.txt"; echo "bob:wealth_b = 4" >"$TMP/ib.txt"
        # shellcheck disable=SC2086
        got=$("$MPCRUN" "$TMP/m.circ" $spelling 2>&1)
        [ "$got" = "$want" ] && ok || bad "mpcrun $spelling: got [$got]"
    done
    # mpcrun_error WHAT MESSAGE ARGS...: exit 2 with MESSAGE first on stderr.
    mpcrun_error() {
        local what=$1 want_msg=$2; shift 2
        "$MPCRUN" "$@" >"$TMP/out" 2>"$TMP/err"
        local rc=$? got
        got=$(head -n 1 "$TMP/err")
        [ $rc = 2 ] && [ "$got" = "$want_msg" ] && [ ! -s "$TMP/out" ] && ok ||
            bad "mpcrun $what: exit $rc, stderr '$got', wanted '$want_msg'"
    }
    mpcrun_error "unknown option" "mpcrun: unknown option '--frobnicate'" "$TMP/m.circ" --frobnicate
    mpcrun_error "missing value" "mpcrun: option --party needs a value" "$TMP/m.circ" --local --party
    mpcrun_error "value to a flag" "mpcrun: option --json takes no value" "$TMP/m.circ" --json=yes
    mpcrun_error "bad timeout" "mpcrun: --timeout takes a number of seconds from 1 to 86400, not '0'" \
        "$TMP/m.circ" --timeout=0
    mpcrun_error "two files" "mpcrun: unexpected argument 'b.circ' (one circuit file only)" "$TMP/m.circ" b.circ
else
    bad "no mpcrun (MPCRUN='${MPCRUN:-}')"
fi

# ---- every example: the three subcircuit modes, binary and text form, give
# the expected outputs (the sample inputs' *_expected.txt)
for want_file in "$EX"/inputs/*_expected.txt; do
    name=$(basename "$want_file" _expected.txt)
    mapfile -t ins < <(inputs_of "$name")
    want=$(cat "$want_file")
    for mode in auto always never; do
        for form in binary text; do
            extra=()
            [ $form = text ] && extra=(--text)
            if ! "$MPCC" compile "$EX/$name.mpc" --subcircuits=$mode "${extra[@]}" \
                    -o "$TMP/$name.$mode.$form.circ" 2>"$TMP/err"; then
                bad "$name $mode $form: compile: $(cat "$TMP/err")"; continue
            fi
            got=$("$MPCC" run "$TMP/$name.$mode.$form.circ" "${ins[@]}" 2>"$TMP/err")
            if [ $? = 0 ] && [ "$got" = "$want" ]; then ok; else
                bad "$name $mode $form: got [$got] wanted [$want] $(cat "$TMP/err")"; fi
        done
    done
    # The text form has the calls expanded: the same AND and XOR gates as the
    # binary one (Bristol may add INV gates to copy outputs to the last wires).
    a=$("$MPCC" stats "$TMP/$name.always.binary.circ" | grep -E '^(and|xor): ')
    b=$("$MPCC" stats "$TMP/$name.always.text.circ" | grep -E '^(and|xor): ')
    [ "$a" = "$b" ] && ok || bad "$name: binary [$a] and text [$b] counts differ"
done

# ---- a program past the automatic threshold: subcircuits with calls, the
# same answer as the flat circuit, and stats reports them
printf 'party a, b;\nconst N = 40;\ninput a uint64 x[N];\ninput b uint64 y[N];\nuint64 s = 0;\nfor i in 0..N { s += x[i] * y[i]; }\noutput all s;\n' >"$TMP/ip.mpc"
xs=() ys=() sum=0
for i in $(seq 1 40); do
    x=$(( (RANDOM << 15 | RANDOM) )) y=$(( (RANDOM << 15 | RANDOM) ))
    xs+=("$x"); ys+=("$y"); sum=$(( sum + x * y ))
done
sum=$(printf '%u' "$sum")
xl=$(IFS=,; echo "[${xs[*]}]"); yl=$(IFS=,; echo "[${ys[*]}]")
for mode in auto never; do
    "$MPCC" compile "$TMP/ip.mpc" --subcircuits=$mode -o "$TMP/ip.$mode.circ" || bad "ip $mode: compile"
    got=$("$MPCC" run "$TMP/ip.$mode.circ" --input "a:x=$xl" --input "b:y=$yl" 2>&1)
    [ "$got" = "a: s = $sum
b: s = $sum" ] && ok || bad "ip $mode: got [$got], wanted s = $sum"
done
calls=$("$MPCC" stats "$TMP/ip.auto.circ" | awk '$1 == "calls:" { print $2 }')
[ -n "$calls" ] && [ "$calls" -gt 0 ] && ok || bad "ip auto: no calls in [$("$MPCC" stats "$TMP/ip.auto.circ")]"
ands_auto=$("$MPCC" stats "$TMP/ip.auto.circ" | awk '$1 == "and:" { print $2 }')
ands_never=$("$MPCC" stats "$TMP/ip.never.circ" | awk '$1 == "and:" { print $2 }')
[ "$ands_auto" = "$ands_never" ] && ok || bad "ip: $ands_auto AND gates with calls, $ands_never flat"
size_auto=$(stat -c %s "$TMP/ip.auto.circ") size_never=$(stat -c %s "$TMP/ip.never.circ")
[ "$size_auto" -lt $((size_never / 4)) ] && ok || bad "ip: the file with calls ($size_auto B) is not smaller than flat ($size_never B)"
finish
