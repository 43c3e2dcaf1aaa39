// LayoutTests: the screen used at 80×24, 120×36 and 200×60 — the preview scaled to its pane, x̂₀ thumbnails when
// there is room, the training grid as an image, the Log in the remaining rows — in half-blocks and in kitty
// pixels; and unfocused borders visible in 8/16-colour terminals for every theme.
import ArrozImage
import ArrozTrain
import Testing

@testable import ArrozStudio

@Suite struct LayoutTests {
    static let sizes = [(80, 24), (120, 36), (200, 60)]

    func frame(_ s: AppState, _ cols: Int, _ rows: Int, _ graphics: GraphicsMode) -> Canvas {
        var canvas = Canvas(width: cols, height: rows)
        let ctx = PaneContext(theme: .arrozDark, focus: s.focus, graphics: graphics, cellWidth: 10, cellHeight: 20)
        StudioView.render(s, keyMap: KeyMap(), into: &canvas, ctx)
        return canvas
    }

    func inside(_ r: Rect, _ outer: Rect) -> Bool {
        r.x >= outer.x && r.y >= outer.y && r.maxX <= outer.maxX && r.maxY <= outer.maxY
    }

    @Test(arguments: sizes) func kittyPixelsFillThePanes(cols: Int, rows: Int) throws {
        let s = populatedState()
        let layout = try #require(StudioLayout(cols: cols, rows: rows))
        let canvas = frame(s, cols, rows, .kitty)
        let preview = try #require(canvas.images.first { $0.slot == PreviewPane.imageSlot })
        #expect(inside(preview.rect, layout.preview.inset(1)))
        // Whole nearest factors of the 32×32 image, as large as the image area allows.
        #expect(preview.image.width % 32 == 0 && preview.image.width == preview.image.height)
        let thumbs = canvas.images.filter { $0.slot >= PreviewPane.thumbnailSlot }
        let grid = canvas.images.first { $0.slot == TrainingPane.gridSlot }
        if rows >= 36 {
            #expect(thumbs.count == 4)  // every step frame of the run
            #expect(thumbs.allSatisfy { inside($0.rect, layout.preview.inset(1)) && $0.rect.maxY <= layout.preview.maxY - 2 })
            #expect(thumbs.allSatisfy { $0.rect.y > preview.rect.maxY - 1 })
            let g = try #require(grid)
            #expect(inside(g.rect, layout.training.inset(1)) && g.rect.height >= layout.training.height / 2)
            #expect(canvas.images.count == 6)
        } else {
            #expect(thumbs.isEmpty)  // the one-line strip
        }
        // No two images overlap.
        for (i, a) in canvas.images.enumerated() {
            for b in canvas.images[(i + 1)...] {
                #expect(a.rect.maxX <= b.rect.x || b.rect.maxX <= a.rect.x || a.rect.maxY <= b.rect.y || b.rect.maxY <= a.rect.y)
            }
        }
        // The preview image grows with the terminal.
        if cols == 200 { #expect(preview.image.width >= 32 * 12) }
        if cols == 120 { #expect(preview.image.width >= 32 * 7) }
    }

    @Test(arguments: sizes) func halfBlocksAndTheLog(cols: Int, rows: Int) throws {
        var s = populatedState()
        for i in 0..<40 { s.status = StatusMessage(text: "line \(i)", isError: false) }
        let layout = try #require(StudioLayout(cols: cols, rows: rows))
        let term = render(s, cols: cols, rows: rows)
        let text = term.dump()
        for title in ["┌ Prompts", "┌ Sampler", "┌ Preview", "┌ Training", " q quit"] { #expect(text.contains(title)) }
        if let log = layout.log {
            // The Log takes every row under the Sampler and shows as many lines.
            #expect(log.maxY == rows - 2 && log.y == layout.sampler.maxY)
            #expect(text.contains("│line 39") && text.contains("│line \(40 - (log.height - 2))"))
        }
        // Every size here has a Log (at 80×24 too: the Sampler is as tall as its fields).
        let log = try #require(layout.log)
        #expect(log.height >= StudioLayout.minLogRows)
        #expect(text.contains("┌ Log") && text.contains("│line 39"))
        // Half-block thumbnails with their steps under them at 120×36 and up, the one-line strip below.
        let inner = layout.preview.inset(1)
        let labels = term.line(inner.maxY - 1)
        #expect(labels.contains("steps ▏") == (rows < 36))
        if rows >= 36 {
            #expect(["1", "2", "3", "4"].allSatisfy { labels.contains(" \($0) ") })
            #expect((inner.x..<inner.maxX).contains { term.cell(x: $0, y: inner.maxY - 2).glyph == "▀" })
        }
    }

    @Test(arguments: sizes) func samplerHeightFollowsItsFields(cols: Int, rows: Int) throws {
        let layout = try #require(StudioLayout(cols: cols, rows: rows))
        let fields = SamplerField.allCases.count
        // Borders and one row per field; the gap and two info lines when the Log still gets a box.
        #expect(layout.sampler.height == (rows >= 36 ? fields + 5 : fields + 2))
        #expect(layout.prompts.maxY == layout.sampler.y && layout.log?.y == layout.sampler.maxY)
        let term = render(populatedState(), cols: cols, rows: rows)
        let inner = layout.sampler.inset(1)
        // The last field (strength) is on screen, and the info lines only when there is room for them.
        #expect(term.line(inner.y + fields - 1).contains("strength"))
        #expect((0..<inner.height).contains { term.line(inner.y + $0).contains("last run") } == (rows >= 36))
        if (cols, rows) == (80, 24) { #expect(layout.log?.height == 22 - 6 - (fields + 2)) }
    }

    @Test func noLogWhenTheSamplerNeedsTheRows() throws {
        // 64×20: 12 rows under the Prompts, the Sampler's 11 leave no room for a Log box.
        let small = try #require(StudioLayout(cols: StudioLayout.minCols, rows: StudioLayout.minRows))
        #expect(small.log == nil && small.sampler.maxY == StudioLayout.minRows - 2)
        // Three more rows: a Log of the minimum height.
        let tall = try #require(StudioLayout(cols: 64, rows: 23))
        #expect(tall.log?.height == StudioLayout.minLogRows)
    }

    @Test(arguments: sizes) func helpFooterSaysWhichProtocolAndWhy(cols: Int, rows: Int) {
        var s = populatedState()
        s.showHelp = true
        s.graphicsNote = "answered the kitty graphics query (XTVERSION kitty(0.26.5))"
        let canvas = frame(s, cols, rows, .kitty)
        let text = (0..<rows).map { y in String(String.UnicodeScalarView((0..<cols).map { canvas[$0, y].glyph })) }
        #expect(text.contains { $0.contains("graphics kitty: answered the kitty") })
        // The help covers the preview: its image is gone from the frame (the Screen deletes its kitty id).
        #expect(!canvas.images.contains { $0.slot == PreviewPane.imageSlot } || cols >= 200)
    }

    /// In 8 colours (xterm -ti vt340's TERM=xterm) every theme's unfocused border maps to a colour other than the
    /// background's, and to a different one than the focused border.
    @Test func bordersStayVisibleInSixteenColours() throws {
        let catalog = ThemeCatalog(directories: [themesDirectory])
        for name in ["arroz-dark", "arroz-light", "mono"] {
            let original = try catalog.load(name)
            let theme = original.adapted(to: .palette8)
            #expect(original.adapted(to: .palette256) == original)
            guard let line = theme[.divLine] else {
                #expect(name == "mono")  // the terminal's own foreground
                continue
            }
            let bg = theme[.mainBg].map { ColorMapping.ansi8($0) } ?? 0  // empty main_bg: a dark terminal
            let border = ColorMapping.ansi8(line)
            #expect(border != bg, "\(name): div_line \(line) maps to the background's ANSI colour \(bg)")
            if let active = theme[.activeBox] { #expect(ColorMapping.ansi8(active) != border, "\(name)") }
        }
    }
}
