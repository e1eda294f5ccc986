"""party_main.py - one party of a run through the Python binding, in its own
process, for test_binding.py: argv[1] is a JSON object {"program": PATH
(.mpc or .circ), "party": NAME, "inputs": {...}, "roster": {...}, and any
keyword of Program.run}. Prints "PORT N" once listening, then "OUT JSON" with
the outputs, or "ERR MESSAGE" and exits 1."""
import json
import sys

import mpcc


def main():
    cfg = json.loads(sys.argv[1])
    path = cfg.pop("program")
    prog = mpcc.load(path) if path.endswith(".circ") else mpcc.compile_file(path)
    party, inputs, roster = cfg.pop("party"), cfg.pop("inputs"), cfg.pop("roster")

    def say_port(port):
        print("PORT %d" % port, flush=True)

    try:
        out = prog.run(party, inputs, roster, on_listen=say_port, **cfg)
    except mpcc.MpccError as e:
        print("ERR %s" % e, flush=True)
        return 1
    print("OUT %s" % json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
