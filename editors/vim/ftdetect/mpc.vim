" mpc.vim - .mpc files (mpcc's language, docs/language.md) get filetype mpc.
autocmd BufRead,BufNewFile *.mpc setfiletype mpc
