# mpcc_audit.sh - `mpcc audit`: the report on every example equals the one
# kept in tests/audit/ (so a change in what an example discloses shows up
# in review), --json is valid JSON with the same facts, and each of the
# three warnings is raised by a small program that needs it and by no
# example.
. "$(dirname "$0")/common.bash"
EX="$MPCC_SOURCE_DIR/examples"
WANT="$MPCC_SOURCE_DIR/tests/audit"

n=0
for src in "$EX"/*.mpc; do
    name=$(basename "$src" .mpc)
    n=$((n + 1))
    if [ ! -f "$WANT/$name.txt" ]; then bad "no expected report tests/audit/$name.txt"; continue; fi
    if (cd "$EX" && "$MPCC" audit "$name.mpc") >"$TMP/$name.txt" 2>"$TMP/$name.err" &&
       diff -u "$WANT/$name.txt" "$TMP/$name.txt" >"$TMP/$name.diff"; then
        ok
    else
        bad "audit of $name.mpc differs from tests/audit/$name.txt: $(cat "$TMP/$name.diff" "$TMP/$name.err")"
    fi
    # The same facts as JSON (checked when python3 is there to parse it).
    if (cd "$EX" && "$MPCC" audit --json "$name.mpc") >"$TMP/$name.json" 2>&1; then ok; else bad "audit --json $name.mpc"; fi
    if command -v python3 >/dev/null 2>&1; then
        if python3 - "$TMP/$name.json" "$WANT/$name.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
assert r["warnings"] == [], r["warnings"]
for o in r["outputs"]:
    assert ("  %s: %s, to %s (%s)" % (o["name"], o["type"], ", ".join(o["to"]), o["at"])) in text, o
    assert ("AND gates: %d" % o["and_gates"]) in text, o
PY
        then ok; else bad "audit --json $name.mpc does not match the text report"; fi
    fi
done
[ "$n" -ge 10 ] && ok || bad "only $n examples found"

# audit_warns NAME SOURCE EXPECTED_WARNING_LINE: exactly one warning, this one.
audit_warns() {
    printf '%s\n' "$2" >"$TMP/$1.mpc"
    if (cd "$TMP" && "$MPCC" audit "$1.mpc") >"$TMP/$1.out" 2>&1 &&
       grep -qxF "1 warning" "$TMP/$1.out" && grep -qxF "  $3" "$TMP/$1.out"; then
        ok
    else
        bad "$1: want the warning [$3], got: $(cat "$TMP/$1.out")"
    fi
}
audit_warns copy 'party alice, bob;
input alice uint8 secret;
input bob uint8 mine;
output all sum = secret + mine;
output bob leaked = secret;' \
    "copy.mpc:5:1: warning: output 'leaked' holds alice's input bits as they are (secret): it reveals them to bob"
audit_warns alone 'party alice, bob;
struct P { uint8 age; bool sick; }
input alice P ps[4];
input bob uint8 limit;
output all n = uint8(ps[0].age > limit) + uint8(ps[1].age > limit);
output bob older = ps[2].age > ps[3].age;' \
    "alone.mpc:6:1: warning: output 'older' depends on alice's inputs alone (ps[2..3].age): it reveals a function of them to bob"
audit_warns unused 'party alice, bob;
input alice uint8 x;
input bob uint8 y;
input bob uint8 forgotten;
output all s = x + y;' \
    "unused.mpc:4:17: warning: input 'forgotten' of bob is used by no output (is it a mistake?)"
# The owner receiving a copy of its own input is no disclosure.
audit_warns own 'party alice, bob;
input alice uint8 x;
input bob uint8 y;
output alice back = x;
output all gt = x > y;
input bob bool unread;' \
    "own.mpc:6:16: warning: input 'unread' of bob is used by no output (is it a mistake?)"

# A compiled program is audited too (without source locations).
if "$MPCC" compile "$EX/millionaires.mpc" -o "$TMP/m.circ" 2>/dev/null &&
   "$MPCC" audit "$TMP/m.circ" >"$TMP/m.out" 2>&1 &&
   grep -qF "alice_is_richer: bool, to alice, bob (output 0)" "$TMP/m.out"; then ok; else bad "audit of a .circ: $(cat "$TMP/m.out")"; fi
# Errors: a bad program, an unknown option.
printf 'party a, b;\nuint8 x = y;\n' >"$TMP/bad.mpc"
if ! "$MPCC" audit "$TMP/bad.mpc" >/dev/null 2>"$TMP/bad.err" && grep -q "unknown name 'y'" "$TMP/bad.err"; then ok; else bad "audit of a bad program"; fi
"$MPCC" audit --frobnicate "$EX/millionaires.mpc" >/dev/null 2>&1
[ $? = 2 ] && ok || bad "unknown option is a usage error"

finish
