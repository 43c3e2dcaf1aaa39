// CursesTerminal: the Terminal protocol over ncursesw (through the CCurses shim); UI thread only.
import CCurses
import Foundation

/// Errors opening the terminal.
public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case initFailed(term: String)

    public var description: String {
        switch self {
        case .notATerminal:
            "standard input/output is not a terminal (hint: run `arroz-studio` in a terminal, or use a "
                + "headless subcommand such as `arroz-studio sample`)"
        case .initFailed(let term):
            "ncurses could not open the terminal TERM=\(term) (hint: try TERM=xterm-256color)"
        }
    }
}

/// ncursesw terminal: wide glyphs, extended colour pairs, truecolor with a direct-colour terminfo, else the
/// 256/8-colour palette through ``ColorMapping``.
public final class CursesTerminal: Terminal {
    public private(set) var colorMode: ColorMode
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private let maxPairs: Int32
    private var cellPixels: (w: Int, h: Int)
    private var open = true

    private struct PairKey: Hashable {
        let fg: Int32
        let bg: Int32
    }

    /// Opens the terminal. `colorMode` overrides detection; `cellPixels` is the probed cell size (0 if
    /// unknown).
    public init(
        colorMode override: ColorMode? = nil, cellPixels: (w: Int, h: Int) = (0, 0), mouse: Bool = true
    ) throws {
        guard isatty(0) != 0, isatty(1) != 0 else { throw TerminalError.notATerminal }
        guard cc_start() == 0 else {
            throw TerminalError.initFailed(term: ProcessInfo.processInfo.environment["TERM"] ?? "?")
        }
        let colors = Int(cc_colors())
        let detected: ColorMode =
            cc_direct_color() != 0 && colors >= 1 << 24
            ? .trueColor
            : colors >= 256 ? .palette256 : colors >= 8 ? .palette8 : .mono
        colorMode = override.map { ColorMapping.clamp($0, to: detected) } ?? detected
        maxPairs = Int32(max(0, min(Int(cc_color_pairs()), 1 << 16)))
        self.cellPixels = cellPixels
        if mouse { _ = cc_enable_mouse(1) }
    }

    deinit { close() }

    /// Restores the terminal (idempotent). Every exit path calls this.
    public func close() {
        guard open else { return }
        open = false
        cc_stop()
    }

    public var size: TermSize {
        let c = Int(cc_cols()), r = Int(cc_lines())
        let (cw, ch) = GraphicsProbe.cellPixelsFromWindowSize() ?? cellPixels
        return TermSize(cols: c, rows: r, cellWidth: cw, cellHeight: ch)
    }

    @discardableResult
    public func put(x: Int, y: Int, cell: Cell) -> Bool {
        // The right half of a wide glyph: the glyph drawn in the column before already covers it.
        if cell.glyph == TextLayout.continuation { return true }
        var ok = true
        var pair: Int32 = 0
        if colorMode != .mono, maxPairs > 1 {
            let key = PairKey(
                fg: cell.style.fg.map { ColorMapping.index($0, colorMode) } ?? -1,
                bg: cell.style.bg.map { ColorMapping.index($0, colorMode) } ?? -1)
            if key.fg == -1 && key.bg == -1 {
                pair = 0
            } else if let p = pairs[key] {
                pair = p
            } else {
                if nextPair >= maxPairs {
                    pairs.removeAll(keepingCapacity: true)
                    nextPair = 1
                    ok = false
                }
                pair = nextPair
                nextPair += 1
                cc_init_pair(pair, key.fg, key.bg)
                pairs[key] = pair
            }
        }
        var attrs: UInt32 = 0
        let a = cell.style.attrs
        if a.contains(.bold) { attrs |= UInt32(CC_ATTR_BOLD) }
        if a.contains(.dim) { attrs |= UInt32(CC_ATTR_DIM) }
        if a.contains(.underline) { attrs |= UInt32(CC_ATTR_UNDERLINE) }
        if a.contains(.reverse) { attrs |= UInt32(CC_ATTR_REVERSE) }
        if a.contains(.italic) { attrs |= UInt32(CC_ATTR_ITALIC) }
        // ncurses refuses to write the bottom-right cell with scrolling semantics; ignore that result.
        _ = cc_put(Int32(y), Int32(x), cell.glyph.value, pair, attrs)
        return ok
    }

    public func flush() { cc_present() }
    public func forceRedraw() { cc_force_redraw() }

    public func readKey(timeoutMs: Int) -> Key? {
        var value: UInt32 = 0
        switch Int(cc_read(Int32(timeoutMs), &value)) {
        case CC_READ_CHAR: return Key(scalar: value)
        case CC_READ_KEY: return Self.special(value)
        default: return nil
        }
    }

    public func writeRaw(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { c in _ = cc_write_raw(c.baseAddress, c.count) }
        }
    }

    private static func mouse() -> Key? {
        var x: Int32 = 0, y: Int32 = 0, b: Int32 = 0
        guard cc_mouse(&x, &y, &b) == 0 else { return nil }
        let button: MouseButton
        switch Int(b) {
        case CC_MOUSE_LEFT: button = .left
        case CC_MOUSE_WHEEL_UP: button = .wheelUp
        case CC_MOUSE_WHEEL_DOWN: button = .wheelDown
        case CC_MOUSE_LEFT_DRAG: button = .leftDrag
        case CC_MOUSE_LEFT_RELEASE: button = .leftRelease
        default: return nil
        }
        return .mouse(x: Int(x), y: Int(y), button: button)
    }

    private static func special(_ code: UInt32) -> Key? {
        switch Int(code) {
        case CC_KEY_UP: .up
        case CC_KEY_DOWN: .down
        case CC_KEY_LEFT: .left
        case CC_KEY_RIGHT: .right
        case CC_KEY_HOME: .home
        case CC_KEY_END: .end
        case CC_KEY_PAGE_UP: .pageUp
        case CC_KEY_PAGE_DOWN: .pageDown
        case CC_KEY_BACKSPACE: .backspace
        case CC_KEY_DELETE: .delete
        case CC_KEY_ENTER: .enter
        case CC_KEY_BACKTAB: .backTab
        case CC_KEY_RESIZE: .resize
        case CC_KEY_F1: .function(1)
        case CC_KEY_MOUSE: Self.mouse()
        case CC_KEY_SHIFT_UP: .shiftUp
        case CC_KEY_SHIFT_DOWN: .shiftDown
        case CC_KEY_SHIFT_LEFT: .shiftLeft
        case CC_KEY_SHIFT_RIGHT: .shiftRight
        default: nil
        }
    }
}
