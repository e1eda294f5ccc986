"""test_example.py - examples/python/cohort_tool.py works as its docstring
says: the demo runs both hospitals (two processes) and both learn the joint
count; the tool description is JSON Schema taken from the interface; the
tool refuses more patients than the program holds."""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("MPCC_SOURCE_DIR", os.path.join(HERE, "..", ".."))
TOOL = os.path.join(SOURCE_DIR, "examples", "python", "cohort_tool.py")


class CohortTool(unittest.TestCase):
    def test_demo_gives_both_hospitals_the_joint_count(self):
        c = subprocess.run([sys.executable, TOOL, "demo"], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(c.returncode, 0, c.stderr)
        # north: 67 and 90 count, 64 does not; south: 70 and 66 count.
        self.assertIn("north learns: {'cohort': 4}", c.stdout)
        self.assertIn("south learns: {'cohort': 4}", c.stdout)

    def test_schema_follows_the_program(self):
        c = subprocess.run([sys.executable, TOOL, "schema"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(c.returncode, 0, c.stderr)
        d = json.loads(c.stdout)
        self.assertEqual(d["name"], "joint_cohort_count")
        patients = d["parameters"]["properties"]["patients"]
        self.assertEqual((patients["minItems"], patients["maxItems"]), (0, 16))
        self.assertEqual(patients["items"]["required"], ["age", "diabetic"])
        self.assertEqual(d["returns"]["properties"]["cohort"]["maximum"], 65535)

    def test_too_many_patients_are_refused_before_any_traffic(self):
        sys.path.insert(0, os.path.dirname(TOOL))
        try:
            import cohort_tool
        finally:
            sys.path.pop(0)
        _, tool = cohort_tool.make_tool("north", {"north": "127.0.0.1:0", "south": "127.0.0.1:0"})
        with self.assertRaises(ValueError):
            tool([{"age": 70, "diabetic": True}] * 17)


if __name__ == "__main__":
    unittest.main()
