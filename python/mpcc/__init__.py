"""mpcc - Python binding of libmpcc: compile a .mpc program, evaluate it in
plaintext, and run one party of a secure computation with the others.

Standard library only: ctypes over libmpcc.so (include/mpcc/api.h). Inputs
and outputs are Python values following the program's interface: ints for
integer types, bools, lists for arrays, dicts for structs. Every failure is
raised as MpccError carrying the library's message.

    import mpcc
    prog = mpcc.compile('''
        party alice, bob;
        input alice uint32 a;
        input bob uint32 b;
        output all richer = a > b;
    ''')
    prog.evaluate({"alice": {"a": 7}, "bob": {"b": 3}})
    # {'alice': {'richer': True}, 'bob': {'richer': True}}

    # in alice's process (bob runs the same with party="bob", his inputs):
    prog.run("alice", {"a": 7},
             roster={"alice": "127.0.0.1:7000", "bob": "127.0.0.1:7001"})
"""

import ctypes
import decimal
import fractions
import glob
import json
import math
import os

__all__ = ["MpccError", "Program", "compile", "compile_file", "load", "version",
           "input_schema", "output_schema"]

_ERR_LEN = 1024


class MpccError(Exception):
    """An error reported by libmpcc (the message is the library's)."""


def _find_library():
    """libmpcc.so: $MPCC_LIBRARY, else beside this package or in a build
    folder of the source tree, else wherever the system keeps it."""
    env = os.environ.get("MPCC_LIBRARY")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    # beside the package; a build of the source tree (python/mpcc ->
    # build/); an installed tree (PREFIX/share/mpcc/python/mpcc -> PREFIX/lib)
    prefix = os.path.join(here, "..", "..", "..", "..")
    cands = [os.path.join(here, "libmpcc.so"),
             os.path.join(here, "..", "..", "build", "libmpcc.so"),
             os.path.join(prefix, "lib", "libmpcc.so")]
    cands += sorted(glob.glob(os.path.join(prefix, "lib", "*", "libmpcc.so")))
    for cand in cands:
        if os.path.exists(cand):
            return os.path.normpath(cand)
    import ctypes.util
    found = ctypes.util.find_library("mpcc")
    return found or "libmpcc.so"


_LISTEN_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint16)


class _Session(ctypes.Structure):
    _fields_ = [
        ("party", ctypes.c_char_p),
        ("roster_names", ctypes.POINTER(ctypes.c_char_p)),
        ("roster_addrs", ctypes.POINTER(ctypes.c_char_p)),
        ("roster_certs", ctypes.POINTER(ctypes.c_char_p)),
        ("n_roster", ctypes.c_size_t),
        ("listen", ctypes.c_char_p),
        ("timeout_ms", ctypes.c_int),
        ("protocol", ctypes.c_int),
        ("garbler_party", ctypes.c_char_p),
        ("evaluator_party", ctypes.c_char_p),
        ("tls_cert", ctypes.c_char_p),
        ("tls_key", ctypes.c_char_p),
        ("tls_ca", ctypes.c_char_p),
        ("identity_file", ctypes.c_char_p),
        ("session_secret", ctypes.c_char_p),
        ("session_secret_len", ctypes.c_size_t),
        ("insecure_plaintext", ctypes.c_int),
        ("on_listen", _LISTEN_FN),
        ("ctx", ctypes.c_void_p),
    ]


class _Lib:
    """The library's functions with their C signatures, loaded once."""

    def __init__(self):
        path = _find_library()
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            raise MpccError("cannot load libmpcc (%s): %s; set MPCC_LIBRARY to the "
                            "library's path" % (path, e)) from None
        cp, sz, vp = ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p
        strs = ctypes.POINTER(ctypes.c_char_p)
        sig = {
            "mpcc_api_version": (cp, []),
            "mpcc_api_compile": (vp, [cp, cp, sz, strs, sz, cp, sz]),
            "mpcc_api_compile_file": (vp, [cp, strs, sz, cp, sz]),
            "mpcc_api_load": (vp, [cp, cp, sz]),
            "mpcc_api_save": (ctypes.c_int, [vp, cp, ctypes.c_int, cp, sz]),
            "mpcc_api_program_free": (None, [vp]),
            # Strings the library allocates come back as void * so that we
            # can free them (c_char_p would copy and lose the pointer).
            "mpcc_api_interface": (vp, [vp, cp, sz]),
            "mpcc_api_eval": (vp, [vp, strs, sz, cp, sz]),
            "mpcc_api_run": (vp, [vp, ctypes.POINTER(_Session), strs, sz, cp, sz]),
            "mpcc_api_free": (None, [vp]),
        }
        for name, (res, args) in sig.items():
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = res, args
            setattr(self, name[len("mpcc_api_"):], fn)


_lib_cache = []


def _lib():
    if not _lib_cache:
        _lib_cache.append(_Lib())
    return _lib_cache[0]


def _bytes(s):
    return None if s is None else os.fsencode(s) if isinstance(s, os.PathLike) else \
        s.encode() if isinstance(s, str) else bytes(s)


def _str_array(items):
    arr = (ctypes.c_char_p * max(len(items), 1))()
    for i, s in enumerate(items):
        arr[i] = _bytes(s)
    return arr


def _take_string(ptr, err):
    """The library's malloc'd string as a Python str (freed), or MpccError."""
    if not ptr:
        raise MpccError(err.value.decode(errors="replace"))
    try:
        return ctypes.string_at(ptr).decode()
    finally:
        _lib().free(ptr)


def version():
    """The library's version ("0.1.0")."""
    return _lib().version().decode()


# ---- values: Python -> the text of docs/values.md, JSON -> Python ----

def _format_value(v, where):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):  # for fixed-point inputs: the shortest text that is v
        if v != v or v in (float("inf"), float("-inf")):
            raise MpccError("%s: %r is not a number" % (where, v))
        return format(decimal.Decimal(repr(v)), "f")
    if isinstance(v, decimal.Decimal):
        if not v.is_finite():
            raise MpccError("%s: %s is not a number" % (where, v))
        return format(v, "f")
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_format_value(x, where) for x in v) + "]"
    if isinstance(v, dict):
        parts = []
        for k, x in v.items():
            if not isinstance(k, str) or not k.isidentifier():
                raise MpccError("%s: field name %r is not an identifier" % (where, k))
            parts.append("%s: %s" % (k, _format_value(x, where)))
        return "{" + ", ".join(parts) + "}"
    raise MpccError("%s: a value is an int, a float or Decimal (fixed-point types), a bool, "
                    "a list or a dict, not %s" % (where, type(v).__name__))


def _from_json(t, v):
    """Integers wider than 53 bits arrive as strings of their value."""
    kind = t["kind"]
    if kind in ("int", "uint"):
        return int(v)
    if kind == "fixed":  # exact: a Decimal of the printed value
        return decimal.Decimal(str(v))
    if kind == "array":
        return [_from_json(t["element"], x) for x in v]
    if kind == "struct":
        return {f["name"]: _from_json(f["type"], v[f["name"]]) for f in t["fields"]}
    return v


class Program:
    """A compiled program: its interface, plaintext evaluation, networked runs."""

    def __init__(self, handle):
        self._h = ctypes.c_void_p(handle)
        err = ctypes.create_string_buffer(_ERR_LEN)
        self.interface = json.loads(_take_string(_lib().interface(self._h, err, _ERR_LEN), err))

    def __del__(self):
        h = getattr(self, "_h", None)
        if h and _lib_cache:
            _lib_cache[0].program_free(h)
            self._h = None

    @property
    def parties(self):
        return list(self.interface["parties"])

    @property
    def and_gates(self):
        return self.interface["and_gates"]

    def inputs_of(self, party):
        return [i for i in self.interface["inputs"] if i["party"] == party]

    def outputs_to(self, party):
        return [o for o in self.interface["outputs"] if party in o["to"]]

    def _check_party(self, party):
        if party not in self.interface["parties"]:
            raise MpccError("this program has no party %r (parties: %s)"
                            % (party, ", ".join(self.interface["parties"])))

    def _outputs(self, party, values):
        types = {o["name"]: o["type"] for o in self.interface["outputs"]}
        return {name: _from_json(types[name], v) for name, v in values.items()}

    def save(self, path, text=False):
        """Writes the program as a .circ file (atomically)."""
        err = ctypes.create_string_buffer(_ERR_LEN)
        if _lib().save(self._h, _bytes(path), 1 if text else 0, err, _ERR_LEN) != 0:
            raise MpccError(err.value.decode(errors="replace"))

    def evaluate(self, inputs):
        """Plaintext evaluation (no protocol): inputs maps each party to a
        dict of its inputs; returns each party's outputs likewise."""
        if not isinstance(inputs, dict):
            raise MpccError("inputs: expected a dict of parties, each a dict of inputs")
        assigns = []
        for party, values in inputs.items():
            self._check_party(party)
            if not isinstance(values, dict):
                raise MpccError("inputs of party %r: expected a dict of inputs" % party)
            for name, v in values.items():
                assigns.append("%s:%s=%s" % (party, name, _format_value(v, "input %r" % name)))
        err = ctypes.create_string_buffer(_ERR_LEN)
        res = json.loads(_take_string(
            _lib().eval(self._h, _str_array(assigns), len(assigns), err, _ERR_LEN), err),
            parse_float=decimal.Decimal)
        return {p: self._outputs(p, outs) for p, outs in res.items()}

    def run(self, party, inputs, roster, listen=None, timeout=30.0, protocol=None,
            garbler=None, evaluator=None, tls_cert=None, tls_key=None, tls_ca=None,
            certs=None, identity=None, session_secret=None, insecure_plaintext=False,
            on_listen=None):
        """Runs the program as `party` with the other parties, each in its own
        process or host, over TLS 1.3 links (as `mpcrun --parties` does).

        inputs: this party's inputs, {name: value}.
        roster: every party's address, {name: "HOST:PORT"} (a party that only
            connects needs none: give it "HOST:0").
        listen: listen here instead of our roster address ("127.0.0.1:0":
            a free port, reported through on_listen(port)).
        timeout: seconds; for the set-up and for every wait after.
        protocol: None (BMR for 3 or more parties, else Yao), "yao" or "bmr".
        garbler, evaluator: which parties compute (default: the first two).
        tls_cert, tls_key, tls_ca: certificate files; certs: {name: PEM file
            or "SHA256:HEX"} pinning each peer; identity: our key file
            (mpcrun keygen); session_secret: bytes every party holds.
        insecure_plaintext: plain TCP, for loopback tests only.
        Returns this party's outputs, {name: value}."""
        self._check_party(party)
        if not isinstance(inputs, dict):
            raise MpccError("inputs: expected a dict of this party's inputs")
        if not isinstance(roster, dict) or not roster:
            raise MpccError("roster: expected a dict of every party's HOST:PORT")
        protocols = {None: 0, "yao": 1, "bmr": 2}
        if protocol not in protocols:
            raise MpccError("protocol: expected 'yao' or 'bmr', not %r" % (protocol,))
        assigns = ["%s=%s" % (n, _format_value(v, "input %r" % n)) for n, v in inputs.items()]
        names = list(roster)
        certs = certs or {}
        for n in certs:
            if n not in roster:
                raise MpccError("certs: party %r is not in the roster" % n)
        secret = _bytes(session_secret)
        keep = []  # what the C side points into must live until the call returns
        s = _Session()
        s.party = _bytes(party)
        s.roster_names = _str_array(names)
        s.roster_addrs = _str_array([roster[n] for n in names])
        s.roster_certs = _str_array([certs.get(n) for n in names])
        s.n_roster = len(names)
        s.listen = _bytes(listen)
        s.timeout_ms = max(1, int(timeout * 1000))
        s.protocol = protocols[protocol]
        s.garbler_party, s.evaluator_party = _bytes(garbler), _bytes(evaluator)
        s.tls_cert, s.tls_key, s.tls_ca = _bytes(tls_cert), _bytes(tls_key), _bytes(tls_ca)
        s.identity_file = _bytes(identity)
        s.session_secret = secret
        s.session_secret_len = len(secret) if secret is not None else 0
        s.insecure_plaintext = 1 if insecure_plaintext else 0
        if on_listen is not None:
            cb = _LISTEN_FN(lambda ctx, port: on_listen(port))
            keep.append(cb)
            s.on_listen = cb
        keep += [s.roster_names, s.roster_addrs, s.roster_certs]
        err = ctypes.create_string_buffer(_ERR_LEN)
        arr = _str_array(assigns)
        res = _take_string(_lib().run(self._h, ctypes.byref(s), arr, len(assigns), err,
                                      _ERR_LEN), err)
        del keep
        return self._outputs(party, json.loads(res, parse_float=decimal.Decimal))


def _program(handle, err):
    if not handle:
        raise MpccError(err.value.decode(errors="replace"))
    return Program(handle)


def compile(source, name="program.mpc", include=()):
    """Compiles .mpc source text; `name` appears in error messages
    ("name:line:col: message") and its folder is searched for imports,
    after the folders in `include` and before the standard library."""
    data = source.encode() if isinstance(source, str) else bytes(source)
    inc = [_bytes(d) for d in include]
    err = ctypes.create_string_buffer(_ERR_LEN)
    return _program(_lib().compile(_bytes(name), data, len(data), _str_array(inc), len(inc),
                                   err, _ERR_LEN), err)


def compile_file(path, include=()):
    """Compiles the .mpc file at path."""
    inc = [_bytes(d) for d in include]
    err = ctypes.create_string_buffer(_ERR_LEN)
    return _program(_lib().compile_file(_bytes(path), _str_array(inc), len(inc), err,
                                        _ERR_LEN), err)


def load(path):
    """Loads a compiled program (.circ, as `mpcc compile` writes it)."""
    err = ctypes.create_string_buffer(_ERR_LEN)
    return _program(_lib().load(_bytes(path), err, _ERR_LEN), err)


# ---- JSON Schema of a party's inputs and outputs (for tool registries) ----

def _type_schema(t):
    kind = t["kind"]
    if kind == "bool":
        return {"type": "boolean"}
    if kind in ("int", "uint"):
        w = t["width"]
        lo, hi = (-(1 << (w - 1)), (1 << (w - 1)) - 1) if kind == "int" else (0, (1 << w) - 1)
        return {"type": "integer", "minimum": lo, "maximum": hi,
                "description": t["spelling"]}
    if kind == "fixed":
        w, f = t["width"], t["fraction_bits"]
        top = fractions.Fraction((1 << (w - 1)) - 1, 1 << f)
        hi = float(top)
        if fractions.Fraction(hi) > top:  # (a double may round above the largest value)
            hi = math.nextafter(hi, -math.inf)
        return {"type": "number", "minimum": -(1 << (w - 1)) / (1 << f), "maximum": hi,
                "description": "%s: a decimal, rounded to the nearest multiple of 2^-%d"
                               % (t["spelling"], f)}
    if kind == "array":
        return {"type": "array", "items": _type_schema(t["element"]),
                "minItems": t["length"], "maxItems": t["length"]}
    return {"type": "object", "title": t["name"],
            "properties": {f["name"]: _type_schema(f["type"]) for f in t["fields"]},
            "required": [f["name"] for f in t["fields"]], "additionalProperties": False}


def input_schema(program, party):
    """A JSON Schema (dict) of the inputs `party` gives."""
    ins = program.inputs_of(party)
    return {"type": "object",
            "properties": {i["name"]: _type_schema(i["type"]) for i in ins},
            "required": [i["name"] for i in ins], "additionalProperties": False}


def output_schema(program, party):
    """A JSON Schema (dict) of the outputs `party` receives."""
    outs = program.outputs_to(party)
    return {"type": "object",
            "properties": {o["name"]: _type_schema(o["type"]) for o in outs},
            "required": [o["name"] for o in outs]}
