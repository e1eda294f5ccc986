"""test_binding.py - the Python binding (python/mpcc) against libmpcc.so:
compiling, the interface, plaintext evaluation checked against Python
arithmetic on random inputs, every kind of bad input raised as MpccError
with the library's message, save/load, and real runs with each party in its
own Python process (two parties, Yao; three, BMR; against mpcrun when
$MPCRUN is set), plus a peer that never comes.

Run: PYTHONPATH=python MPCC_LIBRARY=build/libmpcc.so python3 -m unittest
discover -s tests/python (ctest does this)."""
import decimal
import fractions
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import unittest

import mpcc

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("MPCC_SOURCE_DIR", os.path.join(HERE, "..", ".."))
EXAMPLES = os.path.join(SOURCE_DIR, "examples")

ARITH = """
party alice, bob;
struct Pair { int16 x; bool flag; }
input alice uint32 a;
input alice int16 s[3];
input bob uint32 b;
input bob uint64 w;
input bob Pair p;
output all sum = a + b;
output alice prod = w * uint64(b);
output bob less = a < b;
output all mixed = s[0] * p.x + s[2];
output bob pair = Pair { x: s[1] - p.x, flag: p.flag && a > b };
"""


def wrap(v, bits, signed):
    v &= (1 << bits) - 1
    return v - (1 << bits) if signed and v >> (bits - 1) else v


class Party:
    """One party in its own process (tests/python/party_main.py)."""

    def __init__(self, program, party, inputs, roster, **kw):
        cfg = dict(kw, program=program, party=party, inputs=inputs, roster=roster)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [os.path.join(SOURCE_DIR, "python"), os.environ.get("PYTHONPATH", "")]))
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "party_main.py"),
                                      json.dumps(cfg)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)

    def port(self):
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.proc.kill()
            raise AssertionError("no port from the party: %r %s" % (line, self.proc.stderr.read()))
        return int(line.split()[1])

    def result(self, timeout=120):
        out, err = self.proc.communicate(timeout=timeout)
        for line in out.splitlines():
            if line.startswith("OUT "):
                return self.proc.returncode, json.loads(line[4:])
            if line.startswith("ERR "):
                return self.proc.returncode, line[4:]
        return self.proc.returncode, "no result: " + out + err


class CompileAndEvaluate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prog = mpcc.compile(ARITH, name="arith.mpc")

    def test_version(self):
        self.assertRegex(mpcc.version(), r"^\d+\.\d+\.\d+$")

    def test_interface(self):
        f = self.prog.interface
        self.assertEqual(f["parties"], ["alice", "bob"])
        self.assertEqual([(i["name"], i["party"], i["type"]["spelling"]) for i in f["inputs"]],
                         [("a", "alice", "uint32"), ("s", "alice", "int16[3]"),
                          ("b", "bob", "uint32"), ("w", "bob", "uint64"), ("p", "bob", "Pair")])
        self.assertEqual([(o["name"], o["to"]) for o in f["outputs"]],
                         [("sum", ["alice", "bob"]), ("prod", ["alice"]), ("less", ["bob"]),
                          ("mixed", ["alice", "bob"]), ("pair", ["bob"])])
        pair = f["inputs"][4]["type"]
        self.assertEqual(pair["kind"], "struct")
        self.assertEqual([x["name"] for x in pair["fields"]], ["x", "flag"])
        self.assertGreater(self.prog.and_gates, 64)
        self.assertRegex(f["digest"], r"^[0-9a-f]{64}$")
        self.assertEqual([o["name"] for o in self.prog.outputs_to("alice")],
                         ["sum", "prod", "mixed"])

    def test_evaluate_matches_python_arithmetic(self):
        rng = random.Random(20261206)
        for _ in range(40):
            a, b = rng.getrandbits(32), rng.getrandbits(32)
            w = rng.getrandbits(64)
            s = [rng.randint(-32768, 32767) for _ in range(3)]
            px, flag = rng.randint(-32768, 32767), rng.random() < 0.5
            got = self.prog.evaluate({"alice": {"a": a, "s": s},
                                      "bob": {"b": b, "w": w, "p": {"x": px, "flag": flag}}})
            mixed = wrap(wrap(s[0] * px, 16, True) + s[2], 16, True)
            self.assertEqual(got["alice"], {"sum": (a + b) % 2**32, "prod": (w * b) % 2**64,
                                            "mixed": mixed})
            self.assertEqual(got["bob"], {"sum": (a + b) % 2**32, "less": a < b, "mixed": mixed,
                                          "pair": {"x": wrap(s[1] - px, 16, True),
                                                   "flag": flag and a > b}})

    def test_example_program_from_file(self):
        prog = mpcc.compile_file(os.path.join(EXAMPLES, "hospitals3.mpc"))
        wards = []
        for k in (1, 2, 3):
            wards.append([{"age": 40 + 5 * i + k, "diabetic": i % 2 == 0, "smoker": i == 4}
                          for i in range(6)])
        got = prog.evaluate({"h%d" % k: {"ward%d" % k: wards[k - 1]} for k in (1, 2, 3)})
        cohort = [p for w in wards for p in w if p["diabetic"] and not p["smoker"]
                  and p["age"] >= 40]
        want = {"cohort_size": len(cohort), "mean_age": sum(p["age"] for p in cohort) // len(cohort)}
        self.assertEqual(got, {"h1": want, "h2": want, "h3": want})

    def test_fixed_point_values_are_exact_decimals(self):
        prog = mpcc.compile("party p, q;\ninput p fixed32 a;\ninput q fixed32 b[2];\n"
                            "output all m = a * b[0] + b[1];\noutput all big = fixed64(a);\n")
        rng = random.Random(7)
        for _ in range(50):
            a = rng.randint(-2**20, 2**20) / 2**8       # exact in Q16.16
            b0 = decimal.Decimal(rng.randint(-2**18, 2**18)) / 2**16
            b1 = rng.randint(-1000, 1000)
            got = self.prog_eval(prog, a, [b0, b1])
            # exact: a * b0 rounded to 2^-16 (halves up), plus b1
            ex = fractions.Fraction(a) * fractions.Fraction(b0)
            scaled = (ex * 2**16 + fractions.Fraction(1, 2)).__floor__()
            want = fractions.Fraction(scaled, 2**16) + b1
            self.assertEqual(fractions.Fraction(got["m"]), want)
            self.assertIsInstance(got["m"], decimal.Decimal)
            self.assertEqual(fractions.Fraction(got["big"]), fractions.Fraction(a))
        self.assertEqual(self.prog_eval(prog, 0.1, [1, 0])["m"], decimal.Decimal("0.100006103515625"))
        with self.assertRaises(mpcc.MpccError) as cm:
            self.prog_eval(prog, 40000.5, [1, 0])
        self.assertIn("does not fit in fixed32", str(cm.exception))
        with self.assertRaises(mpcc.MpccError):
            self.prog_eval(prog, float("nan"), [1, 0])
        s = mpcc.input_schema(prog, "p")["properties"]["a"]
        self.assertEqual((s["type"], s["minimum"]), ("number", -32768.0))

    @staticmethod
    def prog_eval(prog, a, b):
        return prog.evaluate({"p": {"a": a}, "q": {"b": b}})["p"]

    def test_save_and_load(self):
        with tempfile.TemporaryDirectory() as d:
            for text in (False, True):
                path = os.path.join(d, "arith%d.circ" % text)
                self.prog.save(path, text=text)
                again = mpcc.load(path)
                self.assertEqual(again.interface["inputs"], self.prog.interface["inputs"])
                if not text:
                    self.assertEqual(again.interface["digest"], self.prog.interface["digest"])
                ins = {"alice": {"a": 5, "s": [1, 2, 3]},
                       "bob": {"b": 9, "w": 2**63, "p": {"x": -4, "flag": True}}}
                self.assertEqual(again.evaluate(ins), self.prog.evaluate(ins))
            # (and no temporary file left beside them)
            self.assertEqual(sorted(os.listdir(d)), ["arith0.circ", "arith1.circ"])


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prog = mpcc.compile(ARITH, name="arith.mpc")
        cls.good = {"alice": {"a": 1, "s": [1, 2, 3]},
                    "bob": {"b": 2, "w": 3, "p": {"x": 4, "flag": False}}}

    def bad(self, inputs, message):
        with self.assertRaises(mpcc.MpccError) as cm:
            self.prog.evaluate(inputs)
        self.assertIn(message, str(cm.exception))

    def with_bob(self, **kw):
        return {"alice": self.good["alice"], "bob": dict(self.good["bob"], **kw)}

    def test_values_out_of_range_or_of_the_wrong_shape(self):
        self.bad(self.with_bob(b=-1), "value -1 does not fit in uint32")
        self.bad(self.with_bob(b=2**32), "does not fit in uint32")
        self.bad({"alice": {"a": 1, "s": [1, 2]}, "bob": self.good["bob"]}, "input 's'")
        self.bad(self.with_bob(p={"x": 1}), "input 'p'")
        self.bad(self.with_bob(p={"x": 1, "flag": 3}), "input 'p'")
        self.bad(self.with_bob(b="7"), "a value is an int, a float or Decimal (fixed-point types), "
                                       "a bool, a list or a dict, not str")
        self.bad(self.with_bob(b=1.5), "input 'b'")

    def test_missing_unknown_and_misplaced_inputs(self):
        self.bad({"alice": self.good["alice"], "bob": {"b": 2, "w": 3}}, "missing input 'p'")
        self.bad(self.with_bob(zz=1), "zz")
        self.bad({"alice": dict(self.good["alice"], b=5), "bob": self.good["bob"]},
                 "belongs to party bob")
        self.bad(dict(self.good, carol={}), "no party 'carol'")

    def test_compile_errors_carry_file_line_column(self):
        with self.assertRaises(mpcc.MpccError) as cm:
            mpcc.compile("party a, b;\ninput a uint8 x;\noutput all y = x +;\n", name="bad.mpc")
        self.assertRegex(str(cm.exception), r"^bad\.mpc:3:\d+: ")
        with self.assertRaises(mpcc.MpccError) as cm:
            mpcc.compile("party a, b;\ninput a uint8 x;\noutput all y = z;\n", name="u.mpc")
        self.assertRegex(str(cm.exception), r"^u\.mpc:3:\d+: .*'z'")

    def test_files_that_are_missing_or_not_programs(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaises(mpcc.MpccError) as cm:
                mpcc.load(os.path.join(d, "none.circ"))
            self.assertIn("none.circ", str(cm.exception))
            junk = os.path.join(d, "junk.circ")
            with open(junk, "wb") as f:
                f.write(b"\x00\x01garbage" * 10)
            with self.assertRaises(mpcc.MpccError):
                mpcc.load(junk)
            with self.assertRaises(mpcc.MpccError) as cm:
                self.prog.save(os.path.join(d, "no", "such", "dir.circ"))
            self.assertIn("dir.circ", str(cm.exception))

    def test_run_refuses_bad_settings_before_any_traffic(self):
        roster = {"alice": "127.0.0.1:1", "bob": "127.0.0.1:1"}
        with self.assertRaises(mpcc.MpccError) as cm:
            self.prog.run("carol", {}, roster)
        self.assertIn("no party 'carol'", str(cm.exception))
        with self.assertRaises(mpcc.MpccError) as cm:
            self.prog.run("alice", {"a": 1}, roster)
        self.assertIn("missing input 's'", str(cm.exception))
        with self.assertRaises(mpcc.MpccError) as cm:
            self.prog.run("alice", {"a": 1, "s": [1, 2, 3]}, {"alice": "nowhere"})
        self.assertIn("not HOST:PORT", str(cm.exception))
        with self.assertRaises(mpcc.MpccError) as cm:
            self.prog.run("alice", {"a": 1, "s": [1, 2, 3]}, roster, protocol="spdz")
        self.assertIn("protocol", str(cm.exception))


class Networked(unittest.TestCase):
    """Each party in its own Python process, over TLS on loopback."""

    def test_two_parties_in_two_processes(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "arith.circ")
            mpcc.compile(ARITH, name="arith.mpc").save(path)
            ins = {"alice": {"a": 3000000000, "s": [-5, 7, 100]},
                   "bob": {"b": 4000000000, "w": 2**64 - 1, "p": {"x": -300, "flag": True}}}
            want = mpcc.load(path).evaluate(ins)
            alice = Party(path, "alice", ins["alice"], {"alice": "127.0.0.1:0", "bob": "127.0.0.1:0"},
                          timeout=60)
            port = alice.port()
            bob = Party(path, "bob", ins["bob"], {"alice": "127.0.0.1:%d" % port,
                                                  "bob": "127.0.0.1:0"}, timeout=60)
            for who, p in (("alice", alice), ("bob", bob)):
                rc, out = p.result()
                self.assertEqual(rc, 0, out)
                self.assertEqual(out, want[who], who)

    def test_three_parties_bmr(self):
        path = os.path.join(EXAMPLES, "hospitals3.mpc")
        prog = mpcc.compile_file(path)
        wards = [[{"age": 30 + 7 * i + k, "diabetic": i != 1, "smoker": i == k}
                  for i in range(6)] for k in range(3)]
        ins = {"h%d" % (k + 1): {"ward%d" % (k + 1): wards[k]} for k in range(3)}
        want = prog.evaluate(ins)
        roster = {"h1": "127.0.0.1:0", "h2": "127.0.0.1:0", "h3": "127.0.0.1:0"}
        parties = []
        for name in ("h1", "h2", "h3"):
            p = Party(path, name, ins[name], dict(roster), timeout=60)
            parties.append((name, p))
            if name != "h3":
                roster[name] = "127.0.0.1:%d" % p.port()
        for name, p in parties:
            rc, out = p.result()
            self.assertEqual(rc, 0, out)
            self.assertEqual(out, want[name])

    def test_against_mpcrun(self):
        mpcrun = os.environ.get("MPCRUN")
        if not mpcrun:  # (ctest always sets it)
            self.skipTest("MPCRUN not set")
        self.assertTrue(os.access(mpcrun, os.X_OK), mpcrun)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "mill.circ")
            mpcc.compile_file(os.path.join(EXAMPLES, "millionaires.mpc")).save(path)
            prog = mpcc.load(path)
            f = prog.interface
            (alice, bob), ins = f["parties"], f["inputs"]
            a_in = [i for i in ins if i["party"] == alice][0]["name"]
            b_in = [i for i in ins if i["party"] == bob][0]["name"]
            py = Party(path, alice, {a_in: 9}, {alice: "127.0.0.1:0", bob: "127.0.0.1:0"},
                       timeout=60)
            port = py.port()
            roster = os.path.join(d, "roster")
            with open(roster, "w") as r:
                r.write("%s 127.0.0.1:%d\n%s 127.0.0.1:0\n" % (alice, port, bob))
            c = subprocess.run([mpcrun, path, "--party", bob, "--parties", roster, "--input",
                                "%s=4" % b_in, "--json", "--timeout", "60"],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(c.returncode, 0, c.stderr)
            want = prog.evaluate({alice: {a_in: 9}, bob: {b_in: 4}})
            self.assertEqual(json.loads(c.stdout), want[bob])
            rc, out = py.result()
            self.assertEqual((rc, out), (0, want[alice]))

    def test_a_peer_that_never_comes_is_named(self):
        prog = mpcc.compile(ARITH, name="arith.mpc")
        t0 = time.monotonic()
        with self.assertRaises(mpcc.MpccError) as cm:
            prog.run("alice", {"a": 1, "s": [1, 2, 3]},
                     {"alice": "127.0.0.1:0", "bob": "127.0.0.1:0"}, timeout=1)
        self.assertIn("bob", str(cm.exception))
        self.assertIn("party alice", str(cm.exception))
        self.assertLess(time.monotonic() - t0, 30)


class Schema(unittest.TestCase):
    def test_input_and_output_schema_follow_the_interface(self):
        prog = mpcc.compile_file(os.path.join(EXAMPLES, "hospitals2.mpc"))
        s = mpcc.input_schema(prog, "general")
        self.assertEqual(s["required"], ["b", "min_age"])
        self.assertEqual(s["properties"]["min_age"],
                         {"type": "integer", "minimum": 0, "maximum": 255, "description": "uint8"})
        ward = s["properties"]["b"]
        self.assertEqual((ward["type"], ward["minItems"], ward["maxItems"]), ("array", 4, 4))
        self.assertEqual(ward["items"]["required"], ["age", "diabetic", "visits"])
        o = mpcc.output_schema(prog, "clinic")
        self.assertEqual(o["required"], ["joint", "clinic_older"])
        self.assertEqual(o["properties"]["clinic_older"], {"type": "boolean"})
        signed = mpcc.compile("party a, b;\ninput a int8 x;\noutput all y = x;\n")
        self.assertEqual(mpcc.input_schema(signed, "a")["properties"]["x"]["minimum"], -128)


if __name__ == "__main__":
    unittest.main()
