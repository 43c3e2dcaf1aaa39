// Screen: presents canvases on a terminal — cell diff, full repaint on demand, then sixel images after the
// flush inside synchronized output (ESC[?2026h … ESC[?2026l).
import ArrozImage

/// Keeps the last frame and writes only what changed.
public final class Screen {
    public let terminal: Terminal
    private var previous: Canvas?
    private var shownImages: [ImagePlacement] = []
    private var needsFullRepaint = true
    /// The last sixel encoding error (shown on the status line by the app).
    public private(set) var lastImageError: String?

    public init(terminal: Terminal) { self.terminal = terminal }

    /// The next present repaints every cell and every image (after a resize, theme change or overlay).
    public func invalidate() { needsFullRepaint = true }

    /// Draws `canvas`. With `sixel`, image placements are written as sixels after the text flush.
    public func present(_ canvas: Canvas, sixel: Bool) {
        // Sixel pixels live outside the text grid: when images move, vanish or resize, repaint everything so
        // curses rewrites (and thereby erases) the cells they covered.
        if shownImages.map(\.rect) != canvas.images.map(\.rect), !shownImages.isEmpty {
            needsFullRepaint = true
        }
        let full = needsFullRepaint
        if full { terminal.forceRedraw() }
        var ok = true
        for change in canvas.diff(from: full ? nil : previous) {
            ok = terminal.put(x: change.x, y: change.y, cell: change.cell) && ok
        }
        if !ok {
            // Colour pairs were recycled mid-frame: paint the whole frame again with the fresh pairs.
            terminal.forceRedraw()
            for change in canvas.diff(from: nil) { terminal.put(x: change.x, y: change.y, cell: change.cell) }
        }
        terminal.flush()
        if sixel, !canvas.images.isEmpty {
            let redraw = full || !ok
            let changed = canvas.images.enumerated().filter { i, p in
                redraw || i >= shownImages.count || shownImages[i] != p
            }.map(\.element)
            if !changed.isEmpty { writeSixels(changed) }
        }
        shownImages = sixel ? canvas.images : []
        previous = canvas
        needsFullRepaint = false
    }

    /// One raw write: begin synchronized update, for each image save cursor / move / sixel / restore, end.
    private func writeSixels(_ placements: [ImagePlacement]) {
        var bytes = Array("\u{1b}[?2026h".utf8)
        for p in placements {
            do {
                let sixel = try Sixel.encode(p.image, colors: 256, diffusion: .none)
                bytes += Array("\u{1b}7\u{1b}[\(p.rect.y + 1);\(p.rect.x + 1)H".utf8)
                bytes += sixel
                bytes += Array("\u{1b}8".utf8)
                lastImageError = nil
            } catch {
                lastImageError = "sixel: \(error)"
            }
        }
        bytes += Array("\u{1b}[?2026l".utf8)
        terminal.writeRaw(bytes)
    }
}
