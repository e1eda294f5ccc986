#!/usr/bin/env bash
# editors.sh - the editor support under editors/: the TextMate grammar is
# valid JSON and highlights the keywords, types, numbers, comments and
# strings of every example and stdlib module as the compiler's lexer reads
# them, and both it and the Vim syntax file know exactly lexer.l's keywords
# (editors_check.py); where vim is installed, the same tokens are checked
# under Vim itself with the syntax file loaded by its ftdetect rule.
source "$(dirname "$0")/common.bash"
SRC=${MPCC_SOURCE_DIR:?}
command -v python3 >/dev/null || skip "python3 is not installed (apt-get install -y python3)"
mkdir -p "$TMP/probes"
if python3 "$SRC/tests/cli/editors_check.py" "$SRC" "$TMP/probes" >"$TMP/check.out" 2>&1; then ok; else
    bad "editors_check.py: $(grep FAIL "$TMP/check.out" | head -5)"; fi
tail -1 "$TMP/check.out"

# Under Vim: each probe "LINE COL KIND" must get the syntax group of KIND.
if command -v vim >/dev/null && vim --version | grep -q '+syntax'; then
    cat >"$TMP/probe.vim" <<'VIM'
let s:want = {'keyword': '^mpc\(Keyword\|Conditional\|Repeat\|Boolean\)$', 'type': '^mpcType$',
      \ 'number': '^mpcNumber$', 'comment': '^mpc\(Comment\|Todo\)$', 'string': '^mpcString$'}
let s:out = []
for s:p in readfile($PROBES)
  let [s:l, s:c, s:k] = split(s:p)
  let s:name = synIDattr(synID(str2nr(s:l), str2nr(s:c), 1), 'name')
  if s:name !~# s:want[s:k]
    call add(s:out, s:l . ':' . s:c . ': ' . s:k . ' got [' . s:name . ']')
  endif
endfor
call add(s:out, 'done')
call writefile(s:out, $RESULT)
qa!
VIM
    for src in "$SRC"/examples/*.mpc "$SRC"/stdlib/*.mpc; do
        name=$(basename "$src")
        PROBES="$TMP/probes/$name.probes" RESULT="$TMP/vim.out" timeout 60 \
            vim -u NONE -i NONE -N -es --cmd "set rtp^=$SRC/editors/vim" \
            -c 'filetype on' -c 'syntax on' -c "edit $src" -c "source $TMP/probe.vim" </dev/null >/dev/null 2>&1
        if [ "$(tail -1 "$TMP/vim.out" 2>/dev/null)" = done ] && [ "$(wc -l <"$TMP/vim.out")" -eq 1 ]; then ok; else
            bad "vim: $name: $(head -3 "$TMP/vim.out" 2>/dev/null | tr '\n' ' ')"; fi
        rm -f "$TMP/vim.out"
    done
else
    echo "note: vim with +syntax is not installed: the Vim file was checked against lexer.l only"
fi
finish
