#!/usr/bin/env python3
"""Asks the flytekit oracle for the answer to every case in extra_cases.in.py
and writes tests/data/conformance/extra_cases.json (cases with "expect").

Usage: python3 tests/data/oracle/make_cases.py [path/to/oracle.py]
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def main():
    oracle = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "oracle", "oracle.py")
    scope = {}
    with open(os.path.join(HERE, "extra_cases.in.py")) as f:
        exec(f.read(), scope)
    cases = scope["CASES"]
    inputs = [{k: v for k, v in c.items() if k not in ("name", "cli")} for c in cases]
    out = subprocess.run([sys.executable, oracle], input=json.dumps(inputs), capture_output=True,
                         text=True, check=True)
    answers = json.loads(out.stdout)
    result = []
    for case, answer in zip(cases, answers):
        case = dict(case)
        case["expect"] = answer
        result.append(case)
    dest = os.path.join(ROOT, "tests", "data", "conformance", "extra_cases.json")
    with open(dest, "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote %d cases to %s" % (len(result), dest))


if __name__ == "__main__":
    main()
