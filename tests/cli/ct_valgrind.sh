# ct_valgrind.sh - the constant-time check: tests/tools/ct_check under
# valgrind memcheck, with the secrets (Delta, label seeds, input bits, OT
# choice bits) marked undefined. Any conditional jump or memory address that
# depends on them in garbling (half-gates and three-halves), evaluation,
# decoding, base OT or IKNP is a
# memcheck error and fails the test. A deliberate leak must be reported (the
# harness detects what it claims). Skips with a message without valgrind or in
# the sanitizer build (ASan and valgrind do not mix).
. "$(dirname "$0")/common.bash"
SUPP="$(dirname "$0")/ct_valgrind.supp"
if [ -z "${CT_CHECK:-}" ] || [ ! -x "$CT_CHECK" ]; then
    skip "ct_check not built"
fi
if ! command -v valgrind >/dev/null 2>&1; then
    skip "valgrind is not installed (apt-get install valgrind)"
fi
case "$("$CT_CHECK" probe)" in
    sanitized) skip "sanitizer build (valgrind cannot run ASan binaries)" ;;
    valgrind) ;;
    *) skip "ct_check was built without valgrind/memcheck.h" ;;
esac
VG=(valgrind -q --error-exitcode=42 --track-origins=yes --num-callers=20 --suppressions="$SUPP")

# The negative control: memcheck must flag the secret-dependent look-up and
# loop inside ct_leak_secret_dependent.
"${VG[@]}" "$CT_CHECK" leak >"$TMP/leak.out" 2>"$TMP/leak.err"; rc=$?
if [ $rc = 42 ] && grep -q "ct_leak_secret_dependent" "$TMP/leak.err" &&
   grep -q "Use of uninitialised value of size 8" "$TMP/leak.err" &&
   grep -q "Conditional jump or move depends on uninitialised value" "$TMP/leak.err"; then ok
else bad "the deliberate leak was not reported (rc $rc): $(head -c 1500 "$TMP/leak.err")"; fi

for mode in gc gc3 ot; do
    "${VG[@]}" "$CT_CHECK" $mode >"$TMP/$mode.out" 2>"$TMP/$mode.err"; rc=$?
    if [ $rc = 0 ] && [ ! -s "$TMP/$mode.err" ] && grep -q "right" "$TMP/$mode.out"; then
        ok; cat "$TMP/$mode.out"
    else
        bad "$mode: exit $rc, memcheck says: $(head -c 4000 "$TMP/$mode.err") $(cat "$TMP/$mode.out")"
    fi
done
finish
