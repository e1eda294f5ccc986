"""cohort_tool.py - a joint cohort count as a plain Python function that a
pipeline or an agent framework can register as a tool: each hospital calls
joint_cohort_count(patients=[...]) on its own machine and gets the number of
diabetic patients aged 65 or over in both hospitals together; neither sees
the other's records (cohort.mpc, run with the Python binding, python/mpcc).

The tool's description (name, parameters, result) is a JSON Schema taken
from the program's interface, so it follows the program if it changes.

    python3 examples/python/cohort_tool.py schema
        prints north's tool description
    python3 examples/python/cohort_tool.py demo
        runs both hospitals on localhost (south in a second process) and
        prints what each learns

Needs libmpcc.so: found beside the package, in build/, on the system, or at
$MPCC_LIBRARY."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
import mpcc  # noqa: E402

PROGRAM = os.path.join(HERE, "cohort.mpc")
PADDING = {"age": 0, "diabetic": False}  # never in the cohort


def make_tool(party, roster, **session):
    """(description, function) for `party`: the function takes the party's
    patients (at most N records) and returns {"cohort": count}; session
    holds Program.run's keywords (timeout, certificates, ...)."""
    prog = mpcc.compile_file(PROGRAM)
    (ward,) = prog.inputs_of(party)
    params = mpcc.input_schema(prog, party)
    records = params["properties"].pop(ward["name"])
    n = records["maxItems"]
    records["minItems"] = 0
    records["description"] = "this hospital's patients (at most %d)" % n
    params["properties"]["patients"] = records
    params["required"] = ["patients"]
    description = {
        "name": "joint_cohort_count",
        "description": "Counts the diabetic patients aged 65 or over in both hospitals "
                       "together, by a secure computation with the other hospital: "
                       "neither sees the other's records.",
        "parameters": params,
        "returns": mpcc.output_schema(prog, party),
    }

    def joint_cohort_count(patients):
        if len(patients) > n:
            raise ValueError("at most %d patients, not %d" % (n, len(patients)))
        padded = list(patients) + [PADDING] * (n - len(patients))
        return prog.run(party, {ward["name"]: padded}, roster, **session)

    return description, joint_cohort_count


def _south(port):
    """The other hospital, in its own process."""
    roster = {"north": "127.0.0.1:%d" % port, "south": "127.0.0.1:0"}
    _, tool = make_tool("south", roster, timeout=30)
    print(json.dumps(tool([{"age": 70, "diabetic": True}, {"age": 66, "diabetic": True},
                           {"age": 80, "diabetic": False}, {"age": 40, "diabetic": True}])))


def _demo():
    # north listens on a free port and tells south where (through the
    # on_listen hook), then both call the tool.
    started = {}

    def start_south(port):
        started["south"] = subprocess.Popen([sys.executable, __file__, "south", str(port)],
                                            stdout=subprocess.PIPE, text=True)

    roster = {"north": "127.0.0.1:0", "south": "127.0.0.1:0"}
    description, tool = make_tool("north", roster, timeout=30, on_listen=start_south)
    print("tool:", description["name"], "- parameters:",
          ", ".join(description["parameters"]["properties"]))
    north_result = tool([{"age": 67, "diabetic": True}, {"age": 90, "diabetic": True},
                         {"age": 64, "diabetic": True}])
    south = started["south"]
    south_result = json.loads(south.communicate(timeout=60)[0])
    print("north learns:", north_result)
    print("south learns:", south_result)
    return 0 if south.returncode == 0 else 1


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "demo"
    if cmd == "schema":
        print(json.dumps(make_tool("north", {"north": "127.0.0.1:7000",
                                             "south": "127.0.0.1:0"})[0], indent=2))
    elif cmd == "south":
        _south(int(sys.argv[2]))
    elif cmd == "demo":
        sys.exit(_demo())
    else:
        sys.exit("usage: cohort_tool.py demo|schema")
