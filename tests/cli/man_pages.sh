#!/usr/bin/env bash
# man_pages.sh - the manual pages mpcc(1), mpcrun(1) and mpc(7): they render
# with groff and man -l without a warning, `cmake --install` puts them where
# man finds them, their version is the project's, and every option that
# `mpcc --help` or `mpcrun --help` prints is in its page and the reverse.
source "$(dirname "$0")/common.bash"
MPCC=${MPCC:?} MPCRUN=${MPCRUN:?} SRC=${MPCC_SOURCE_DIR:?} BIN=${MPCC_BINARY_DIR:?}
command -v groff >/dev/null || skip "groff is not installed (apt-get install -y groff-base)"
command -v man >/dev/null || skip "man is not installed (apt-get install -y man-db)"
PAGES="$SRC/man/mpcc.1 $SRC/man/mpcrun.1 $SRC/man/mpc.7"
version=$("$MPCC" --version | awk '{print $2}')

for page in $PAGES; do
    name=$(basename "$page")
    # Warnings of every kind (-ww), no output (-z).
    if out=$(groff -man -ww -z "$page" 2>&1) && [ -z "$out" ]; then ok; else bad "$name: groff warns: $out"; fi
    if text=$(MANWIDTH=80 man -l "$page" 2>"$TMP/man.err") && [ -n "$text" ] && [ ! -s "$TMP/man.err" ]; then
        ok
    else
        bad "$name: man -l failed: $(cat "$TMP/man.err")"
    fi
    # NAME and SEE ALSO sections, and the project's version in .TH.
    grep -q '^\.SH NAME' "$page" && grep -q '^\.SH SEE ALSO' "$page" && ok || bad "$name: no NAME or SEE ALSO"
    grep -q "^\.TH .*\"mpcc $version\"" "$page" && ok || bad "$name: .TH does not say mpcc $version"
done

# The options a page documents: every --word in its source ("\-" is "-").
page_options() {
    sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$1" | grep -o -- '--[a-z][a-z-]*[a-z]' | sort -u
}
help_options() {
    grep -o -- '--[a-z][a-z-]*[a-z]' | sort -u
}
check_options() { # NAME PAGE HELP_TEXT
    local name=$1 page=$2 help=$3 missing extra
    missing=$(comm -23 <(printf '%s\n' "$help" | help_options) <(page_options "$page") | tr '\n' ' ')
    extra=$(comm -13 <(printf '%s\n' "$help" | help_options) <(page_options "$page") | tr '\n' ' ')
    [ -z "$missing" ] && ok || bad "$name --help has options its page lacks: $missing"
    [ -z "$extra" ] && ok || bad "$name's page has options --help lacks: $extra"
}
mpcc_help=$("$MPCC" --help; for c in compile run stats eval audit; do "$MPCC" help "$c"; done)
check_options mpcc "$SRC/man/mpcc.1" "$mpcc_help"
check_options mpcrun "$SRC/man/mpcrun.1" "$("$MPCRUN" --help)"
# Every command of mpcc's help has a paragraph in the page.
for c in $("$MPCC" --help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
    grep -q "^\.B[IR]* \"*$c" "$SRC/man/mpcc.1" && ok || bad "mpcc.1 does not describe '$c'"
done

# Installed where man looks: share/man/man1 and man7 under the prefix.
if cmake --install "$BIN" --prefix "$TMP/prefix" >"$TMP/install.log" 2>&1; then
    for f in man1/mpcc.1 man1/mpcrun.1 man7/mpc.7; do
        [ -f "$TMP/prefix/share/man/$f" ] && ok || bad "cmake --install did not install $f"
    done
    MANPATH="$TMP/prefix/share/man" MANWIDTH=80 man 1 mpcrun 2>/dev/null | grep -q -- '--protocol' &&
        ok || bad "man mpcrun (installed) does not show --protocol"
else
    bad "cmake --install failed: $(tail -3 "$TMP/install.log")"
fi
finish
