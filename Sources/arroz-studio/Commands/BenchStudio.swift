// BenchStudio: `arroz-studio bench studio` — key press → first preview → finished image, through the real
// StudioApp, job queue, compute thread and engine, with and without a training run going.
import ArgumentParser
import ArrozStudio
import ArrozTensor
import ArrozTrain
import Foundation

struct BenchStudio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio",
        abstract: "Latency of a CFG key press: first preview on screen, finished image, longest UI frame.",
        discussion: """
            Drives the real studio (StudioApp over an in-memory 160×48 terminal with 10×20-pixel cells, the job
            queue, the compute thread and the DiffusionEngine on the default model or --run's, --steps 20) and
            presses → on the
            CFG field, once per image protocol (--graphics, default kitty,iterm,sixel,halfblock): first preview on
            screen, bytes of image escape codes per preview frame, longest UI frame. The last pass does the same in
            sixel while a training run (emoji-ddpm by default, the recipe the default model was trained with) goes
            on the compute thread; sampling preempts it between ops.
            Targets: first preview ≤ 100 ms, finished image ≤ 1 s, no UI frame over 50 ms.
            """)

    @Option(help: "Key presses per pass.") var presses = 6
    @Option(help: "Threads for our loops and split sgemms.") var threads = 2
    @Option(help: "Recipe trained during the second pass.") var trainRecipe = "emoji-ddpm"
    @Option(help: "Image protocols to measure, comma-separated (kitty, iterm, sixel, halfblock).")
    var graphics = "kitty,iterm,sixel,halfblock"
    @Option(
        name: .customLong("run"),
        help: ArgumentHelp(
            "A run directory whose model to sample instead of the default one (e.g. runs/emoji-ddg).",
            discussion: "Paths a run's config names (a frozen autoencoder) are relative to the current folder."))
    var runDirectory: String?

    @Option(help: "Sampling steps per image (a DDG run samples in 1 to 5).") var steps = 20

    func validate() throws {
        try InputChecks.int(steps, "--steps", 1...1000)
        try InputChecks.int(presses, "--presses", 1...1000)
        _ = try InputChecks.threads(threads)
        if let runDirectory { _ = try InputChecks.trainedRun(runDirectory) }
    }

    func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)
        Threads.set(threads)
        guard let model = DefaultModel.path else { throw ValidationError("no bundled default model") }
        let runs = NSTemporaryDirectory() + "arroz-bench-studio-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: runs) }
        // --run: linked into the bench's own runs folder (the training pass writes there, never into yours).
        var wanted = ModelReference.bundledDefault
        if let run = runDirectory {
            let dir = URL(fileURLWithPath: run).standardizedFileURL
            try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: runs + "/" + dir.lastPathComponent, withDestinationPath: dir.path)
            wanted = ModelReference.run(dir.lastPathComponent)
        }
        let engine = DiffusionEngine(defaultModel: model, runsRoot: runs)
        guard engine.models.contains(wanted) else {
            throw ValidationError("--run: \(runDirectory ?? "") does not hold a model that makes images")
        }
        let queue = JobQueue(engine: engine)
        let thread = ComputeThread(queue: queue)
        thread.start()
        let modes = try graphics.split(separator: ",").map { name -> GraphicsMode in
            guard let m = GraphicsMode(rawValue: String(name)), m != .none else {
                throw ValidationError("--graphics: \(name) is not kitty, iterm, sixel or halfblock")
            }
            return m
        }
        guard !modes.isEmpty else { throw ValidationError("--graphics: no protocol given") }
        print("arroz-studio bench studio · "
            + (runDirectory == nil ? "default model (\(model.split(separator: "/").last ?? ""))" : "model \(wanted)") + " · "
            + "\(threads) threads · \(steps) steps · 160×48 cells of 10×20 px")
        print("pass              first preview (median / max)   finished image (median / max)   longest UI frame"
            + "         image bytes/frame (median / max)")
        print(String(repeating: "─", count: 140))
        func makeApp(_ mode: GraphicsMode, reseeds: Int) -> StudioApp {
            let term = MemoryTerminal(cols: 160, rows: 48, cellWidth: 10, cellHeight: 20)
            let app = StudioApp(
                terminal: term, queue: queue, engine: engine, catalog: ThemeCatalog(),
                options: StudioApp.Options(graphics: mode))
            // A seed of its own per pass (no cache hits from an earlier pass), then focus the CFG field: Sampler
            // pane, third field down.
            for _ in 0..<reseeds { app.tick(key: .char("r")) }
            app.tick(key: .tab)  // Sampler pane, model field
            for _ in 0..<app.state.sampler.models.count where app.state.sampler.modelName != wanted {
                app.tick(key: .right)
            }
            for k in [Key.down, .down] { app.tick(key: k) }  // steps
            for _ in 0..<1000 where app.state.sampler.steps != steps {
                app.tick(key: app.state.sampler.steps > steps ? .left : .right)
            }
            app.tick(key: .down)  // CFG
            _ = settle(app, timeout: 60)
            return app
        }
        for (i, mode) in modes.enumerated() {
            report("idle · \(mode.rawValue)", try measure(makeApp(mode, reseeds: i)))
        }
        let app = makeApp(modes[0], reseeds: modes.count)
        _ = queue.submitTraining(TrainRequest(recipe: trainRecipe, runName: "bench-train", resume: false))
        let wait = Date()
        while app.state.training.step < 3 && Date().timeIntervalSince(wait) < 120 {
            app.tick(key: nil)
            Thread.sleep(forTimeInterval: 0.01)
        }
        let firstStep = app.state.training.step
        report("training · \(app.options.graphics.rawValue)", try measure(app))
        print("training run: \(trainRecipe) steps \(firstStep)–\(app.state.training.step) during the pass"
            + (app.state.training.step == 0 ? " (it had not started: no training load was measured)" : ""))
        queue.shutdown(saveTraining: false)
        _ = thread.join(timeout: 60)  // never exit while the compute thread is inside a step
    }

    /// Ticks until the preview has finished its run (or `timeout` seconds); returns the longest tick.
    func settle(_ app: StudioApp, timeout: Double) -> Double {
        let start = Date()
        var longest = 0.0
        repeat {
            let t0 = Date()
            app.tick(key: nil)
            longest = max(longest, Date().timeIntervalSince(t0))
            if !app.state.preview.running && app.state.preview.total > 0
                && app.state.preview.step == app.state.preview.total { break }
            Thread.sleep(forTimeInterval: 0.002)
        } while Date().timeIntervalSince(start) < timeout
        return longest
    }

    struct Pass {
        var first: [Double] = []
        var done: [Double] = []
        var longestFrame = 0.0
        /// The same frame's CPU time on the UI thread (what the machine's load does not inflate).
        var longestFrameCPU = 0.0
        /// Image escape-code bytes of each frame that wrote any.
        var imageBytes: [Int] = []
    }

    func measure(_ app: StudioApp) throws -> Pass {
        var pass = Pass()
        for _ in 0..<presses {
            let before = app.state.preview.job
            let t0 = Date()
            app.tick(key: .right)  // always a new CFG value: no cache hits
            let wanted = app.state.sampler.cfg
            var first: Double?
            while Date().timeIntervalSince(t0) < 30 {
                let f0 = Date(), c0 = threadCPU()
                app.tick(key: nil)
                pass.longestFrame = max(pass.longestFrame, Date().timeIntervalSince(f0))
                pass.longestFrameCPU = max(pass.longestFrameCPU, threadCPU() - c0)
                if app.lastImageBytes > 0 { pass.imageBytes.append(app.lastImageBytes) }
                let p = app.state.preview
                // The first step of the new job on screen (its x̂₀ preview drawn in this tick).
                if first == nil && p.job != nil && p.job != before && p.step >= 1 && p.image != nil {
                    first = Date().timeIntervalSince(t0)
                }
                guard p.request?.cfg == wanted else { continue }
                if !p.running && p.step == p.total && p.total > 0 {
                    pass.done.append(Date().timeIntervalSince(t0))
                    break
                }
                Thread.sleep(forTimeInterval: 0.001)
            }
            if let first { pass.first.append(first) }
            if pass.done.count < pass.first.count || first == nil {
                // Say why a press never finished (a failed job puts its error on the status line).
                print("  press timed out after 30 s: \(app.state.status?.text ?? "no status")")
            }
        }
        return pass
    }

    func report(_ name: String, _ p: Pass) {
        func ms(_ v: [Double]) -> String {
            guard !v.isEmpty else { return "—" }
            let s = v.sorted()
            return String(format: "%6.0f / %6.0f ms", s[s.count / 2] * 1000, s.last! * 1000)
        }
        print(name.padding(toLength: 18, withPad: " ", startingAt: 0)
            + ms(p.first).padding(toLength: 31, withPad: " ", startingAt: 0)
            + ms(p.done).padding(toLength: 32, withPad: " ", startingAt: 0)
            + String(format: "%4.0f ms (CPU %3.0f ms)", p.longestFrame * 1000, p.longestFrameCPU * 1000)
            .padding(toLength: 23, withPad: " ", startingAt: 0)
            + bytes(p.imageBytes))
    }

    /// CPU seconds of the calling thread.
    func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    func bytes(_ v: [Int]) -> String {
        guard !v.isEmpty else { return "— (cells only)" }
        let s = v.sorted()
        return String(format: "%8.1f / %8.1f KB", Double(s[s.count / 2]) / 1024, Double(s.last!) / 1024)
    }
}
