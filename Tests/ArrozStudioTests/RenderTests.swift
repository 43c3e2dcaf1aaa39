// RenderTests: every pane rendered into a MemoryTerminal at 80×24 and 160×48, checked by its text.
import ArrozImage
import ArrozTrain
import Testing

@testable import ArrozStudio

/// A state with something in every pane: prompts encoded, a finished run with frames, a training run.
func populatedState() -> AppState {
    var s = loadedState()
    s.promptSummary = PromptPairSummary(
        vectorA: TestEngine.vector("grinning face"), vectorB: TestEngine.vector("smiling face with sunglasses"))
    let r = s.sampleRequest!
    let frames = (1...4).map { SampleFrame(step: $0, image: TestEngine.image(r, cfg: 3.5, step: $0)) }
    let run = SampleRun(request: r, image: frames[3].image, frames: frames, secondsPerStep: 0.41)
    _ = s.apply(.job(JobEvent(job: JobID(3), kind: .sample, update: .sampleFinished(run))))
    for step in 1...60 {
        let p = TrainingProgress(
            runName: "toy-run", step: step, totalSteps: 100, loss: 1 / Float(step) + Float(step % 3) * 0.02,
            learningRate: 3e-4, gradNorm: 0.8, itemsPerSecond: 3.1, etaSeconds: 1200,
            samples: step == 50 ? RGBImage(width: 8, height: 8, fill: (200, 40, 40)) : nil,
            samplesStep: step == 50 ? 50 : nil)
        _ = s.apply(.job(JobEvent(job: JobID(2), kind: .train, update: .training(p))))
    }
    _ = s.apply(
        .jobs(
            [
                JobSummary(id: JobID(2), kind: .train, state: .running, step: 60, total: 100),
                JobSummary(id: JobID(3), kind: .sample, state: .done, step: 4, total: 4),
            ], cachedRuns: 1))
    return s
}

/// Renders `state` through the real Screen into a MemoryTerminal.
func render(
    _ state: AppState, cols: Int, rows: Int, graphics: GraphicsMode = .halfblock,
    theme: Theme = .arrozDark
) -> MemoryTerminal {
    let term = MemoryTerminal(cols: cols, rows: rows, cellWidth: 10, cellHeight: 20)
    var canvas = Canvas(width: cols, height: rows)
    let ctx = PaneContext(theme: theme, focus: state.focus, graphics: graphics, cellWidth: 10, cellHeight: 20)
    StudioView.render(state, keyMap: KeyMap(), into: &canvas, ctx)
    Screen(terminal: term).present(canvas, sixel: graphics == .sixel)
    return term
}

@Suite struct RenderTests {
    static let sizes = [(80, 24), (160, 48)]

    @Test(arguments: sizes) func promptsPane(cols: Int, rows: Int) {
        let text = render(populatedState(), cols: cols, rows: rows).dump()
        #expect(text.contains("┌ Prompts "))
        #expect(text.contains("│A  grinning face"))
        #expect(text.contains("│B  smiling face"))
        #expect(text.contains("|A| ") && text.contains("cos(A,B) "))
        #expect(text.contains("mix A ●") && text.contains(" B 0.00"))
        #expect(text.unicodeScalars.contains { (0x2581...0x2588).contains($0.value) })  // sparkline blocks
    }

    @Test(arguments: sizes) func samplerPane(cols: Int, rows: Int) {
        let text = render(populatedState(), cols: cols, rows: rows).dump()
        #expect(text.contains("┌ Sampler "))
        for line in [
            "model    ◀ toy-a ▶", "sampler  ◀ ddim ▶", "steps    ◀ 20 ▶", "cfg      ◀ 3.5 ▶",
            "seed     ◀ 42 ▶", "size     ◀ 32×32 ▶", "eta      ◀ 0.0 ▶",
        ] {
            #expect(text.contains(line), "missing \(line)")
        }
    }

    @Test(arguments: sizes) func previewPane(cols: Int, rows: Int) {
        let term = render(populatedState(), cols: cols, rows: rows)
        let text = term.dump()
        #expect(text.contains("┌ Preview ── step 4/4 · ddim · 0.41 s "))
        // The one-line strip at 80×24; x̂₀ thumbnails with their steps under them on taller terminals (LayoutTests).
        #expect(rows >= 36 || (text.contains("steps ▏1") && text.contains("▏4")))
        // The half-block image carries the final frame's colours.
        let expected = TestEngine.image(populatedState().sampleRequest!, cfg: 3.5, step: 4).rgb(0, 0)
        let blocks = term.cells.filter { $0.glyph == "▀" }
        #expect(blocks.count >= 16 * 8)
        #expect(blocks.contains { $0.style.fg == expected && $0.style.bg == expected })
    }

    @Test(arguments: sizes) func trainingPane(cols: Int, rows: Int) {
        let text = render(populatedState(), cols: cols, rows: rows).dump()
        #expect(text.contains("┌ Training ── run toy-run · step 60/100 "))
        #expect(
            text.contains("loss ") && text.contains("(ema)") && text.contains("3.1 it/s")
                && text.contains("ETA 20 m"))
        #expect(text.contains("lr 3e-4") && text.contains("grad 0.800") && text.contains("60%"))
        #expect(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })  // braille curve
        if cols >= 160 { #expect(text.contains("samples @50")) }
    }

    @Test(arguments: sizes) func jobLineAndKeyBar(cols: Int, rows: Int) {
        let term = render(populatedState(), cols: cols, rows: rows)
        #expect(term.line(rows - 2).contains("#2 train ▸ 60/100"))
        #expect(term.line(rows - 1).hasPrefix(" q quit  ? help  tab pane  ←→ change  ↑↓ field"))
    }

    @Test func lossesSpanningADecadeUseLogScale() {
        var s = populatedState()
        #expect(TrainingPane.usesLogScale(s.training))  // 1/step for 60 steps: 1.02 down to 0.017
        s.training.losses = [1, 0.5, 0.01]
        #expect(TrainingPane.usesLogScale(s.training))
        #expect(render(s, cols: 160, rows: 48).dump().contains("log y"))
        s.training.losses = [1, 0.5, 0.2]
        #expect(!TrainingPane.usesLogScale(s.training))
    }

    @Test func logPaneAppearsOnTallTerminals() {
        var s = populatedState()
        s.status = StatusMessage(text: "saved outputs/arroz-42-001.png", isError: false)
        s.status = StatusMessage(text: "sample failed: boom", isError: true)
        #expect(s.log.map(\.text).suffix(2) == ["saved outputs/arroz-42-001.png", "sample failed: boom"])
        #expect(s.log.contains { $0.text.hasPrefix("#3 sample · ddim 4 steps · cfg 3.5 · seed 42") })
        let tall = render(s, cols: 160, rows: 48)
        #expect(tall.dump().contains("┌ Log "))
        #expect(tall.dump().contains("│sample failed: boom"))
        // 80×24 has a Log too (the Sampler is as tall as its fields); the 64×20 minimum has none.
        #expect(render(s, cols: 80, rows: 24).dump().contains("│sample failed: boom"))
        #expect(!render(s, cols: 64, rows: 20).dump().contains("┌ Log "))
    }

    @Test func nonFiniteNumbersRenderInsteadOfTrapping() {
        var s = populatedState()
        s.promptSummary = PromptPairSummary(
            a: EmbeddingSummary(profile: [.nan, 1, .infinity], norm: .nan),
            b: EmbeddingSummary(profile: [0, 0, 0], norm: 0), cosine: .nan)
        let p = TrainingProgress(
            runName: "toy-run", step: 61, totalSteps: 100, loss: .nan, learningRate: .infinity,
            gradNorm: .nan,
            itemsPerSecond: .nan, etaSeconds: .infinity)
        _ = s.apply(.job(JobEvent(job: JobID(2), kind: .train, update: .training(p))))
        s.preview.secondsPerStep = .nan
        for (cols, rows) in RenderTests.sizes {
            let text = render(s, cols: cols, rows: rows).dump()
            #expect(text.contains("cos(A,B) nan") && text.contains("grad nan"))
        }
    }

    @Test func cfgChangeIsMarkedOnTheStepStrip() {
        var s = populatedState()
        _ = s.apply(.job(JobEvent(job: JobID(3), kind: .sample, update: .cfgChanged(cfg: 6, afterStep: 2))))
        let text = render(s, cols: 80, rows: 24).dump()
        #expect(text.contains("steps ▏1 ▏2 ¦3 ▏4"))
        #expect(render(s, cols: 160, rows: 48).dump().contains("cfg→6.0 after 2"))
    }

    @Test func tooSmallSaysSoInsteadOfDrawing() {
        let text = render(populatedState(), cols: 50, rows: 15).dump()
        #expect(text.contains("terminal too small: 50×15"))
        #expect(!text.contains("Prompts"))
    }

    @Test func helpOverlayListsEveryBinding() {
        var s = populatedState()
        s.showHelp = true
        let small = render(s, cols: 80, rows: 24).dump()
        #expect(small.contains("┌ Keys "))
        for line in KeyMap().helpLines { #expect(small.contains(line.keys), "help lacks \(line.keys)") }
        // In columns on a larger screen: every binding and every mark-mode key with its words.
        let text = render(s, cols: 120, rows: 40).dump()
        for line in KeyMap().helpLines + KeyMap().markHelpLines {
            #expect(text.contains(line.help), "help lacks \(line.help)")
        }
        #expect(text.contains("mark mode (M)"))
    }

    @Test func editingShowsTheBufferAndEditKeys() {
        var s = populatedState()
        _ = s.apply(.beginEdit)
        _ = s.apply(.editInsert("!"))
        let term = render(s, cols: 80, rows: 24)
        #expect(term.dump().contains("A  grinning face!"))
        #expect(term.line(23).contains("enter save prompt"))
    }

    @Test func sizeFieldSaysWhatAFixedSizeModelMade() {
        var s = populatedState()
        s.sampler.size = 64
        #expect(render(s, cols: 80, rows: 24).dump().contains("size     ◀ 64×64 ▶ → 32×32"))
        s.sampler.size = 32
        #expect(!render(s, cols: 80, rows: 24).dump().contains("→ 32×32"))
    }

    @Test func monoThemeUsesNoColours() {
        let term = render(populatedState(), cols: 80, rows: 24, graphics: .none, theme: .mono)
        #expect(term.cells.allSatisfy { $0.style.fg == nil && $0.style.bg == nil })
        #expect(term.dump().contains("image 32×32 (graphics off)"))
    }

    @Test func emptyTrainingPaneNamesTheRecipe() {
        let text = render(loadedState(), cols: 80, rows: 24).dump()
        #expect(text.contains("no training run") && text.contains("recipe  ◀ toy-run ▶"))
        #expect(text.contains("embedding: not encoded yet"))
    }
}
