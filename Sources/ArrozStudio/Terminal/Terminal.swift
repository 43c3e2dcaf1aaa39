// Terminal: the protocol the renderer draws through — curses on a real tty, an in-memory grid in tests.

/// Size of the screen in cells, and of one cell in pixels (0 when the terminal does not say).
public struct TermSize: Hashable, Sendable {
    public var cols: Int
    public var rows: Int
    public var cellWidth: Int
    public var cellHeight: Int

    public init(cols: Int, rows: Int, cellWidth: Int = 0, cellHeight: Int = 0) {
        self.cols = cols
        self.rows = rows
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
    }
}

/// How many colours the terminal can show; the theme maps RGB down to it.
public enum ColorMode: String, Sendable, CaseIterable {
    /// 24-bit colours (direct-colour terminfo).
    case trueColor
    /// The xterm 256-colour palette (6×6×6 cube + greys).
    case palette256
    /// The 8 basic ANSI colours.
    case palette8
    /// No colour: attributes only.
    case mono
}

/// A character-cell terminal. Only the UI thread calls it.
public protocol Terminal: AnyObject {
    var size: TermSize { get }
    var colorMode: ColorMode { get }
    /// Sets one cell (not visible until ``flush()``). Returns false when the terminal ran out of colour pairs
    /// and reset them: the caller must repaint every cell of the frame.
    @discardableResult
    func put(x: Int, y: Int, cell: Cell) -> Bool
    /// Makes the screen match everything put so far.
    func flush()
    /// The next flush repaints the whole screen (after a resize or when an image area needs clearing).
    func forceRedraw()
    /// Waits up to `timeoutMs` for a key (nil on timeout).
    func readKey(timeoutMs: Int) -> Key?
    /// Writes bytes straight to the terminal after the last flush (sixel images, synchronized output).
    func writeRaw(_ bytes: [UInt8])
}
