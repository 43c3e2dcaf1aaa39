// StudioAppTests: the whole loop on a MemoryTerminal with the toy engine — keys in, jobs run, screen out.
import ArrozImage
import ArrozTrain
import Foundation
import Testing

@testable import ArrozStudio

@Suite struct StudioAppTests {
    func makeApp(
        _ engine: TestEngine, _ term: MemoryTerminal,
        output: String = NSTemporaryDirectory() + "arroz-\(UUID())"
    )
        -> (StudioApp, JobQueue)
    {
        let queue = JobQueue(engine: engine)
        let app = StudioApp(
            terminal: term, queue: queue, engine: engine,
            catalog: ThemeCatalog(directories: [themesDirectory]),
            options: StudioApp.Options(graphics: .halfblock, outputDirectory: output))
        return (app, queue)
    }

    @Test func startupEncodesAndSamplesThenShowsTheImage() {
        let engine = TestEngine()
        let term = MemoryTerminal(cols: 80, rows: 24)
        let (app, queue) = makeApp(engine, term)
        queue.runUntilIdle()
        app.tick(key: nil)
        #expect(engine.sampleCalls.count == 1)
        #expect(app.state.promptSummary != nil)
        #expect(app.state.preview.image != nil)
        let text = term.dump()
        #expect(text.contains("step 20/20 · ddim"))
        #expect(text.contains("cos(A,B)"))
        #expect(term.cells.contains { $0.glyph == "▀" })
    }

    @Test func keysChangeSettingsAndRequeue() {
        let engine = TestEngine()
        let term = MemoryTerminal(cols: 80, rows: 24)
        let (app, queue) = makeApp(engine, term)
        queue.runUntilIdle()
        for key: Key in [.tab, .down, .down, .right, .right] { app.tick(key: key) }  // steps 20 → 22
        queue.runUntilIdle()
        app.tick(key: nil)
        #expect(app.state.sampler.steps == 22)
        // The two requests coalesced: 20 (startup) then 22; 21 was replaced before it ran.
        #expect(engine.sampleCalls.map(\.steps) == [20, 22])
        #expect(term.dump().contains("steps    ◀ 22 ▶"))
        app.tick(key: .left)
        app.tick(key: .left)  // back to 20: served from the cache
        queue.runUntilIdle()
        app.tick(key: nil)
        #expect(engine.sampleCalls.count == 2)
        #expect(app.state.preview.fromCache)
        #expect(term.dump().contains("cached"))
    }

    @Test func saveThenReloadRestoresSettings() throws {
        let engine = TestEngine()
        let term = MemoryTerminal(cols: 80, rows: 24)
        let out = NSTemporaryDirectory() + "arroz-save-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (app, queue) = makeApp(engine, term, output: out)
        queue.runUntilIdle()
        app.tick(key: nil)
        app.tick(key: .char("s"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(files == ["arroz-42-001.png"])
        let saved = try loadPNG(out + "/" + files[0])
        #expect(saved == app.state.preview.image)
        let original = try #require(app.state.sampleRequest)
        app.tick(key: .char("r"))
        #expect(app.state.sampler.seed != 42)
        app.tick(key: .char("l"))
        #expect(app.state.sampleRequest == original)
    }

    @Test func themeCyclesAndQuitEndsTheLoop() {
        let engine = TestEngine()
        let term = MemoryTerminal(cols: 80, rows: 24)
        let (app, _) = makeApp(engine, term)
        app.tick(key: .char("T"))
        #expect(app.state.themeName == "arroz-light")
        #expect(app.theme[.mainBg] == RGB(0xf7, 0xf4, 0xec))
        #expect(term.cell(x: 0, y: 0).style.bg == RGB(0xf7, 0xf4, 0xec))
        term.pendingKeys = [.char("q")]
        #expect(app.run() == 0)
        #expect(app.state.quitting)
    }

    @Test func resizeRedrawsAtTheNewSize() {
        let engine = TestEngine()
        let term = MemoryTerminal(cols: 80, rows: 24)
        let (app, _) = makeApp(engine, term)
        app.tick(key: nil)
        term.resize(cols: 50, rows: 15)
        app.tick(key: term.readKey(timeoutMs: 0))
        #expect(term.dump().contains("terminal too small"))
        term.resize(cols: 160, rows: 48)
        app.tick(key: term.readKey(timeoutMs: 0))
        #expect(term.line(0).hasPrefix("┌ Prompts"))
        #expect(term.line(47).hasPrefix(" q quit"))
    }

    @Test func trainingRunsThroughTheQueueAndShowsTheCurve() {
        let engine = TestEngine()
        engine.trainingSteps = 30
        let term = MemoryTerminal(cols: 80, rows: 24)
        let (app, queue) = makeApp(engine, term)
        app.tick(key: .char("t"))
        queue.runUntilIdle()
        app.tick(key: nil)
        #expect(app.state.training.losses.count == 30)
        #expect(!app.state.training.running)
        #expect(term.dump().contains("run toy-run · step 30/30"))
    }

    @Test func interpolationStripShowsASheetScrubsAndSaves() throws {
        let engine = TestEngine()
        let term = MemoryTerminal(cols: 80, rows: 24)
        let out = NSTemporaryDirectory() + "arroz-strip-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (app, queue) = makeApp(engine, term, output: out)
        queue.runUntilIdle()
        app.tick(key: .char("i"))
        queue.runUntilIdle()
        app.tick(key: nil)
        let p = app.state.preview
        #expect(p.strip.map(\.mix) == (0..<7).map { Float($0) / 6 })
        // Frames differ in blue (mix), share seed and settings.
        #expect(p.strip.first?.image.rgb(0, 0).b == 0 && p.strip.last?.image.rgb(0, 0).b == 255)
        #expect(p.shownImage == p.stripSheet)
        #expect(term.dump().contains("interpolate A→B · 7/7"))
        #expect(term.dump().contains("▏all"))
        for key: Key in [.tab, .tab, .left] { app.tick(key: key) }
        #expect(app.state.preview.selectedFrame == 6)
        #expect(app.state.preview.shownImage == p.strip[6].image)
        app.tick(key: .right)
        app.tick(key: .char("s"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(files.count == 1)
        // What is saved is the whole strip as `sample --from` redraws it: one row, with its strip request.
        let saved = try loadPNG(out + "/" + files[0])
        let request = try #require(p.stripRequest)
        #expect(request.frames == 7)
        #expect(saved == request.sheet(p.strip.map(\.image)))
        #expect(try Reproduce.request(fromPNG: out + "/" + files[0]) == request)
    }

    @Test func checkpointKeyReachesTheTrainingLoop() {
        let engine = TestEngine()
        engine.trainingSteps = 3
        let term = MemoryTerminal(cols: 80, rows: 24)
        let (app, queue) = makeApp(engine, term)
        app.tick(key: .char("c"))
        #expect(app.state.status?.isError == true)
        app.tick(key: .char("t"))
        engine.duringTraining = { step in
            if step == 1 {
                _ = queue.drainEvents().map { app.dispatch(.job($0)) }
                app.dispatch(.checkpoint)
            }
        }
        queue.runUntilIdle()
        #expect(engine.trainingEvents.contains("checkpoint 1"))
    }
}
