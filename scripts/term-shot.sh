#!/usr/bin/env bash
# term-shot.sh: run a command in a real terminal (Konsole, kitty or xterm -ti vt340) on a virtual X display, send
# it keys, resize the window, and save PNG screenshots — ../shared/tools/xterm-shot's pattern, plus Konsole and
# window resizes. scripts/konsole-shot.sh is `term-shot.sh --term konsole`.
#
#   scripts/term-shot.sh [--term konsole|kitty|xterm] [--size COLSxROWS] [--wait SECONDS] \
#       [--keys "KEYS" --then SECONDS]... --out shot.png -- COMMAND...
#
# KEYS go to `xdotool type` unless they start with "key:" (`xdotool key`); "resize:WxH" resizes the window to
# W×H pixels. Screenshots: shot.png after the first wait, shot-1.png, shot-2.png, ... after each --then.
# Needs: apt-get install -y konsole kitty xterm xvfb x11-apps imagemagick xdotool
set -euo pipefail
size=100x32; wait_s=6; out=shot.png; steps=(); term=konsole
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --term) term=$2; shift 2 ;;
    --wait) wait_s=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keys) steps+=("$2"); shift 2 ;;
    --then) steps+=("@$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "term-shot: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "term-shot: no command given" >&2; exit 2; }
for t in $term Xvfb xwd xdotool; do command -v $t >/dev/null || { echo "term-shot: $t missing: apt-get install -y konsole xvfb x11-apps imagemagick xdotool" >&2; exit 2; }; done
conv=/usr/bin/convert-im6.q16; [ -x $conv ] || conv=convert
disp=:$(( 200 + RANDOM % 100 ))
Xvfb $disp -screen 0 1920x1200x24 >/dev/null 2>&1 & xv=$!
kt=
trap 'kill $kt $xv 2>/dev/null || true' EXIT
sleep 1
cols=${size%x*}; rows=${size#*x}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
case $term in
  konsole)
    DISPLAY=$disp QT_QPA_PLATFORM=xcb konsole --nofork --hide-menubar --hide-tabbar \
      -p "TerminalColumns=$cols" -p "TerminalRows=$rows" -p "Font=Monospace,11" -e "$@" >/dev/null 2>&1 & kt=$! ;;
  kitty)
    DISPLAY=$disp LIBGL_ALWAYS_SOFTWARE=1 kitty --config NONE -o remember_window_size=no \
      -o initial_window_width=${cols}c -o initial_window_height=${rows}c -o font_size=11 "$@" >/dev/null 2>&1 & kt=$! ;;
  xterm)
    DISPLAY=$disp xterm -ti vt340 -xrm 'XTerm*decTerminalID: vt340' -xrm 'XTerm*numColorRegisters: 256' \
      -xrm 'XTerm*sixelScrolling: true' -fa Monospace -fs 11 -geometry ${cols}x${rows}+0+0 -bg black -fg white \
      -e "$@" & kt=$! ;;
  *) echo "term-shot: --term konsole, kitty or xterm" >&2; exit 2 ;;
esac
sleep "$wait_s"
win=$(DISPLAY=$disp xdotool search --sync --pid $kt 2>/dev/null | tail -1 || true)
shoot() {
  if [ -n "$win" ]; then DISPLAY=$disp xwd -id "$win" -silent | $conv xwd:- "png:$1"
  else DISPLAY=$disp xwd -root -silent | $conv xwd:- -trim +repage "png:$1"; fi
  echo "saved $1"
}
base=${out%.png}; n=0
shoot "$out"
for s in "${steps[@]}"; do
  if [[ $s == @* ]]; then sleep "${s#@}"; n=$((n+1)); shoot "$base-$n.png"; continue; fi
  [ -n "$win" ] && DISPLAY=$disp xdotool windowfocus --sync "$win" 2>/dev/null || true
  if [[ $s == resize:* ]]; then r=${s#resize:}; DISPLAY=$disp xdotool windowsize "$win" ${r%x*} ${r#*x}; continue; fi
  if [[ $s == key:* ]]; then DISPLAY=$disp xdotool key --delay 80 ${s//key:/}; else DISPLAY=$disp xdotool type --delay 60 "$s"; fi
done
