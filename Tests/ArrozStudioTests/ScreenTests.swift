// ScreenTests: diffing, sixel after the flush inside synchronized output, redraw on invalidate.
import ArrozImage
import Testing

@testable import ArrozStudio

@Suite struct ScreenTests {
    @Test func onlyChangedCellsAreWritten() {
        let term = MemoryTerminal(cols: 10, rows: 3)
        let screen = Screen(terminal: term)
        var c = Canvas(width: 10, height: 3)
        c.text("hello", x: 0, y: 0, .plain)
        screen.present(c, sixel: false)
        #expect(term.putCount == 30)
        c.text("J", x: 0, y: 0, .plain)
        screen.present(c, sixel: false)
        #expect(term.putCount == 31)
        #expect(term.line(0) == "Jello     ")
        screen.invalidate()
        screen.present(c, sixel: false)
        #expect(term.putCount == 61 && term.forcedRedraws == 2)
    }

    @Test func sixelIsWrittenAfterTheFlushInsideSynchronizedOutput() throws {
        var s = populatedState()
        s.focus = .sampler
        let term = MemoryTerminal(cols: 80, rows: 24, cellWidth: 10, cellHeight: 20)
        let screen = Screen(terminal: term)
        var canvas = Canvas(width: 80, height: 24)
        let ctx = PaneContext(
            theme: .arrozDark, focus: s.focus, graphics: .sixel, cellWidth: 10, cellHeight: 20)
        StudioView.render(s, keyMap: KeyMap(), into: &canvas, ctx)
        #expect(canvas.images.count == 1)  // the preview (the training grid needs a wider pane)
        let placement = try #require(canvas.images.first)
        // 32×32 px into a 10×20 px cell grid at a whole scale factor.
        #expect(placement.image.width % 32 == 0 && placement.image.width == placement.image.height)
        screen.present(canvas, sixel: true)
        #expect(term.rawWrites.count == 1)
        let write = try #require(term.rawWrites.first)
        #expect(write.afterFlush == term.flushCount)
        let text = String(decoding: write.bytes, as: UTF8.self)
        #expect(
            text.hasPrefix(
                "\u{1b}[?2026h\u{1b}7\u{1b}[\(placement.rect.y + 1);\(placement.rect.x + 1)H\u{1b}P"))
        #expect(text.hasSuffix("\u{1b}8\u{1b}[?2026l"))
        // The image cells stay blank in the text grid.
        #expect(term.cell(x: placement.rect.x, y: placement.rect.y).glyph == " ")
        // Unchanged frame: no new sixel. After invalidate (resize / overlay): drawn again.
        screen.present(canvas, sixel: true)
        #expect(term.rawWrites.count == 1)
        screen.invalidate()
        screen.present(canvas, sixel: true)
        #expect(term.rawWrites.count == 2)
        // The decoded sixel is the placed image.
        let sixel = Array(
            write.bytes.dropFirst(
                Array("\u{1b}[?2026h\u{1b}7\u{1b}[\(placement.rect.y + 1);\(placement.rect.x + 1)H".utf8)
                    .count
            )
            .dropLast(Array("\u{1b}8\u{1b}[?2026l".utf8).count))
        let decoded = try Sixel.decode(sixel)
        // libsixel's palette (percent RGB, median cut) brings a flat colour back within a few levels.
        let (a, b) = (decoded.rgb(3, 3), placement.image.rgb(3, 3))
        #expect(decoded.width == placement.image.width, "\(a) vs \(b)")
        #expect(
            abs(Int(a.r) - Int(b.r)) <= 10 && abs(Int(a.g) - Int(b.g)) <= 10 && abs(Int(a.b) - Int(b.b)) <= 10
        )
    }

    @Test func movingAnImageForcesAFullRepaint() {
        let term = MemoryTerminal(cols: 20, rows: 10, cellWidth: 8, cellHeight: 16)
        let screen = Screen(terminal: term)
        var a = Canvas(width: 20, height: 10)
        a.images = [
            ImagePlacement(
                rect: Rect(x: 0, y: 0, width: 2, height: 1), image: RGBImage(width: 16, height: 16))
        ]
        screen.present(a, sixel: true)
        var b = Canvas(width: 20, height: 10)
        b.images = [
            ImagePlacement(
                rect: Rect(x: 5, y: 2, width: 2, height: 1), image: RGBImage(width: 16, height: 16))
        ]
        let before = term.forcedRedraws
        screen.present(b, sixel: true)
        #expect(term.forcedRedraws == before + 1)
        #expect(term.rawWrites.count == 2)
    }

    @Test func probeParsesDA1AndCellSize() {
        let reply = Array("\u{1b}[6;20;10t\u{1b}[?62;4;9;22c".utf8)
        let (caps, saw) = GraphicsProbe.parse(reply)
        #expect(saw && caps.da1 == [62, 4, 9, 22] && caps.sixel)
        #expect(caps.cellWidth == 10 && caps.cellHeight == 20 && caps.preferredMode == .sixel)
        let tmux = GraphicsProbe.parse(Array("\u{1b}[?1;2c".utf8))
        #expect(tmux.sawDA1 && !tmux.caps.sixel && tmux.caps.preferredMode == .halfblock)
        #expect(!GraphicsProbe.parse(Array("\u{1b}[6;20;10t".utf8)).sawDA1)
    }

    /// xterm answers `CSI 16 t` only with window ops allowed but fills in the tty's pixel size: the cell size
    /// comes from that, and an unset or implausible one gives none (half-blocks).
    @Test func cellSizeFromTheWindowSize() {
        let xterm = GraphicsProbe.cellPixels(rows: 24, cols: 80, xPixels: 882, yPixels: 408)
        #expect(xterm?.w == 11 && xterm?.h == 17)
        #expect(GraphicsProbe.cellPixels(rows: 24, cols: 80, xPixels: 0, yPixels: 0) == nil)  // tmux, ssh
        #expect(GraphicsProbe.cellPixels(rows: 24, cols: 80, xPixels: 80, yPixels: 24) == nil)  // 1×1 cells
        #expect(GraphicsProbe.cellPixels(rows: 0, cols: 0, xPixels: 882, yPixels: 408) == nil)
        let caps = GraphicsCapabilities(da1: [63, 1, 2, 4, 6], cellWidth: xterm!.w, cellHeight: xterm!.h)
        #expect(caps.preferredMode == .sixel)
    }

    @Test func fitsKeepAspectAndScaleByWholeFactors() {
        let hb = ImageView.halfBlockFit(width: 32, height: 32, in: Rect(x: 0, y: 0, width: 40, height: 20))
        #expect(hb.cols == 32 && hb.rows == 16)
        let sx = ImageView.sixelFit(
            width: 32, height: 32, in: Rect(x: 0, y: 0, width: 40, height: 10),
            cellWidth: 10, cellHeight: 20)
        #expect(sx.pixelWidth == 192 && sx.pixelHeight == 192 && sx.cols == 20 && sx.rows == 10)
    }
}

@Suite struct ResizeCacheTests {
    @Test func sameImageAndSizeIsResampledOnce() {
        let cache = ResizeCache(capacity: 2)
        let a = RGBImage(width: 8, height: 8, fill: (10, 20, 30))
        let b = RGBImage(width: 8, height: 8, fill: (40, 50, 60))
        let a2 = cache.resized(a, width: 16, height: 16, filter: .nearest)
        #expect(a2 == a.resized(width: 16, height: 16, filter: .nearest))
        _ = cache.resized(a, width: 16, height: 16, filter: .nearest)
        #expect(cache.hits == 1 && cache.misses == 1)
        // Another filter or size is another entry; the oldest goes when full.
        _ = cache.resized(a, width: 16, height: 16, filter: .bilinear)
        _ = cache.resized(b, width: 4, height: 4, filter: .area)
        _ = cache.resized(a, width: 16, height: 16, filter: .nearest)
        #expect(cache.misses == 4)
        // The own size is the image itself, not counted.
        #expect(cache.resized(a, width: 8, height: 8, filter: .area) == a && cache.hits == 1)
    }

    @Test func sixelPlacementsAtAWholeFactorCarryTheirSource() throws {
        var canvas = Canvas(width: 40, height: 20)
        let ctx = PaneContext(
            theme: .arrozDark, focus: .preview, graphics: .sixel, cellWidth: 10, cellHeight: 20,
            resizeCache: ResizeCache())
        let image = RGBImage(width: 32, height: 32, fill: (200, 10, 10))
        ImageView.draw(image, in: Rect(x: 0, y: 0, width: 40, height: 20), &canvas, ctx)
        let p = try #require(canvas.images.first)
        #expect(p.source == image && p.scale == p.image.width / 32 && p.scale >= 2)
        var smooth = ctx
        smooth.smooth = true
        canvas.images = []
        ImageView.draw(image, in: Rect(x: 0, y: 0, width: 40, height: 20), &canvas, smooth)
        #expect(canvas.images.first?.source == nil && canvas.images.first?.scale == 1)
    }
}
