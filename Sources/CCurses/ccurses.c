// CCurses: implementation of the ncursesw shim (wide characters need _XOPEN_SOURCE_EXTENDED before curses.h).
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>
#include "ccurses.h"

static int started = 0;
static struct termios saved_termios;
static int have_saved_termios = 0;

// MARK: - Fatal signals: restore the tty with async-signal-safe calls only, then die with the same signal.
static void cc_fatal(int sig) {
    static const char reset[] = "\033[?1002l\033[?1006l\033[?1000l\033[?2026l\033[0m\033[?25h\033[?1049l\r\n";
    if (have_saved_termios) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    ssize_t ignored = write(STDOUT_FILENO, reset, sizeof(reset) - 1);
    (void)ignored;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void cc_install_fatal_handlers(void) {
    int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = cc_fatal;
        sa.sa_flags = SA_RESETHAND;
        sigaction(sigs[i], &sa, NULL);
    }
}

// MARK: - Lifecycle
int cc_start(void) {
    if (started) return 0;
    setlocale(LC_ALL, "");
    if (tcgetattr(STDIN_FILENO, &saved_termios) == 0) have_saved_termios = 1;
    if (initscr() == NULL) return -1;
    started = 1;
    cc_install_fatal_handlers();
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    return 0;
}

static int mouse_motion = 0;

// Button-event tracking off (ncurses itself only undoes the ESC[?1000h it sent).
static void cc_mouse_motion_off(void) {
    if (!mouse_motion) return;
    static const char off[] = "\033[?1002l";
    fflush(stdout);
    ssize_t ignored = write(STDOUT_FILENO, off, sizeof(off) - 1);
    (void)ignored;
    mouse_motion = 0;
}

void cc_stop(void) {
    if (!started) return;
    cc_mouse_motion_off();
    mousemask(0, NULL);
    curs_set(1);
    endwin();
    started = 0;
}

int cc_is_started(void) { return started; }
int cc_lines(void) { return started ? LINES : 0; }
int cc_cols(void) { return started ? COLS : 0; }
int cc_colors(void) { return started && has_colors() ? COLORS : 0; }
int cc_color_pairs(void) { return started && has_colors() ? COLOR_PAIRS : 0; }
int cc_direct_color(void) { return started && tigetflag("RGB") > 0 ? 1 : 0; }

// MARK: - Drawing
int cc_init_pair(int pair, int fg, int bg) { return init_extended_pair(pair, fg, bg) == OK ? 0 : -1; }

int cc_put(int y, int x, uint32_t scalar, int pair, unsigned attrs) {
    wchar_t wch[2] = {(wchar_t)scalar, L'\0'};
    attr_t a = A_NORMAL;
    if (attrs & CC_ATTR_BOLD) a |= A_BOLD;
    if (attrs & CC_ATTR_DIM) a |= A_DIM;
    if (attrs & CC_ATTR_UNDERLINE) a |= A_UNDERLINE;
    if (attrs & CC_ATTR_REVERSE) a |= A_REVERSE;
    if (attrs & CC_ATTR_ITALIC) a |= A_ITALIC;
    cchar_t cc;
    int p = pair;
    // The last argument of setcchar carries the extended pair number (ncurses extension).
    if (setcchar(&cc, wch, a, 0, &p) != OK) return -1;
    return mvwadd_wch(stdscr, y, x, &cc) == OK ? 0 : -1;
}

void cc_present(void) {
    wnoutrefresh(stdscr);
    doupdate();
}

void cc_force_redraw(void) { clearok(curscr, TRUE); }

// MARK: - Input
static int map_key(int k) {
    switch (k) {
    case KEY_UP: return CC_KEY_UP;
    case KEY_DOWN: return CC_KEY_DOWN;
    case KEY_LEFT: return CC_KEY_LEFT;
    case KEY_RIGHT: return CC_KEY_RIGHT;
    case KEY_HOME: return CC_KEY_HOME;
    case KEY_END: return CC_KEY_END;
    case KEY_PPAGE: return CC_KEY_PAGE_UP;
    case KEY_NPAGE: return CC_KEY_PAGE_DOWN;
    case KEY_BACKSPACE: return CC_KEY_BACKSPACE;
    case KEY_DC: return CC_KEY_DELETE;
    case KEY_ENTER: return CC_KEY_ENTER;
    case KEY_BTAB: return CC_KEY_BACKTAB;
    case KEY_RESIZE: return CC_KEY_RESIZE;
    case KEY_F(1): return CC_KEY_F1;
    case KEY_MOUSE: return CC_KEY_MOUSE;
    case KEY_SR: return CC_KEY_SHIFT_UP;
    case KEY_SF: return CC_KEY_SHIFT_DOWN;
    case KEY_SLEFT: return CC_KEY_SHIFT_LEFT;
    case KEY_SRIGHT: return CC_KEY_SHIFT_RIGHT;
    default: return CC_KEY_OTHER;
    }
}

int cc_read(int timeout_ms, uint32_t *value) {
    if (!started) return CC_READ_NONE;
    wtimeout(stdscr, timeout_ms);
    wint_t ch = 0;
    int r = wget_wch(stdscr, &ch);
    if (r == ERR) return CC_READ_NONE;
    if (r == KEY_CODE_YES) {
        *value = (uint32_t)map_key((int)ch);
        return CC_READ_KEY;
    }
    *value = (uint32_t)ch;
    return CC_READ_CHAR;
}

// MARK: - Mouse
static MEVENT last_mouse;

int cc_enable_mouse(int on) {
    if (!started) return -1;
    mmask_t want =
        on ? (BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED | REPORT_MOUSE_POSITION) : 0;
    mmask_t got = mousemask(want, NULL);
    mouseinterval(0);
    if (on && got != 0) {
        // After mousemask (which sends ESC[?1000h): report motion while a button is held, too.
        static const char motion[] = "\033[?1002h";
        fflush(stdout);
        ssize_t ignored = write(STDOUT_FILENO, motion, sizeof(motion) - 1);
        (void)ignored;
        mouse_motion = 1;
    } else if (!on) {
        cc_mouse_motion_off();
    }
    return (on && got == 0) ? -1 : 0;
}

int cc_mouse(int *x, int *y, int *button) {
    if (getmouse(&last_mouse) != OK) return -1;
    *x = last_mouse.x;
    *y = last_mouse.y;
    // Motion first: a drag report can carry the held button's bits as well.
    if (last_mouse.bstate & REPORT_MOUSE_POSITION) *button = CC_MOUSE_LEFT_DRAG;
    else if (last_mouse.bstate & BUTTON1_RELEASED) *button = CC_MOUSE_LEFT_RELEASE;
    else if (last_mouse.bstate & BUTTON1_PRESSED) *button = CC_MOUSE_LEFT;
    else if (last_mouse.bstate & BUTTON4_PRESSED) *button = CC_MOUSE_WHEEL_UP;
#ifdef BUTTON5_PRESSED
    else if (last_mouse.bstate & BUTTON5_PRESSED) *button = CC_MOUSE_WHEEL_DOWN;
#endif
    else *button = CC_MOUSE_OTHER;
    return 0;
}

// MARK: - Raw output and geometry
int cc_write_raw(const char *bytes, size_t count) {
    fflush(stdout);
    size_t done = 0;
    while (done < count) {
        ssize_t n = write(STDOUT_FILENO, bytes + done, count - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        done += (size_t)n;
    }
    return 0;
}

int cc_window_size(int *rows, int *cols, int *xpixels, int *ypixels) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    *xpixels = ws.ws_xpixel;
    *ypixels = ws.ws_ypixel;
    return 0;
}
