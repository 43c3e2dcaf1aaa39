// GraphicsProbe: asks the terminal what it can show — DA1 (`ESC[c`, attribute 4 = sixel) and the cell size
// in pixels (`CSI 16 t` → `CSI 6;h;w t`, else the tty's TIOCGWINSZ pixel size) — before curses starts.
import CCurses
import Foundation

/// What the terminal answered.
public struct GraphicsCapabilities: Equatable, Sendable {
    /// DA1 attributes (e.g. [62, 4, 22]); empty when the terminal did not answer.
    public var da1: [Int] = []
    public var cellWidth = 0
    public var cellHeight = 0

    public init(da1: [Int] = [], cellWidth: Int = 0, cellHeight: Int = 0) {
        self.da1 = da1
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
    }

    /// Sixel needs attribute 4 in DA1 and a known cell size to scale images.
    public var sixel: Bool { da1.contains(4) }

    /// The graphics mode to use when the user did not choose one.
    public var preferredMode: GraphicsMode { sixel && cellWidth > 0 && cellHeight > 0 ? .sixel : .halfblock }
}

public enum GraphicsProbe {
    /// Parses the terminal's replies: `ESC [ ? a ; b ; … c` (DA1) and `ESC [ 6 ; h ; w t` (cell size).
    public static func parse(_ bytes: [UInt8]) -> (caps: GraphicsCapabilities, sawDA1: Bool) {
        var caps = GraphicsCapabilities()
        var saw = false
        var i = 0
        while i + 2 < bytes.count {
            guard bytes[i] == 0x1b, bytes[i + 1] == UInt8(ascii: "[") else { i += 1; continue }
            var j = i + 2
            let question = bytes[j] == UInt8(ascii: "?")
            if question { j += 1 }
            var params: [Int] = []
            var current: Int?
            while j < bytes.count, (0x30...0x3b).contains(bytes[j]) {
                if bytes[j] == UInt8(ascii: ";") {
                    params.append(current ?? 0)
                    current = nil
                } else if bytes[j] != UInt8(ascii: ":") {
                    current = (current ?? 0) * 10 + Int(bytes[j] - 0x30)
                }
                j += 1
            }
            if let current { params.append(current) }
            guard j < bytes.count else { break }
            if question, bytes[j] == UInt8(ascii: "c") {
                caps.da1 = params
                saw = true
            } else if !question, bytes[j] == UInt8(ascii: "t"), params.count == 3, params[0] == 6 {
                caps.cellHeight = params[1]
                caps.cellWidth = params[2]
            }
            i = j + 1
        }
        return (caps, saw)
    }

    /// The cell size in pixels from the tty's window size (TIOCGWINSZ `ws_xpixel`/`ws_ypixel` over the grid),
    /// when the terminal fills it in (xterm does, and answers `CSI 16 t` only with window ops allowed).
    public static func cellPixelsFromWindowSize() -> (w: Int, h: Int)? {
        var rows: Int32 = 0, cols: Int32 = 0, xp: Int32 = 0, yp: Int32 = 0
        guard cc_window_size(&rows, &cols, &xp, &yp) == 0 else { return nil }
        return cellPixels(rows: Int(rows), cols: Int(cols), xPixels: Int(xp), yPixels: Int(yp))
    }

    /// The cell size of a `cols`×`rows` grid drawn on `xPixels`×`yPixels`, or nil when the terminal left the
    /// pixel size at 0 or it gives no plausible cell (2–64 × 4–128 pixels).
    public static func cellPixels(rows: Int, cols: Int, xPixels: Int, yPixels: Int) -> (w: Int, h: Int)? {
        guard xPixels > 0, yPixels > 0, cols > 0, rows > 0 else { return nil }
        let w = xPixels / cols, h = yPixels / rows
        return (2...64).contains(w) && (4...128).contains(h) ? (w, h) : nil
    }

    /// Sends `CSI 16 t` then DA1 (the sentinel: every terminal answers DA1, so the wait ends there) and reads
    /// replies for up to `timeoutMs` (long enough for a terminal on a busy machine); a cell size the terminal
    /// did not report comes from the window size. Returns empty capabilities when stdin/stdout are not a
    /// terminal.
    public static func query(timeoutMs: Int = 1000) -> GraphicsCapabilities {
        guard isatty(0) != 0, isatty(1) != 0 else { return GraphicsCapabilities() }
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { return GraphicsCapabilities() }
        var raw = saved
        cfmakeraw(&raw)
        tcsetattr(0, TCSANOW, &raw)
        // Drop whatever arrived but was not read, so no stray reply bytes reach curses as key presses.
        defer {
            tcflush(0, TCIFLUSH)
            tcsetattr(0, TCSANOW, &saved)
        }
        let query = Array("\u{1b}[16t\u{1b}[c".utf8)
        _ = query.withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count) }
        var reply: [UInt8] = []
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        var buffer = [UInt8](repeating: 0, count: 256)
        while Date() < deadline {
            var fds = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&fds, 1, left) > 0 else { break }
            let n = buffer.withUnsafeMutableBufferPointer { read(0, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            reply += buffer[0..<n]
            if parse(reply).sawDA1 { break }
        }
        var caps = parse(reply).caps
        if caps.cellWidth == 0 || caps.cellHeight == 0, let (w, h) = cellPixelsFromWindowSize() {
            (caps.cellWidth, caps.cellHeight) = (w, h)
        }
        return caps
    }
}
