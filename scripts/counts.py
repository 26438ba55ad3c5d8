#!/usr/bin/env python3
"""System calls (strace -c) and instructions (callgrind) per lookup and per
process, for BENCHMARKS.md.

Usage: scripts/counts.py [--no-callgrind] [--n N] LOOKUPS_BIN FLYTE_SECRETS_BIN

Per lookup: `LOOKUPS_BIN loop KIND N` minus `LOOKUPS_BIN loop KIND 0`,
divided by N, so start-up and the fixture do not count. Per process: one
`flyte-secrets get db password` in the same fixture, every call listed.
Needs strace; callgrind (valgrind) is optional.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

KINDS = ["env", "file", "bytes", "missing", "k8s", "floor-env", "floor-file"]


def strace_counts(argv, env=None, cwd=None):
    """{syscall: calls} of one run of argv (children included)."""
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(
            ["strace", "-f", "-c", "-o", out.name, *argv],
            check=True, stdout=subprocess.DEVNULL, env=env, cwd=cwd,
        )
        counts = {}
        for line in out.read().splitlines():
            fields = line.split()
            if len(fields) < 5 or not fields[0][0].isdigit() or fields[-1] == "total":
                continue
            counts[fields[-1]] = int(fields[3])
        return counts


def callgrind_instructions(argv):
    """Instructions executed by one run of argv under callgrind."""
    with tempfile.NamedTemporaryFile("r", suffix=".cg") as out:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}", *argv],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        m = re.search(r"Collected : (\d+)", done.stderr)
        return int(m.group(1))


def fmt(x):
    return f"{x:g}" if abs(x - round(x)) > 1e-9 else str(int(round(x)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("lookups")
    ap.add_argument("binary")
    a = ap.parse_args()
    a.lookups = os.path.abspath(a.lookups)
    a.binary = os.path.abspath(a.binary)
    if not shutil.which("strace"):
        sys.exit("strace is needed: apt-get install -y strace")
    callgrind = not a.no_callgrind and shutil.which("valgrind")

    print(f"System calls per lookup ({a.n} lookups minus none, one manager):")
    for kind in KINDS:
        base = strace_counts([a.lookups, "loop", kind, "0"])
        many = strace_counts([a.lookups, "loop", kind, str(a.n)])
        per = {
            name: (many.get(name, 0) - base.get(name, 0)) / a.n
            for name in sorted(set(base) | set(many))
        }
        shown = {k: v for k, v in per.items() if abs(v) >= 0.5 / a.n * 10}
        total = sum(shown.values())
        detail = ", ".join(f"{k} {fmt(v)}" for k, v in sorted(shown.items()))
        print(f"  {kind:<11} {fmt(total):>6}  {detail or '(none)'}")

    if callgrind:
        n = a.n * 10
        print(f"Instructions per lookup (callgrind, {n} lookups minus none;")
        print("  valgrind 3.19 does not know openat2, so file kinds take the portable walk here):")
        for kind in KINDS:
            base = callgrind_instructions([a.lookups, "loop", kind, "0"])
            many = callgrind_instructions([a.lookups, "loop", kind, str(n)])
            print(f"  {kind:<11} {(many - base) / n:>8.0f}")

    # One process, in the same fixture.
    with tempfile.TemporaryDirectory(prefix="fsec-counts-") as root:
        subprocess.run([a.lookups, "fixture", root], check=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.path.join(root, "home"),
            "FLYTE_SECRETS_DEFAULT_DIR": os.path.join(root, "secrets"),
        }
        for label, argv in [
            ("flyte-secrets get db password", [a.binary, "get", "db", "password"]),
            ("cat secrets/db/password", ["cat", os.path.join(root, "secrets/db/password")]),
        ]:
            counts = strace_counts(argv, env=env, cwd=root)
            listing = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            print(f"System calls of one process, {label}: {sum(counts.values())}")
            print(f"  {listing}")


if __name__ == "__main__":
    main()
