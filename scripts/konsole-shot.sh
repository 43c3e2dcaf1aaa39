#!/usr/bin/env bash
# konsole-shot.sh: xterm-shot's pattern for Konsole — `scripts/term-shot.sh --term konsole "$@"` (see there).
exec "$(dirname "$0")/term-shot.sh" --term konsole "$@"
