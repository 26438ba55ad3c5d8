#!/usr/bin/env bash
# Every figure in BENCHMARKS.md, in one run:
#
#   1. cargo bench --bench lookup: criterion, then the paired ratios to the
#      floors with the issue's targets;
#   2. the whole process: hyperfine of `flyte-secrets get` against `cat` of
#      the same file, and the peak RSS of each (/usr/bin/time -v);
#   3. system calls per lookup and per process (strace -c), instructions per
#      lookup (callgrind), via scripts/counts.py;
#   4. flytekit per call and per process, and the speed-ups, via
#      scripts/bench_flytekit.py (when the flytekit environment exists).
#
# Usage: scripts/bench.sh [--quick] [--no-callgrind] [--no-flytekit]
# The report is also written to target/bench-report.txt. Takes about 4
# minutes (1 with --quick). Needs hyperfine, strace, GNU time; valgrind is
# optional: apt-get install -y hyperfine strace time valgrind
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 callgrind=1 flytekit=1
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    --no-callgrind) callgrind=0 ;;
    --no-flytekit) flytekit=0 ;;
    *) echo "usage: $0 [--quick] [--no-callgrind] [--no-flytekit]" >&2; exit 2 ;;
  esac
done
for tool in hyperfine strace /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y hyperfine strace time" >&2; exit 2; }
done

# Cargo builds into $CARGO_TARGET_DIR when it is set.
target=${CARGO_TARGET_DIR:-$PWD/target}
mkdir -p "$target"
exec > >(tee "$target/bench-report.txt") 2>&1

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Hypervisor vendor)' | sed 's/  */ /g'
echo "kernel $(uname -r); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rustc --version
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (modified)')"

cargo build --quiet --release --bin flyte-secrets --example lookups
bin=$target/release/flyte-secrets
lookups=$target/release/examples/lookups

echo
echo "== 1. in-process lookups against their floors (cargo bench --bench lookup)"
if ((quick)); then
  PAIRED_ROUNDS=51 cargo bench --quiet --bench lookup -- --warm-up-time 0.5 --measurement-time 1 \
    2>&1 | grep -vE '^(Benchmarking|Found [0-9]+ outliers|  [0-9]+ \(|Gnuplot|WARNING: HTML)'
else
  cargo bench --quiet --bench lookup 2>&1 \
    | grep -vE '^(Benchmarking|Found [0-9]+ outliers|  [0-9]+ \(|Gnuplot|WARNING: HTML)'
fi

fx=$(mktemp -d -t fsec-bench-XXXXXX)
trap 'rm -rf "$fx"' EXIT
"$lookups" fixture "$fx"

echo
echo "== 2. the whole process: flyte-secrets get db password vs cat of the same file"
runs=2000
((quick)) && runs=300
(
  # As in a pod: a home without a flytekit config file, the secrets
  # directory from the environment.
  export HOME=$fx/home FLYTE_SECRETS_DEFAULT_DIR=$fx/secrets
  cd "$fx"
  hyperfine -N --warmup 100 --runs "$runs" --export-json "$fx/hyperfine.json" \
    "$bin get db password" "cat $fx/secrets/db/password" 2>&1 \
    | grep -vE 'Warning|^\s*$|interferences|--warmup'
  python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, cat = r[0]["median"], r[1]["median"]
verdict = "met" if ours / cat <= 2 else "NOT MET"
print(f"median: flyte-secrets get {ours*1e3:.3f} ms, cat {cat*1e3:.3f} ms: {ours/cat:.2f}x (target <= 2x: {verdict})")
' "$fx/hyperfine.json"
  rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }
  ours=$(rss "$bin" get db password)
  cat_rss=$(rss cat "$fx/secrets/db/password")
  verdict=$( ((ours <= 4096)) && echo met || echo NOT MET)
  echo "peak RSS: flyte-secrets get ${ours} KiB, cat ${cat_rss} KiB (target <= 4096 KiB: $verdict)"
)

echo
echo "== 3. system calls and instructions"
if ((callgrind)) && command -v valgrind >/dev/null; then
  python3 scripts/counts.py "$lookups" "$bin"
else
  python3 scripts/counts.py --no-callgrind "$lookups" "$bin"
fi

echo
echo "== 4. against flytekit"
if ((flytekit)); then
  if ((quick)); then
    python3 scripts/bench_flytekit.py --no-build --calls 5000 --processes 5 || true
  else
    python3 scripts/bench_flytekit.py --no-build || true
  fi
else
  echo "(skipped)"
fi
