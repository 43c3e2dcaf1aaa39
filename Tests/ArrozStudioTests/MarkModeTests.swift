// MarkModeTests: the mark mode's cell maths (cursor, boxes, toggles, mouse clicks and drags, the mask PNG), the
// outline drawn into the shown pixels (half-block and sixel), and the keys and mouse through the real StudioApp
// with the toy engine reporting a 4×4-token model.
import ArrozDiffusion
import ArrozImage
import ArrozTrain
import Foundation
import Testing

@testable import ArrozStudio

/// The marked cells as points, row by row.
func marked(_ g: MarkGrid) -> [GridPoint] {
    (0..<g.side).flatMap { y in (0..<g.side).compactMap { x in g[GridPoint(x, y)] ? GridPoint(x, y) : nil } }
}

func points(_ xy: [(Int, Int)]) -> [GridPoint] {
    xy.map { GridPoint($0.0, $0.1) }.sorted { ($0.y, $0.x) < ($1.y, $1.x) }
}

@Suite struct MarkGridTests {
    @Test func cursorMovesAndStaysOnTheGrid() {
        var g = MarkGrid(side: 4)
        #expect(g.cursor == GridPoint(2, 2))
        for _ in 0..<9 { g.move(dx: -1, dy: 0, extend: false) }
        g.move(dx: 0, dy: 7, extend: false)
        #expect(g.cursor == GridPoint(0, 3))
        #expect(g.isEmpty, "moving marks nothing")
    }

    @Test func shiftMovesStretchABoxThatAddsToTheMarks() {
        var g = MarkGrid(side: 6)  // cursor (3, 3)
        g.move(dx: -3, dy: -3, extend: false)  // (0, 0)
        g.toggle()
        g.move(dx: 3, dy: 3, extend: false)  // (3, 3)
        g.move(dx: 1, dy: 0, extend: true)
        g.move(dx: 0, dy: 1, extend: true)  // box (3,3)–(4,4)
        #expect(g.box.map { [$0.min, $0.max] } == [GridPoint(3, 3), GridPoint(4, 4)])
        #expect(marked(g) == points([(0, 0), (3, 3), (4, 3), (3, 4), (4, 4)]))
        // Shrinking the box back unmarks what it had added, not what was marked before.
        g.move(dx: -1, dy: 0, extend: true)
        #expect(marked(g) == points([(0, 0), (3, 3), (3, 4)]))
        // A plain move ends the box and keeps its marks; a new box starts from the cursor.
        g.move(dx: 0, dy: 1, extend: false)
        #expect(g.box == nil && g.count == 3)
        g.move(dx: 2, dy: 0, extend: true)
        #expect(marked(g) == points([(0, 0), (3, 3), (3, 4), (3, 5), (4, 5), (5, 5)]))
    }

    @Test func allClearInvertAndToggle() {
        var g = MarkGrid(side: 3)
        g.toggle()
        g.invert()
        #expect(g.count == 8 && !g[GridPoint(1, 1)])
        g.markAll()
        #expect(g.count == 9)
        g.clear()
        #expect(g.isEmpty)
    }

    @Test func clickTogglesAndDragMarksARectangle() {
        var g = MarkGrid(side: 8)
        g.pointer(.press, at: GridPoint(1, 1))
        g.pointer(.release, at: GridPoint(1, 1))
        #expect(marked(g) == [GridPoint(1, 1)])
        g.pointer(.press, at: GridPoint(1, 1))
        g.pointer(.release, at: GridPoint(1, 1))
        #expect(g.isEmpty, "a second click unmarks")
        // Drag from (5, 2) up-left to (3, 1): the rectangle between, whatever the direction.
        g.pointer(.press, at: GridPoint(5, 2))
        g.pointer(.drag, at: GridPoint(4, 2))
        g.pointer(.drag, at: GridPoint(3, 1))
        g.pointer(.release, at: GridPoint(3, 1))
        #expect(marked(g) == points([(3, 1), (4, 1), (5, 1), (3, 2), (4, 2), (5, 2)]))
        // Off the grid, a drag clamps to its edge; a drag without a press does nothing.
        g.pointer(.press, at: GridPoint(6, 6))
        g.pointer(.drag, at: GridPoint(20, 20))
        g.pointer(.release, at: GridPoint(20, 20))
        #expect(g.count == 6 + 4)
        g.pointer(.drag, at: GridPoint(0, 7))
        #expect(g.count == 10)
    }

    @Test func maskImageIsWhiteExactlyOverTheMarkedTokens() {
        var g = MarkGrid(side: 4)
        g.pointer(.press, at: GridPoint(1, 2))
        g.pointer(.release, at: GridPoint(1, 2))
        let m = g.maskImage(size: 16)  // 4 px per token
        for y in 0..<16 {
            for x in 0..<16 {
                let white = (4..<8).contains(x) && (8..<12).contains(y)
                #expect(m[x, y] == (white ? (255, 255, 255) : (0, 0, 0)), "pixel \(x),\(y)")
            }
        }
    }

    @Test func screenCellsMapToTheTokenUnderTheirMiddle() {
        let g = MarkGrid(side: 8)
        // Half-blocks: 32 columns × 16 rows show 32 × 32 pixels, 4 columns × 2 rows per token.
        let hb = MarkGeometry(
            rect: Rect(x: 10, y: 3, width: 32, height: 16), pixelWidth: 32, pixelHeight: 32, cellWidth: 1,
            cellHeight: 2)
        #expect(hb.cell(x: 10, y: 3, grid: g) == GridPoint(0, 0))
        #expect(hb.cell(x: 13, y: 4, grid: g) == GridPoint(0, 0), "rows 0–1 are token row 0")
        #expect(hb.cell(x: 13, y: 5, grid: g) == GridPoint(0, 1))
        #expect(hb.cell(x: 14, y: 7, grid: g) == GridPoint(1, 2))
        #expect(hb.cell(x: 41, y: 18, grid: g) == GridPoint(7, 7))
        #expect(hb.cell(x: 42, y: 18, grid: g) == nil && hb.cell(x: 9, y: 3, grid: g) == nil)
        #expect(hb.cell(x: 60, y: 0, grid: g, clamp: true) == GridPoint(7, 0))
        // Sixel: a 250² image in 10 × 20 px cells: 25 × 13 cells, the last row only partly covered.
        let sx = MarkGeometry(
            rect: Rect(x: 0, y: 0, width: 25, height: 13), pixelWidth: 250, pixelHeight: 250, cellWidth: 10,
            cellHeight: 20)
        #expect(sx.cell(x: 3, y: 0, grid: g) == GridPoint(1, 0))  // middle pixel x 35 → token 1
        #expect(sx.cell(x: 24, y: 12, grid: g) == nil, "the middle of the last cell is past the image")
        #expect(sx.cell(x: 24, y: 11, grid: g) == GridPoint(7, 7))
    }
}

@Suite struct MarkOverlayTests {
    static let grey: (UInt8, UInt8, UInt8) = (100, 100, 100)

    @Test func markedCellsAreTintedAndOutlinedTheRestUntouched() {
        var g = MarkGrid(side: 4)
        g.pointer(.press, at: GridPoint(1, 1))
        g.pointer(.release, at: GridPoint(1, 1))
        var image = RGBImage(width: 32, height: 32, fill: Self.grey)  // 8 px per token
        MarkOverlay.apply(g, to: &image, showCursor: false)
        let ants = [MarkOverlay.antLight, MarkOverlay.antDark]
        for (x, y) in [(8, 12), (15, 12), (12, 8), (12, 15)] {
            #expect(ants.contains { $0 == image[x, y] }, "the border of the marked cell at \(x),\(y)")
        }
        #expect(image[12, 12] != Self.grey && image[12, 12].r > image[12, 12].g, "inside: tinted")
        for (x, y) in [(7, 12), (16, 12), (2, 2), (31, 31), (12, 7)] {
            #expect(image[x, y] == Self.grey, "outside the marks at \(x),\(y)")
        }
        // Untinted (the repaint of these marks is shown): only the outline.
        var plain = RGBImage(width: 32, height: 32, fill: Self.grey)
        MarkOverlay.apply(g, to: &plain, showCursor: false, tinted: false)
        #expect(plain[12, 12] == Self.grey && plain[8, 12] != Self.grey)
    }

    @Test func theCursorCellIsOutlinedInCyan() {
        let g = MarkGrid(side: 4)  // cursor (2, 2): pixels 16–23
        var image = RGBImage(width: 32, height: 32, fill: Self.grey)
        MarkOverlay.apply(g, to: &image)
        #expect(image[16, 20] == MarkOverlay.cursor && image[23, 20] == MarkOverlay.cursor)
        #expect(image[20, 20] == Self.grey && image[15, 20] == Self.grey)
    }

    /// A state showing a grey 32² image with cell (0, 0) of a 4×4 grid marked.
    func markedState() -> AppState {
        var s = populatedState()
        s.preview.image = RGBImage(width: 32, height: 32, fill: Self.grey)
        s.preview.frames = []
        var g = MarkGrid(side: 4)
        g.pointer(.press, at: GridPoint(0, 0))
        g.pointer(.release, at: GridPoint(0, 0))
        g.move(dx: 3, dy: 3, extend: false)  // the cursor away, at (3, 3)
        s.mark = g
        return s
    }

    @Test func halfBlockPreviewShowsTheOutline() {
        let term = render(markedState(), cols: 80, rows: 24)
        let colours = term.cells.filter { $0.glyph == "▀" }.flatMap { [$0.style.fg, $0.style.bg] }
        let white = RGB(r: 255, g: 255, b: 255), cyan = RGB(r: 0, g: 230, b: 255)
        #expect(colours.contains(white) && colours.contains(cyan), "ants and cursor drawn on the half-blocks")
        #expect(term.dump().contains("mark 1/16 · cell 3,3"))
    }

    @Test func sixelPreviewHasTheOutlineInImagePixels() throws {
        var canvas = Canvas(width: 120, height: 40)
        let ctx = PaneContext(
            theme: .arrozDark, focus: .preview, graphics: .sixel, cellWidth: 10, cellHeight: 20)
        StudioView.render(markedState(), keyMap: KeyMap(), into: &canvas, ctx)
        let placed = try #require(canvas.images.first { $0.slot == PreviewPane.imageSlot })
        let geo = try #require(canvas.markArea)
        #expect(geo.pixelWidth == placed.image.width && geo.cellWidth == 10)
        // Scaled by a whole factor k: cell (0, 0) spans pixels 0..<8k, its outline at the left edge.
        let k = placed.image.width / 32
        #expect(k >= 2)
        let im = placed.image
        #expect(im[0, 4 * k] == MarkOverlay.antLight || im[0, 4 * k] == MarkOverlay.antDark)
        #expect(im[4 * k, 4 * k] != Self.grey, "tinted inside")
        #expect(im[12 * k, 4 * k] == Self.grey, "cell (1, 0) is not marked")
    }
}

@Suite struct MarkModeAppTests {
    static let tokens = ModelTraits(
        samplers: ["ddim"], capabilities: [.imageToImage, .inpainting, .variation], imageSize: 32,
        tokenGrid: 4)

    func makeApp(_ engine: TestEngine, out: String) -> (StudioApp, JobQueue, MemoryTerminal) {
        engine.traitsByModel["toy-a"] = Self.tokens
        let term = MemoryTerminal(cols: 100, rows: 32)
        let queue = JobQueue(engine: engine)
        let app = StudioApp(
            terminal: term, queue: queue, engine: engine,
            catalog: ThemeCatalog(directories: [themesDirectory]),
            options: StudioApp.Options(graphics: .halfblock, outputDirectory: out))
        queue.runUntilIdle()
        app.tick(key: nil)
        return (app, queue, term)
    }

    /// The terminal cell over the middle of grid cell (gx, gy).
    func screenCell(_ a: MarkGeometry, _ gx: Int, _ gy: Int, side: Int) -> (Int, Int) {
        let px = (2 * gx + 1) * a.pixelWidth / (2 * side), py = (2 * gy + 1) * a.pixelHeight / (2 * side)
        return (a.rect.x + px / a.cellWidth, a.rect.y + py / a.cellHeight)
    }

    @Test func keysAndMouseMarkCellsAndEnterRepaintsOnlyThem() throws {
        let out = NSTemporaryDirectory() + "arroz-mark-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let engine = TestEngine()
        let (app, queue, _) = makeApp(engine, out: out)
        #expect(app.state.traits == Self.tokens)
        #expect(app.state.sampler.samplers == ["ddim"], "the menu is the model's own")
        app.tick(key: .char("M"))
        let source = try #require(app.state.edit?.source)
        #expect(source.hasPrefix(out + "/sources/") || source.hasSuffix(".png"))
        #expect(try loadPNG(source) == app.state.preview.image, "the source is the shown image")
        #expect(app.state.mark?.side == 4)
        // Keys: h to (1, 2), space; L L to stretch a box (1,2)–(3,2) … then j ends it.
        for k: Key in [.char("h"), .char(" "), .shiftRight, .char("L"), .char("j")] { app.tick(key: k) }
        #expect(marked(app.state.mark!) == points([(1, 2), (2, 2), (3, 2)]))
        // The mouse: a click on (0, 0) toggles it; a drag from (0, 3) to (1, 3) marks both.
        let a = try #require(app.markArea)
        let (cx, cy) = screenCell(a, 0, 0, side: 4)
        app.tick(key: .mouse(x: cx, y: cy, button: .left))
        app.tick(key: .mouse(x: cx, y: cy, button: .leftRelease))
        let (dx, dy) = screenCell(a, 0, 3, side: 4), (ex, ey) = screenCell(a, 1, 3, side: 4)
        app.tick(key: .mouse(x: dx, y: dy, button: .left))
        app.tick(key: .mouse(x: ex, y: ey, button: .leftDrag))
        app.tick(key: .mouse(x: ex, y: ey, button: .leftRelease))
        let expected = points([(0, 0), (1, 2), (2, 2), (3, 2), (0, 3), (1, 3)])
        #expect(marked(app.state.mark!) == expected)
        // Nothing resampled while marking; enter writes the mask and asks for the inpaint.
        let calls = engine.sampleCalls.count
        queue.runUntilIdle()
        #expect(engine.sampleCalls.count == calls)
        app.tick(key: .enter)
        queue.runUntilIdle()
        app.tick(key: nil)
        let r = try #require(engine.sampleCalls.last)
        #expect(r.initImage == source)
        let maskPath = try #require(r.mask)
        let mask = try loadPNG(maskPath)
        for y in 0..<32 {
            for x in 0..<32 {
                let white = expected.contains(GridPoint(x / 8, y / 8))
                #expect(mask[x, y] == (white ? (255, 255, 255) : (0, 0, 0)), "mask pixel \(x),\(y)")
            }
        }
        // s saves the edit's image with a request naming the source and the mask.
        app.tick(key: .char("s"))
        let saved = try #require(
            try FileManager.default.contentsOfDirectory(atPath: out).first { $0.hasSuffix(".png") })
        let back = try Reproduce.request(fromPNG: out + "/" + saved)
        #expect(back.initImage == source && back.mask == maskPath)
        // esc: back to the prompts' own image.
        app.tick(key: .escape)
        #expect(app.state.mark == nil && app.state.edit == nil)
        #expect(app.state.sampleRequest?.mask == nil)
    }

    @Test func outpaintAddsTokensOnASideAndVariationsFollowTheCapabilities() throws {
        let out = NSTemporaryDirectory() + "arroz-outpaint-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let engine = TestEngine()
        let (app, queue, _) = makeApp(engine, out: out)
        app.tick(key: .char("o"))
        #expect(app.state.pendingOutpaint)
        app.tick(key: .right)
        #expect(app.state.edit?.margins == [0, 0, 16, 0], "2 tokens × 8 px on the right")
        app.tick(key: .char("o"))
        app.tick(key: .char("x"))  // not an arrow: cancels
        #expect(!app.state.pendingOutpaint && app.state.edit?.margins == [0, 0, 16, 0])
        app.tick(key: .char("o"))
        app.tick(key: .up)
        queue.runUntilIdle()
        #expect(engine.sampleCalls.last?.outpaint == [0, 16, 16, 0])
        app.tick(key: .escape)
        queue.runUntilIdle()
        app.tick(key: nil)
        // v on a token model: structural variation, strength 0.5, [ ] move it by 0.05.
        app.tick(key: .char("v"))
        #expect(app.state.edit?.kind == .structural)
        app.tick(key: .char("]"))
        queue.runUntilIdle()
        #expect(engine.sampleCalls.last?.variation == 0.55)
        #expect(engine.sampleCalls.last?.initImage == app.state.edit?.source)
        // A latent model: variations condition on the image (no strength); a pixel model: image to image.
        var s = app.state
        s.modelTraits["toy-a"]?.capabilities = [.imageToImage, .inversion, .variations]
        s.edit = nil
        #expect(EditKind.variation(for: s.traits!.capabilities) == .variations)
        _ = s.apply(.sourceStored(.variation(.variations), path: "/x/src.png"))
        #expect(s.sampleRequest?.variationsOf == "/x/src.png" && s.sampleRequest?.initImage == nil)
        _ = s.apply(.adjustEdit(1))
        #expect(s.status?.isError == true)
        #expect(EditKind.variation(for: [.imageToImage]) == .imageToImage)
        _ = s.apply(.sourceStored(.variation(.imageToImage), path: "/x/src.png"))
        #expect(s.sampleRequest?.initImage == "/x/src.png" && s.sampleRequest?.strength == 0.6)
        #expect(EditKind.variation(for: []) == nil)
    }

    @Test func theSamplerMenuFollowsEachModel() {
        var s = loadedState()
        #expect(s.sampler.samplers == ["ddim", "ddpm"])
        let paella = ModelTraits(
            samplers: ["paella"], defaultSteps: 12, capabilities: [.inpainting], imageSize: 32, tokenGrid: 8)
        let e = s.apply(
            .job(JobEvent(job: JobID(1), kind: .sample, update: .modelTraits(model: "toy-a", paella))))
        #expect(
            s.sampler.samplers == ["paella"] && s.sampler.samplerName == "paella" && s.sampler.steps == 12)
        #expect(e == [.sample(s.sampleRequest!)], "the run restarts with the model's own sampler")
        // Another model not run yet: the whole menu again; a GAN: its own sampler, steps at most its table's.
        s.focus = .sampler
        s.fields[.sampler] = SamplerField.model.rawValue
        _ = s.apply(.change(1))
        #expect(s.sampler.samplers == ["ddim", "ddpm"])
        let gan = ModelTraits(samplers: ["ddg"], defaultSteps: 4, maxSteps: 5, imageSize: 32)
        _ = s.apply(.job(JobEvent(job: JobID(2), kind: .sample, update: .modelTraits(model: "toy-b", gan))))
        #expect(s.sampler.samplers == ["ddg"] && s.sampler.steps == 4)
        s.fields[.sampler] = SamplerField.steps.rawValue
        for _ in 0..<5 { _ = s.apply(.change(1)) }
        #expect(s.sampler.steps == 5)
        // Back to the first model: its menu is remembered.
        s.fields[.sampler] = SamplerField.model.rawValue
        _ = s.apply(.change(1))
        #expect(s.sampler.samplers == ["paella"])
    }
}
