" mpc.vim - Vim syntax highlighting for the .mpc language of mpcc
" (docs/language.md). Install: copy editors/vim/* to ~/.vim/ (or add
" editors/vim to 'runtimepath'). The keywords are compiler/lexer.l's; the
" test tests/cli/editors.sh keeps the two lists equal.
if exists("b:current_syntax")
  finish
endif

syn keyword mpcKeyword party const struct input output fn return import all static_assert
syn keyword mpcConditional if else
syn keyword mpcRepeat for in while break continue
syn keyword mpcBoolean true false
syn keyword mpcType bool uint int fixed
syn match mpcType "\<u\=int\d\+\>"
syn match mpcType "\<fixed\d\+\>"

syn match mpcNumber "\<\d[0-9_]*\>"
syn match mpcNumber "\<\d\+\.\d\+\>"
syn match mpcNumber "\<0[xX][0-9a-fA-F_]\+\>"
syn match mpcNumber "\<0[bB][01_]\+\>"

" Operators first: at one position Vim prefers the item defined last, so
" comments and strings (defined after) win over "/" and the like.
syn match mpcOperator "->\|\.\.\|&&\|||\|[-+*/%<>=!&|^~?:]"

syn region mpcString start=+"+ end=+"+ oneline

syn keyword mpcTodo contained TODO FIXME XXX NOTE
syn match mpcComment "//.*$" contains=mpcTodo,@Spell
syn region mpcComment start="/\*" end="\*/" contains=mpcTodo,@Spell

hi def link mpcKeyword Keyword
hi def link mpcConditional Conditional
hi def link mpcRepeat Repeat
hi def link mpcBoolean Boolean
hi def link mpcType Type
hi def link mpcNumber Number
hi def link mpcString String
hi def link mpcTodo Todo
hi def link mpcComment Comment
hi def link mpcOperator Operator

let b:current_syntax = "mpc"
