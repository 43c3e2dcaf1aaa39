// MouseTests: clicks and the wheel on the rendered screen — hotspots registered by the panes.
import ArrozTrain
import Foundation
import Testing

@testable import ArrozStudio

/// Cell (x, y) where `text` starts on the terminal (scalar columns), or nil.
func locate(_ text: String, in term: MemoryTerminal) -> (x: Int, y: Int)? {
    for y in 0..<term.size.rows {
        let line = Array(term.line(y).unicodeScalars)
        let needle = Array(text.unicodeScalars)
        guard line.count >= needle.count else { continue }
        for x in 0...(line.count - needle.count) where Array(line[x..<(x + needle.count)]) == needle {
            return (x, y)
        }
    }
    return nil
}

@Suite struct MouseTests {
    func app() -> (StudioApp, MemoryTerminal, JobQueue) {
        let engine = TestEngine()
        let term = MemoryTerminal(cols: 80, rows: 24)
        let queue = JobQueue(engine: engine)
        let app = StudioApp(
            terminal: term, queue: queue, engine: engine,
            catalog: ThemeCatalog(directories: [themesDirectory]),
            options: StudioApp.Options(outputDirectory: NSTemporaryDirectory() + "arroz-mouse-\(UUID())"))
        queue.runUntilIdle()
        app.tick(key: nil)
        return (app, term, queue)
    }

    @Test func clickingArrowsChangesTheField() throws {
        let (app, term, _) = app()
        let steps = try #require(locate("steps    ◀ 20 ▶", in: term))
        app.tick(key: .mouse(x: steps.x + 14, y: steps.y, button: .left))  // the ▶
        #expect(app.state.focus == .sampler && app.state.field(.sampler) == SamplerField.steps.rawValue)
        #expect(app.state.sampler.steps == 21)
        app.tick(key: .mouse(x: steps.x + 9, y: steps.y, button: .left))  // the ◀
        #expect(app.state.sampler.steps == 20)
    }

    @Test func wheelOverAFieldChangesIt() throws {
        let (app, term, _) = app()
        let cfg = try #require(locate("cfg      ◀ 3.5 ▶", in: term))
        app.tick(key: .mouse(x: cfg.x + 2, y: cfg.y, button: .wheelUp))
        #expect(app.state.sampler.cfg == 4)
        app.tick(key: .mouse(x: cfg.x + 2, y: cfg.y, button: .wheelDown))
        app.tick(key: .mouse(x: cfg.x + 2, y: cfg.y, button: .wheelDown))
        #expect(app.state.sampler.cfg == 3)
    }

    @Test func clickingTheMixSliderSetsIt() throws {
        let (app, term, _) = app()
        let slider = try #require(locate("mix A ●", in: term))
        let end = try #require(locate(" B 0.00", in: term))
        let middle = (slider.x + 6 + end.x - 1) / 2
        app.tick(key: .mouse(x: middle, y: slider.y, button: .left))
        #expect(abs(app.state.mix - 0.5) <= 0.05)
        #expect(app.state.field(.prompts) == PromptField.mix.rawValue)
    }

    @Test func clickingAStepLabelSelectsThatFrame() throws {
        let (app, term, _) = app()
        let label = try #require(locate("▏15 ", in: term))  // the strip shows a window around the newest
        app.tick(key: .mouse(x: label.x + 1, y: label.y, button: .left))
        #expect(app.state.focus == .preview)
        #expect(app.state.preview.selectedFrame == 14)
        #expect(term.dump().contains("step 15/20"))
        // The window now centres on step 15; its last label is the newest one it shows.
        let last = try #require(locate("▏19", in: term))
        app.tick(key: .mouse(x: last.x + 1, y: last.y, button: .left))
        #expect(app.state.preview.selectedFrame == 18)
    }

    @Test func keyBarIsClickableAndHelpClosesOnClick() throws {
        let (app, term, _) = app()
        let help = try #require(locate("? help", in: term))
        app.tick(key: .mouse(x: help.x, y: help.y, button: .left))
        #expect(app.state.showHelp)
        app.tick(key: .mouse(x: 1, y: 1, button: .left))
        #expect(!app.state.showHelp)
        let quit = try #require(locate("q quit", in: term))
        app.tick(key: .mouse(x: quit.x + 2, y: quit.y, button: .left))
        #expect(app.state.quitting)
    }

    @Test func clickingAPaneFocusesIt() {
        let (app, term, _) = app()
        app.tick(key: .mouse(x: 60, y: term.size.rows - 5, button: .left))
        #expect(app.state.focus == .training)
    }
}
