// GraphicsProbe: asks the terminal what it can show before curses starts — XTVERSION, the kitty graphics query,
// the cell size in pixels (`CSI 16 t` → `CSI 6;h;w t`, else the tty's TIOCGWINSZ pixel size), DA1 (attribute
// 4 = sixel) and a DSR sentinel — and tmux's allow-passthrough; GraphicsDetection decides from the answers.
import ArrozImage
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

    /// The probe round: XTVERSION, the kitty graphics query, the cell size, DA1, then DSR as the sentinel —
    /// terminals answer in order and every one answers DSR, so its `CSI 0 n` ends the wait after one round
    /// trip even when the terminal ignores the rest.
    public static let queries: [UInt8] =
        Array("\u{1b}[>q".utf8) + KittyGraphics.query + Array("\u{1b}[16t\u{1b}[c\u{1b}[5n".utf8)

    /// Writes ``queries`` and reads the replies until the DSR answer or `timeoutMs` (a terminal that answers
    /// nothing costs the whole budget, never more). Empty when stdin/stdout are not a terminal.
    public static func ask(timeoutMs: Int = 1000) -> [UInt8] {
        guard isatty(0) != 0, isatty(1) != 0 else { return [] }
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { return [] }
        var raw = saved
        cfmakeraw(&raw)
        tcsetattr(0, TCSANOW, &raw)
        // Drop whatever arrived but was not read, so no stray reply bytes reach curses as key presses.
        defer {
            tcflush(0, TCIFLUSH)
            tcsetattr(0, TCSANOW, &saved)
        }
        _ = queries.withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count) }
        var reply: [UInt8] = []
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        var buffer = [UInt8](repeating: 0, count: 512)
        while Date() < deadline {
            var fds = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&fds, 1, left) > 0 else { break }
            let n = buffer.withUnsafeMutableBufferPointer { read(0, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            reply += buffer[0..<n]
            if TerminalAnswers.parse(reply).sawDSR { break }
        }
        return reply
    }

    /// tmux's `allow-passthrough` (`tmux show -gv allow-passthrough` says on or all); false when tmux cannot
    /// be asked.
    public static func tmuxAllowsPassthrough() -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["tmux", "show", "-gv", "allow-passthrough"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let value = out.trimmingCharacters(in: .whitespacesAndNewlines)
        return p.terminationStatus == 0 && (value == "on" || value == "all")
    }

    /// One probe round and the choice for `requested` (nil = auto); a cell size the terminal did not report
    /// comes from the window size.
    public static func detect(requested: GraphicsMode?, environment: [String: String])
        -> (choice: GraphicsChoice, answers: TerminalAnswers)
    {
        let hints = TerminalHints(environment: environment)
        var answers = requested == nil || requested!.isPixels ? TerminalAnswers.parse(ask()) : TerminalAnswers()
        if answers.cellWidth == 0 || answers.cellHeight == 0, let (w, h) = cellPixelsFromWindowSize() {
            (answers.cellWidth, answers.cellHeight) = (w, h)
        }
        let passthrough = hints.tmux || answers.terminalName == "tmux" ? tmuxAllowsPassthrough() : nil
        let choice = GraphicsDetection.choose(
            requested: requested, hints: hints, answers: answers, tmuxPassthrough: passthrough)
        return (choice, answers)
    }

    /// The old entry point: DA1 and the cell size only.
    public static func query(timeoutMs: Int = 1000) -> GraphicsCapabilities {
        let a = TerminalAnswers.parse(ask(timeoutMs: timeoutMs))
        var caps = GraphicsCapabilities(da1: a.da1, cellWidth: a.cellWidth, cellHeight: a.cellHeight)
        if caps.cellWidth == 0 || caps.cellHeight == 0, let (w, h) = cellPixelsFromWindowSize() {
            (caps.cellWidth, caps.cellHeight) = (w, h)
        }
        return caps
    }
}
