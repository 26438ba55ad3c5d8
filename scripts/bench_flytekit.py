#!/usr/bin/env python3
"""flyte-secrets against flytekit's SecretsManager, on the same files and
variables: per call (in process) and per process, with the speed-ups.

Usage: python3 scripts/bench_flytekit.py [--calls N] [--processes N] [--no-build]

Both sides read the fixture of benches/support/fixture.rs, written by
`examples/lookups fixture DIR`: env var _FSEC_BENCH_TOKEN (bench/token),
db/password (22 bytes), tls/cert (1,679 bytes, bytes mode), the
Kubernetes ..data layout (k8s/password) and a missing secret (db/missing).

- Per call: flytekit's `SecretsManager().get(...)` timed with timeit after a
  warm-up, the median of 21 repeats; flyte-secrets' `SecretsManager::get`
  timed the same way by `examples/lookups time` (median of 21 batches).
- Per process: `python -c 'import flytekit...; print(get(...))'` against
  `flyte-secrets get db password`, run alternately, median wall time.

flytekit comes from the oracle environment: $ORACLE_PYTHON, else
~/.cache/flytekit-oracle/bin/python (create it with ../shared/oracle/setup).
The value each side returns is compared, so a speed-up is never reported
for a lookup that answers differently.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORACLE = os.environ.get(
    "ORACLE_PYTHON",
    os.path.join(os.path.expanduser("~"), ".cache", "flytekit-oracle", "bin", "python"),
)

# kind, (group, key), flytekit call, target speed-up (the issue's)
KINDS = [
    ("env", ("bench", "token"), "sm.get('bench', 'token')", 20.0),
    ("file", ("db", "password"), "sm.get('db', 'password')", 5.0),
    ("bytes", ("tls", "cert"), "sm.get('tls', 'cert', encode_mode='rb')", None),
    ("k8s", ("k8s", "password"), "sm.get('k8s', 'password')", None),
    ("missing", ("db", "missing"), "missing()", None),
]
ENV_NAME = "_FSEC_BENCH_TOKEN"
ENV_VALUE = "  env-secret-value-0123456789abc\n"

# Runs inside the oracle interpreter: times flytekit per call.
FLYTEKIT_CHILD = r"""
import json, statistics, sys, timeit
from flytekit.core.context_manager import SecretsManager
sm = SecretsManager()
def missing():
    try:
        sm.get('db', 'missing')
    except ValueError:
        return None
    raise AssertionError('db/missing was found')
kinds = json.loads(sys.argv[1])
number = int(sys.argv[2])
out = {}
for kind, call in kinds:
    value = eval(call)
    out[kind] = {"value": value.hex() if isinstance(value, bytes) else
                 (None if value is None else value.encode().hex())}
    timeit.repeat(call, globals=globals(), number=number, repeat=3)  # warm-up
    times = timeit.repeat(call, globals=globals(), number=number, repeat=21)
    out[kind]["median_ns"] = statistics.median(times) / number * 1e9
print(json.dumps(out))
"""

FLYTEKIT_PROCESS = (
    "import sys\n"
    "from flytekit.core.context_manager import SecretsManager\n"
    "sys.stdout.write(SecretsManager().get('db', 'password'))\n"
)


def run(argv, **kw):
    return subprocess.run(argv, check=True, **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=20000, help="calls per timed batch")
    ap.add_argument("--processes", type=int, default=15, help="process runs of each side")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()

    if not os.access(ORACLE, os.X_OK):
        sys.exit(
            f"no flytekit interpreter at {ORACLE}.\n"
            "Create it with ../shared/oracle/setup (flytekit 1.16.31 in "
            "~/.cache/flytekit-oracle, about a minute), or point ORACLE_PYTHON at a "
            "Python that has flytekit."
        )
    if not a.no_build:
        run(["cargo", "build", "--quiet", "--release", "--bin", "flyte-secrets",
             "--example", "lookups"], cwd=ROOT)
    # Cargo builds into $CARGO_TARGET_DIR when it is set.
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    lookups = os.path.join(target, "release/examples/lookups")
    binary = os.path.join(target, "release/flyte-secrets")
    version = subprocess.run([ORACLE, "-c", "import flytekit; print(flytekit.__version__)"],
                             check=True, capture_output=True, text=True).stdout.strip()

    with tempfile.TemporaryDirectory(prefix="fsec-vs-flytekit-") as fx:
        run([lookups, "fixture", fx])
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.path.join(fx, "home"),
            "FLYTE_SECRETS_DEFAULT_DIR": os.path.join(fx, "secrets"),
            ENV_NAME: ENV_VALUE,
        }

        # Per call.
        child = subprocess.run(
            [ORACLE, "-c", FLYTEKIT_CHILD, json.dumps([(k, c) for k, _, c, _ in KINDS]),
             str(a.calls)],
            check=True, capture_output=True, text=True, env=env, cwd=fx,
        )
        flytekit = json.loads(child.stdout.strip().splitlines()[-1])
        rows = []
        for kind, (group, key), _, target in KINDS:
            # The same environment as flytekit's (getenv scans it).
            timed = subprocess.run(
                [lookups, "--fixture", fx, "time", kind, str(a.calls)],
                check=True, capture_output=True, text=True, env=env,
            )
            ours = json.loads(timed.stdout)["median_ns"]
            # The same answer from both sides (flyte-secrets' command line).
            mode = ["--bytes"] if kind == "bytes" else []
            got = subprocess.run([binary, "get", *mode, group, key],
                                 capture_output=True, env=env, cwd=fx)
            answer = got.stdout.hex() if got.returncode == 0 else None
            same = answer == flytekit[kind]["value"]
            rows.append((kind, flytekit[kind]["median_ns"], ours, target, same))

        # Per process, alternating.
        py, rs = [], []
        for _ in range(a.processes):
            t = time.perf_counter()
            p = subprocess.run([ORACLE, "-c", FLYTEKIT_PROCESS], capture_output=True,
                               env=env, cwd=fx, check=True)
            py.append(time.perf_counter() - t)
            t = time.perf_counter()
            r = subprocess.run([binary, "get", "db", "password"], capture_output=True,
                               env=env, cwd=fx, check=True)
            rs.append(time.perf_counter() - t)
            assert p.stdout == r.stdout, (p.stdout, r.stdout)

    print(f"flytekit {version} ({ORACLE}) vs flyte-secrets, same fixture")
    print(f"Per call (median of 21 batches of {a.calls}):")
    print(f"  {'lookup':<8} {'flytekit':>11} {'flyte-secrets':>14} {'speed-up':>9} "
          f"{'target':>7}  verdict")
    for kind, fk, ours, target, same in rows:
        verdict = ""
        if not same:
            verdict = "DIFFERENT ANSWER"
        elif target is not None:
            verdict = "met" if fk / ours >= target else "NOT MET"
        tgt = f"≥{target:g}×" if target else ""
        print(f"  {kind:<8} {fk / 1000:>8.2f} µs {ours / 1000:>11.3f} µs "
              f"{fk / ours:>8.1f}× {tgt:>7}  {verdict}")
    pm, rm = statistics.median(py), statistics.median(rs)
    print(f"Per process (median of {a.processes}, alternating): "
          f"python + flytekit get {pm * 1000:.1f} ms, flyte-secrets get {rm * 1000:.2f} ms: "
          f"{pm / rm:.0f}× faster")


if __name__ == "__main__":
    main()
