// MemoryTerminal: an in-memory terminal grid for tests and text snapshots of the studio screen.

/// A ``Terminal`` that keeps cells in memory; `dump()` gives the screen as text.
public final class MemoryTerminal: Terminal {
    public var size: TermSize
    public var colorMode: ColorMode
    public private(set) var cells: [Cell]
    /// Keys `readKey` returns, first to last.
    public var pendingKeys: [Key] = []
    /// Raw byte writes, in order, each tagged with the number of flushes before it.
    public private(set) var rawWrites: [(afterFlush: Int, bytes: [UInt8])] = []
    public private(set) var flushCount = 0
    public private(set) var putCount = 0
    public private(set) var forcedRedraws = 0

    public init(
        cols: Int, rows: Int, cellWidth: Int = 0, cellHeight: Int = 0, colorMode: ColorMode = .trueColor
    ) {
        size = TermSize(cols: cols, rows: rows, cellWidth: cellWidth, cellHeight: cellHeight)
        self.colorMode = colorMode
        cells = Array(repeating: .blank, count: cols * rows)
    }

    /// Changes the size (as a window resize would) and queues a `.resize` key.
    public func resize(cols: Int, rows: Int) {
        size.cols = cols
        size.rows = rows
        cells = Array(repeating: .blank, count: cols * rows)
        pendingKeys.append(.resize)
    }

    @discardableResult
    public func put(x: Int, y: Int, cell: Cell) -> Bool {
        guard x >= 0, y >= 0, x < size.cols, y < size.rows else { return true }
        cells[y * size.cols + x] = cell
        putCount += 1
        return true
    }

    public func flush() { flushCount += 1 }
    public func forceRedraw() { forcedRedraws += 1 }

    public func readKey(timeoutMs: Int) -> Key? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    public func writeRaw(_ bytes: [UInt8]) { rawWrites.append((flushCount, bytes)) }

    public func cell(x: Int, y: Int) -> Cell { cells[y * size.cols + x] }

    /// One line of text per row (trailing spaces kept so columns line up).
    public func line(_ y: Int) -> String {
        var s = String.UnicodeScalarView()
        for x in 0..<size.cols where cells[y * size.cols + x].glyph != TextLayout.continuation {
            s.append(cells[y * size.cols + x].glyph)
        }
        return String(s)
    }

    /// The whole screen as text, rows separated by newlines.
    public func dump() -> String { (0..<size.rows).map(line).joined(separator: "\n") }
}
