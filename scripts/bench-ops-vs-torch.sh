#!/usr/bin/env bash
# bench-ops-vs-torch.sh: one sitting of `arroz-studio bench ops` against shared/bench/ops_ratio.py (the same
# workloads under the same row names), alternating, N rounds each; prints every round's raw lines to stderr and a
# table of medians: ms per call for both, ratio = PyTorch ms ÷ ours (> 1: we are faster), our GFLOP/s, and the
# fp32 FMA peak `bench ops` measured in each of its rounds. Run on an otherwise idle machine.
# Usage: scripts/bench-ops-vs-torch.sh [rounds=3] [fp32|bf16] [path/to/arroz-studio] [--only TEXT]
#        (PYTHON=~/torch-venv/bin/python; BENCH_SHARED=../shared/bench)
set -euo pipefail
ROUNDS=${1:-3}
DTYPE=${2:-fp32}
BIN=${3:-.build/release/arroz-studio}
ONLY=()
[ "${4:-}" = "--only" ] && ONLY=(--only "$5")
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${BENCH_SHARED:-$HERE/../../shared/bench}
[ -f "$SHARED/ops_ratio.py" ] || { echo "bench-ops-vs-torch: no ops_ratio.py in $SHARED (set BENCH_SHARED)"; exit 1; }
NAME=bench-ops-vs-torch
. "$HERE/bench-side-by-side.sh"
for r in $(seq 1 "$ROUNDS"); do
    env -u OPENBLAS_CORETYPE "$BIN" bench ops --threads 2 --precision "$DTYPE" "${ONLY[@]}" \
        | sed "s/^/ours $r /" | tee -a "$OUT" >&2
    "$PYTHON" "$SHARED/ops_ratio.py" --threads 2 --dtype "$DTYPE" "${ONLY[@]}" \
        | sed "s/^/$r /" | tee -a "$OUT" >&2
done
python3 - "$OUT" "$DTYPE" <<'PY'
import re, statistics, sys
ours, gflops, torch, peaks = {}, {}, {}, []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    m = re.match(r"ours \d+ (.+?)\s{2,}([\d.]+)\s+([\d.]+) (?:GFLOP|GB)/s\s+([\d.]+) ms", line)
    if m:
        ours.setdefault(m[1].strip(), []).append(float(m[4]))
        gflops.setdefault(m[1].strip(), []).append(float(m[2]))
        continue
    m = re.search(r"fma peak .*\s([\d.]+) GFLOP/s$", line)
    if line.startswith("ours") and m:
        peaks.append(float(m[1]))
        continue
    m = re.match(r"\d+ torch (.+) ([\d.]+)$", line)
    if m:
        torch.setdefault(m[1].strip(), []).append(float(m[2]))
med = statistics.median
print(f"\nbench ops vs PyTorch {sys.argv[2]}, medians of {len(next(iter(ours.values()), []))} alternating rounds")
if peaks:
    print(f"fp32 FMA peak measured by bench ops: median {med(peaks):.0f} GFLOP/s ({', '.join(f'{p:.0f}' for p in peaks)})")
print(f"{'workload':44} {'ours ms':>9} {'torch ms':>9} {'ratio':>7} {'ours GFLOP/s or GB/s':>21}")
for name, v in ours.items():
    t = torch.get(name)
    ratio = f"{med(t) / med(v):6.2f}×" if t else "     —"
    tm = f"{med(t):9.3f}" if t else "        —"
    print(f"{name:44} {med(v):9.3f} {tm} {ratio} {med(gflops[name]):21.1f}")
missing = [n for n in torch if n not in ours]
if missing:
    print("PyTorch rows with no row of ours:", ", ".join(missing))
PY
