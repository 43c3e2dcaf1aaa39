#!/usr/bin/env bash
# record-terminal-answers.sh: run inside a terminal; sends the studio's graphics probe (XTVERSION `CSI > q`,
# the kitty query `APC G a=q`, `CSI 16 t`, DA1 `CSI c`, DSR `CSI 5 n`) and writes the raw answer, plus the
# environment hints the detection reads, to OUT (default /tmp/answers.txt) — the recorded answers that
# Tests/ArrozStudioTests/GraphicsDetectionTests.swift replays.
#   xterm-shot --term kitty --out /tmp/k.png -- scripts/record-terminal-answers.sh /tmp/answers-kitty.txt
set -u
out=${1:-/tmp/answers.txt}
saved=$(stty -g)
stty raw -echo min 0 time 10
printf '\033[>q\033_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\033\\\033[16t\033[c\033[5n'
raw=$(mktemp)
for _ in 1 2 3 4 5 6; do dd bs=4096 count=1 2>/dev/null >> "$raw"; grep -q $'\033\\[0n' "$raw" && break; done
reply=$(od -An -c -v "$raw" | tr -s ' \n' ' ')
sleep 0.5; more=$(dd bs=4096 count=1 2>/dev/null | od -An -c -v | tr -s ' \n' ' '); rm -f "$raw"
stty "$saved"
{
  for v in TERM TERM_PROGRAM TERM_PROGRAM_VERSION KITTY_WINDOW_ID WEZTERM_PANE WEZTERM_EXECUTABLE KONSOLE_VERSION TMUX VTE_VERSION; do
    printf '%s=%s\n' "$v" "${!v-}"
  done
  printf 'reply:%s\n' "$reply"
  printf 'late:%s\n' "$more"
} > "$out"
echo "recorded to $out"; sleep 2
