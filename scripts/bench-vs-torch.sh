#!/usr/bin/env bash
# bench-vs-torch.sh: one sitting of `arroz-studio bench models` against PyTorch on the same workloads
# (pix32-add and lat16-add of shared/bench/unet_ref.py), alternating, N rounds each; prints every round and the
# medians with the ratio ours ÷ PyTorch (training images/s: higher is better; ms per CFG step: lower is better,
# so that ratio is PyTorch ÷ ours). Run on an otherwise idle machine; the machine's speed drifts by the minute,
# which is why the two sides alternate.
# Usage: scripts/bench-vs-torch.sh [rounds=3] [path/to/arroz-studio]   (PYTHON=~/torch-venv/bin/python)
set -euo pipefail
ROUNDS=${1:-3}
BIN=${2:-.build/release/arroz-studio}
HERE=$(cd "$(dirname "$0")" && pwd)
NAME=bench-vs-torch
. "$HERE/bench-side-by-side.sh"
for r in $(seq 1 "$ROUNDS"); do
    # OpenBLAS picks its own kernel (the environment's OPENBLAS_CORETYPE=Haswell would halve sgemm on AVX-512).
    env -u OPENBLAS_CORETYPE "$BIN" bench models --only pix32-add --only lat16-add --threads 2 \
        | awk -v r="$r" '/^(pix32|lat16)-add/ { print "ours", $1, $3, $4, r }' | tee -a "$OUT"
    "$PYTHON" "$HERE/bench_models_torch.py" --threads 2 | awk -v r="$r" '{ print $1, $2, $3, $4, r }' \
        | tee -a "$OUT"
done
python3 - "$OUT" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print(f"\nmedians over the rounds ({len(rows) // 4} each side, alternating)")
print(f"{'config':12} {'ours img/s':>11} {'torch img/s':>12} {'ratio':>6}   {'ours ms':>8} {'torch ms':>9} {'ratio':>6}")
for cfg in ["pix32-add", "lat16-add"]:
    med = lambda side, i: statistics.median(float(r[i]) for r in rows if r[0] == side and r[1] == cfg)
    ot, tt, om, tm = med("ours", 2), med("torch", 2), med("ours", 3), med("torch", 3)
    print(f"{cfg:12} {ot:11.1f} {tt:12.1f} {ot / tt:5.2f}x   {om:8.1f} {tm:9.1f} {tm / om:5.2f}x")
EOF
