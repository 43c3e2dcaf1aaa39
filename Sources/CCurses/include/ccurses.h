// CCurses: a small C shim over ncursesw — the macros and variadics Swift cannot call, behind plain functions.
#ifndef CCURSES_H
#define CCURSES_H

#include <stdint.h>
#include <stddef.h>

/// Attribute bits for cc_put (mapped to A_BOLD etc. inside the shim).
enum {
    CC_ATTR_BOLD = 1,
    CC_ATTR_DIM = 2,
    CC_ATTR_UNDERLINE = 4,
    CC_ATTR_REVERSE = 8,
    CC_ATTR_ITALIC = 16
};

/// Special keys reported by cc_read (kind == CC_READ_KEY).
enum {
    CC_KEY_UP = 1, CC_KEY_DOWN, CC_KEY_LEFT, CC_KEY_RIGHT, CC_KEY_HOME, CC_KEY_END,
    CC_KEY_PAGE_UP, CC_KEY_PAGE_DOWN, CC_KEY_BACKSPACE, CC_KEY_DELETE, CC_KEY_ENTER,
    CC_KEY_BACKTAB, CC_KEY_RESIZE, CC_KEY_F1, CC_KEY_MOUSE, CC_KEY_OTHER,
    CC_KEY_SHIFT_UP, CC_KEY_SHIFT_DOWN, CC_KEY_SHIFT_LEFT, CC_KEY_SHIFT_RIGHT
};

/// What cc_read found.
enum { CC_READ_NONE = 0, CC_READ_CHAR = 1, CC_READ_KEY = 2 };

/// setlocale(LC_ALL, ""), initscr, raw, noecho, keypad, colours, hidden cursor. Returns 0, or -1 when the
/// terminal could not be opened. Also installs fatal-signal handlers that restore the tty before dying.
int cc_start(void);
/// endwin (idempotent). Safe to call when cc_start was never called.
void cc_stop(void);
int cc_is_started(void);

int cc_lines(void);
int cc_cols(void);
/// COLORS and COLOR_PAIRS (0 before cc_start or without colour support).
int cc_colors(void);
int cc_color_pairs(void);
/// 1 when the terminfo entry says colours are direct RGB (`RGB` capability, e.g. xterm-direct).
int cc_direct_color(void);

/// init_extended_pair; colour -1 means the terminal's default.
int cc_init_pair(int pair, int fg, int bg);
/// Writes one cell (a Unicode scalar) at (y, x) with an extended colour pair and CC_ATTR_* bits.
int cc_put(int y, int x, uint32_t scalar, int pair, unsigned attrs);
/// wnoutrefresh + doupdate: the screen matches stdscr after this returns.
void cc_present(void);
/// Next cc_present repaints every cell (clearok on curscr).
void cc_force_redraw(void);
/// Reads one key, waiting up to timeout_ms (negative = block). Returns CC_READ_*; *value is the scalar
/// (CHAR) or a CC_KEY_* code (KEY).
int cc_read(int timeout_ms, uint32_t *value);

/// Mouse buttons reported by cc_mouse.
enum {
    CC_MOUSE_LEFT = 1, CC_MOUSE_WHEEL_UP = 4, CC_MOUSE_WHEEL_DOWN = 5, CC_MOUSE_OTHER = 0,
    CC_MOUSE_LEFT_DRAG = 6, CC_MOUSE_LEFT_RELEASE = 7
};

/// Turns mouse reporting on (presses, releases, the wheel, and motion while a button is held: xterm's
/// button-event tracking ESC[?1002h, so a drag reports where it goes) or off. Returns 0 when the terminal
/// supports it. cc_stop and the fatal-signal handler switch the motion reporting off again.
int cc_enable_mouse(int on);
/// After cc_read returned CC_KEY_MOUSE: the cell and button of that event. 0 on success.
int cc_mouse(int *x, int *y, int *button);

/// Writes bytes straight to the terminal's fd (after ncurses flushed its own output). Returns 0 on success.
int cc_write_raw(const char *bytes, size_t count);
/// TIOCGWINSZ: cell grid and (when the terminal reports it) pixel size of the text area. 0 on success.
int cc_window_size(int *rows, int *cols, int *xpixels, int *ypixels);

#endif
