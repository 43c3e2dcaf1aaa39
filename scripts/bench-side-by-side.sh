# bench-side-by-side.sh: sourced by the scripts that time ours against PyTorch in one sitting. Given NAME and
# BIN, checks the release binary and PYTHON's torch, and makes OUT, a temporary file removed on exit.
PYTHON=${PYTHON:-$HOME/torch-venv/bin/python}
[ -x "$BIN" ] || { echo "$NAME: no binary at $BIN (make release)"; exit 1; }
"$PYTHON" -c "import torch" 2>/dev/null || {
    echo "$NAME: $PYTHON has no torch (python3 -m venv ~/torch-venv && ~/torch-venv/bin/pip install torch)"
    exit 1
}
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
