"""editors_check.py - checks the editor support under editors/ against the
compiler's lexer (used by editors.sh; standard library only).

    python3 editors_check.py SOURCE_DIR [VIM_PROBES_DIR]

1. The TextMate grammar is valid JSON with the expected top-level keys.
2. Every keyword of compiler/lexer.l is highlighted by the grammar and by
   the Vim syntax file, and those name no keyword the lexer lacks.
3. Every example and stdlib module is tokenised by a reference lexer that
   follows lexer.l; every keyword, type, number, comment and string it finds
   must get the matching scope from the grammar (applied as TextMate does:
   at each position the earliest match of the patterns, ties to the first
   pattern; begin/end rules span lines).
4. With VIM_PROBES_DIR, writes one probe file per source (line, column,
   expected class) for editors.sh to check under Vim.
Prints "N passed, M failed"; exits 1 on a failure."""
import glob
import json
import os
import re
import sys

SRC = sys.argv[1]
PROBES = sys.argv[2] if len(sys.argv) > 2 else None
passed = failed = 0


def check(cond, msg):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + msg, file=sys.stderr)


# ---- 1. the grammar loads
with open(os.path.join(SRC, "editors/textmate/mpc.tmLanguage.json")) as f:
    grammar = json.load(f)
check(grammar.get("scopeName") == "source.mpc", "grammar scopeName is not source.mpc")
check("mpc" in grammar.get("fileTypes", []), "grammar fileTypes lacks mpc")
check(isinstance(grammar.get("patterns"), list), "grammar has no patterns")


def expand(patterns):
    out = []
    for p in patterns:
        if "include" in p:
            key = p["include"].lstrip("#")
            out.extend(expand(grammar["repository"][key]["patterns"]))
        else:
            out.append(p)
    return out


rules = []
for p in expand(grammar["patterns"]):
    if "match" in p:
        rules.append(("match", re.compile(p["match"]), None, p["name"]))
    else:
        rules.append(("begin", re.compile(p["begin"]), re.compile(p["end"]), p["name"]))


def scopes(text):
    """Per character of text: the scope name the grammar gives it (or None)."""
    out = [None] * len(text)
    lines = text.split("\n")
    pos = 0
    inside = None  # (end regex, name) of an open begin/end rule
    for line in lines:
        i = 0
        while i <= len(line):
            if inside is not None:
                m = inside[0].search(line, i)
                stop = m.end() if m else len(line)
                for k in range(i, stop):
                    out[pos + k] = inside[1]
                if m is None:
                    break
                i, inside = stop, None
                continue
            best = None
            for kind, rx, end, name in rules:
                m = rx.search(line, i)
                if m and m.end() > m.start() and (best is None or m.start() < best[0].start()):
                    best = (m, kind, end, name)
            if best is None:
                break
            m, kind, end, name = best
            if kind == "match":
                for k in range(m.start(), m.end()):
                    out[pos + k] = name
                i = m.end()
            else:
                for k in range(m.start(), m.end()):
                    out[pos + k] = name
                inside, i = (end, name), m.end()
        pos += len(line) + 1
    return out


# ---- 2. keywords of the lexer
with open(os.path.join(SRC, "compiler/lexer.l")) as f:
    lexer = f.read()
KEYWORDS = set(re.findall(r'^"([a-z_]+)"\s+\{', lexer, re.M))
check({"party", "input", "output", "fn", "for", "if", "bool", "uint", "int"} <= KEYWORDS,
      "could not read the keywords of lexer.l: %s" % sorted(KEYWORDS))
TYPES = {"bool", "uint", "int", "fixed"}
for kw in sorted(KEYWORDS):
    sc = scopes(kw)[0]
    want = "storage.type" if kw in TYPES else ("keyword", "storage.type.struct", "constant.language")
    check(sc is not None and sc.startswith(want), "grammar: keyword '%s' gets scope %s" % (kw, sc))
for word in ("uint8", "int64", "uint512", "fixed32"):
    check((scopes(word)[0] or "").startswith("storage.type"), "grammar: type %s not highlighted" % word)
for word in ("input_x", "forty", "iffy", "uint8x"):
    sc = scopes(word)[0] or ""
    check(not sc.startswith(("keyword", "storage")), "grammar: identifier %s highlighted as %s" % (word, sc))

with open(os.path.join(SRC, "editors/vim/syntax/mpc.vim")) as f:
    vim = f.read()
vim_words = set()
for m in re.finditer(r"^syn keyword mpc(?!Todo)\w+ (.*)$", vim, re.M):
    vim_words.update(m.group(1).split())
check(vim_words == KEYWORDS, "Vim keywords differ from lexer.l: missing %s, extra %s"
      % (sorted(KEYWORDS - vim_words), sorted(vim_words - KEYWORDS)))
check(re.search(r'syn match mpcType .*int', vim) is not None, "Vim: no uintN/intN match")
check(re.search(r'syn match mpcType .*fixed', vim) is not None, "Vim: no fixedN match")

# ---- 3. the reference lexer (lexer.l's rules) over every example
TOKEN = re.compile(r'''(?P<ws>\s+)|(?P<comment>//[^\n]*|/\*(?:[^*]|\*+[^*/])*\*+/)
  |(?P<string>"[^"\n]*")
  |(?P<number>[0-9]+\.[0-9]+\w*|0[xX][0-9a-fA-F_]+\w*|0[bB][01_]+\w*|[0-9]\w*)
  |(?P<ident>[A-Za-z_]\w*)|(?P<other>.)''', re.X | re.S)
WANT = {"keyword": ("keyword", "storage.type.struct", "constant.language"),
        "type": ("storage.type",), "number": ("constant.numeric",),
        "comment": ("comment",), "string": ("string",)}
sources = sorted(glob.glob(os.path.join(SRC, "examples/*.mpc")) + glob.glob(os.path.join(SRC, "stdlib/*.mpc")))
check(len(sources) >= 10, "found only %d .mpc files" % len(sources))
seen = {k: 0 for k in WANT}
for path in sources:
    with open(path) as f:
        text = f.read()
    sc = scopes(text)
    probes = []
    bad = 0
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ident":
            word = m.group()
            kind = ("type" if word in TYPES or re.fullmatch(r"u?int[0-9]+|fixed[0-9]+", word)
                    else "keyword" if word in KEYWORDS else None)
        if kind not in WANT:
            continue
        seen[kind] += 1
        a, b = m.start(), m.end()
        got = {sc[k] for k in range(a, b) if not text[k].isspace()}
        ok = all(g is not None and g.startswith(WANT[kind]) for g in got)
        if not ok and bad < 3:
            line = text.count("\n", 0, a) + 1
            print("FAIL: %s:%d: %s %r gets %s" % (os.path.basename(path), line, kind,
                                                 m.group()[:30], sorted(map(str, got))), file=sys.stderr)
        bad += not ok
        line = text.count("\n", 0, a) + 1
        col = a - (text.rfind("\n", 0, a) + 1) + 1
        probes.append("%d %d %s" % (line, col, kind))
    check(bad == 0, "%s: %d tokens highlighted wrongly" % (os.path.basename(path), bad))
    if PROBES:
        with open(os.path.join(PROBES, os.path.basename(path) + ".probes"), "w") as f:
            f.write("\n".join(probes) + "\n")
for kind, n in seen.items():
    check(n > 0, "no %s token in any example (the check would prove nothing)" % kind)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
