#!/usr/bin/env bash
# tmux-e2e.sh: drives the real arroz-studio binary in a detached tmux session (send-keys / capture-pane) and
# checks what the screen shows, then that q, SIGTERM and a crash all give the terminal back.
# Usage: scripts/tmux-e2e.sh [path/to/arroz-studio]   (default .build/debug/arroz-studio)
set -euo pipefail
BIN=${1:-.build/debug/arroz-studio}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
command -v tmux >/dev/null || { echo "tmux-e2e: tmux is not installed (apt-get install tmux)"; exit 1; }
[ -x "$BIN" ] || { echo "tmux-e2e: no binary at $BIN (run swift build first)"; exit 1; }
S=arroz-e2e-$$
# With the bundled default model next to the binary, the preview must actually render.
MODEL=$(ls "$(dirname "$BIN")"/*.resources/Resources/default-model.safetensors 2>/dev/null | head -1 || true)
OUT=$(mktemp -d)
# A keeper session holds the tmux server up while test sessions come and go.
tmux new-session -d -s "$S-keep" "sleep 600"
trap 'tmux kill-session -t $S 2>/dev/null || true; tmux kill-session -t $S-keep 2>/dev/null || true; rm -rf "$OUT"' EXIT
fail() { echo "tmux-e2e: FAIL: $1"; tmux capture-pane -t $S -p || true; exit 1; }
screen() { tmux capture-pane -t $S -p; }
wait_for() {  # wait_for TEXT [seconds]
    for _ in $(seq 1 $(( ${2:-10} * 10 ))); do screen | grep -qF -- "$1" && return 0; sleep 0.1; done
    fail "screen never showed: $1"
}
start() {  # start COLS ROWS ARGS...
    local cols=$1 rows=$2; shift 2
    tmux kill-session -t $S 2>/dev/null || true
    tmux new-session -d -s $S -x "$cols" -y "$rows" \
        "cd $OUT && $BIN $* ; echo EXIT=\$? ; stty -a | grep -o -- '-\?icanon' ; sleep 30"
}
pid() { pgrep -P "$(tmux list-panes -t $S -F '#{pane_pid}')" -f arroz-studio; }
# The pane's xterm mouse modes (button-event tracking 1002, SGR 1006, clicks 1000): the studio turns them on,
# every exit path must turn them off again.
mouse_modes() { tmux display -p -t $S '#{mouse_button_flag}#{mouse_sgr_flag}#{mouse_standard_flag}'; }
mouse_off() {  # mouse_off WHEN
    [ "$(mouse_modes)" = "000" ] || fail "mouse reporting left on after $1 ($(mouse_modes))"
}

# 1. Layout at 80x24 and 160x48, help overlay, field changes, quit with q.
for size in "80 24" "160 48"; do
    start $size --graphics halfblock
    wait_for "┌ Prompts"
    for pane in "┌ Sampler" "┌ Preview" "┌ Training" " q quit  ? help"; do wait_for "$pane"; done
    tmux send-keys -t $S '?'; wait_for "┌ Keys"; wait_for "any key closes this help"
    tmux send-keys -t $S x; sleep 0.3
    screen | grep -qF "┌ Keys" && fail "help did not close"
    tmux send-keys -t $S Tab Down Down Right Right; wait_for "steps    ◀ 22 ▶"
    tmux send-keys -t $S Down Right; wait_for "cfg      ◀ 4.0 ▶"
    if [ -n "$MODEL" ]; then
        wait_for "step 22/22" 60   # the re-sampled preview finished all 22 steps at CFG 4.0
        screen | grep -qF "no model loaded" && fail "preview says no model although $MODEL is bundled"
    fi
    [ "$(mouse_modes)" = "000" ] && fail "no mouse reporting while the studio runs"
    tmux send-keys -t $S q; wait_for "EXIT=0"; wait_for "icanon"
    screen | grep -q -- "-icanon" && fail "terminal left in raw mode after q"
    mouse_off q
done

# 2. Too small.
start 50 15; wait_for "terminal too small: 50×15"; tmux send-keys -t $S q; wait_for "EXIT=0"

# 3. Editing a prompt.
start 80 24; wait_for "┌ Prompts"
tmux send-keys -t $S Enter ' and a cat' Enter; wait_for "A  grinning face and a cat"
tmux send-keys -t $S C-c; wait_for "EXIT=0"; wait_for "icanon"

# 4. SIGTERM, SIGHUP, SIGINT and a crash (SIGSEGV) restore the terminal.
for sig in TERM HUP INT SEGV; do
    start 80 24; wait_for "┌ Prompts"
    kill -s $sig "$(pid)"
    wait_for "EXIT="; wait_for "icanon"
    screen | grep -q -- "-icanon" && fail "terminal left in raw mode after SIG$sig"
    mouse_off SIG$sig
done
echo "tmux-e2e: all checks passed"
