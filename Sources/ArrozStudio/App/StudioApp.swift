// StudioApp: the UI loop — poll a key (≈33 ms), drain job events, apply actions, run effects, redraw.
import ArrozImage
import ArrozTrain
import Foundation

/// Runs the studio on a terminal. Owns the state, the key map and the screen; talks to the job queue.
public final class StudioApp {
    /// Settings from the command line.
    public struct Options {
        public var graphics: GraphicsMode
        /// Why that protocol (shown in the help overlay's footer).
        public var graphicsNote: String
        /// Wrap image escape codes for tmux passthrough.
        public var passthrough: Bool
        public var themeName: String
        public var outputDirectory: String
        public var tickMilliseconds: Int
        /// Seconds to wait for a running training job to checkpoint on exit.
        public var shutdownTimeout: Double

        public init(
            graphics: GraphicsMode = .halfblock, themeName: String = "arroz-dark",
            outputDirectory: String = "outputs", tickMilliseconds: Int = 33, shutdownTimeout: Double = 60,
            graphicsNote: String = "", passthrough: Bool = false
        ) {
            self.graphics = graphics
            self.graphicsNote = graphicsNote
            self.passthrough = passthrough
            self.themeName = themeName
            self.outputDirectory = outputDirectory
            self.tickMilliseconds = tickMilliseconds
            self.shutdownTimeout = shutdownTimeout
        }
    }

    public private(set) var state = AppState()
    public let keyMap = KeyMap()
    public private(set) var theme: Theme
    public let options: Options
    private let screen: Screen
    private let terminal: Terminal
    private let queue: JobQueue
    private let catalog: ThemeCatalog
    private let signals: SignalWatcher?
    private let computeThread: ComputeThread?
    private var lastSaved: String?
    private var lastSize: TermSize?
    /// Clickable regions of the frame on screen.
    private var hotspots: [Hotspot] = []
    /// Where the mark mode's image is on screen (nil when not marking).
    public private(set) var markArea: MarkGeometry?
    /// A left press landed on the marked image: drags and the release go to the mark grid.
    private var markDragging = false
    /// Scaled previews, thumbnails and grids of recent frames.
    private let resizeCache = ResizeCache()

    public init(
        terminal: Terminal, queue: JobQueue, engine: StudioEngine?, catalog: ThemeCatalog, options: Options,
        signals: SignalWatcher? = nil, computeThread: ComputeThread? = nil
    ) {
        self.terminal = terminal
        self.queue = queue
        self.catalog = catalog
        self.options = options
        self.signals = signals
        self.computeThread = computeThread
        screen = Screen(terminal: terminal)
        screen.passthrough = options.passthrough
        state.graphicsNote = options.graphicsNote
        theme = .arrozDark
        var themeError: String?
        do {
            theme = try catalog.load(options.themeName).adapted(to: terminal.colorMode)
            state.themeName = theme.name
        } catch {
            themeError = "theme \(options.themeName): \(error); using arroz-dark"
        }
        defer { if let themeError { state.status = StatusMessage(text: themeError, isError: true) } }
        if let engine {
            run(
                state.apply(
                    .engine(models: engine.models, samplers: engine.samplers, recipes: engine.trainingRecipes)
                ))
        } else {
            state.status = StatusMessage(
                text: "no model engine loaded: sampling and training are unavailable",
                isError: true)
        }
    }

    /// Runs until quit (q, Ctrl-C, SIGINT/SIGTERM/SIGHUP). Returns the exit status. The caller restores the
    /// terminal (it owns it); a running training job checkpoints before this returns.
    public func run() -> Int32 {
        var exitCode: Int32 = 0
        while !state.quitting {
            if let sig = signals?.received {
                state.status = StatusMessage(text: "\(SignalWatcher.name(sig)): closing", isError: false)
                exitCode = 128 + sig
                dispatch(.quit)
                break
            }
            tick(key: terminal.readKey(timeoutMs: options.tickMilliseconds))
        }
        shutdown()
        return exitCode
    }

    /// One iteration: a key (if any), job events, redraw. Tests call this directly.
    /// Redraws only when something changed (a key, an event, the job list, the size), so an idle studio
    /// costs no CPU.
    public func tick(key: Key?) {
        var changed = key != nil || lastSize == nil || terminal.size != lastSize
        if let key {
            if key == .resize { screen.invalidate() }
            if case .mouse(let x, let y, let button) = key {
                click(x: x, y: y, button)
            } else if let action = keyMap.action(for: key, in: state) {
                dispatch(action)
            }
        }
        let events = queue.drainEvents()
        for event in events { dispatch(.job(event)) }
        changed = changed || !events.isEmpty
        let jobs = queue.snapshot()
        if jobs != state.jobs || queue.cachedRuns != state.cachedRuns {
            dispatch(.jobs(jobs, cachedRuns: queue.cachedRuns))
            changed = true
        }
        if let error = screen.lastImageError, state.status?.text != error {
            state.status = StatusMessage(text: error, isError: true)
            changed = true
        }
        if changed { draw() }
    }

    /// Renders the current state.
    public func draw() {
        let size = terminal.size
        if size != lastSize {
            screen.invalidate()
            lastSize = size
        }
        var canvas = Canvas(width: size.cols, height: size.rows)
        let ctx = PaneContext(
            theme: theme, focus: state.focus, graphics: options.graphics,
            cellWidth: size.cellWidth, cellHeight: size.cellHeight, smooth: state.smoothImages,
            resizeCache: resizeCache)
        StudioView.render(state, keyMap: keyMap, into: &canvas, ctx)
        hotspots = canvas.hotspots
        markArea = canvas.markArea
        screen.present(canvas, graphics: options.graphics)
    }

    /// A click runs the actions of the hotspot under it; the wheel focuses what is under the pointer and
    /// changes it (↑ = +1). Ignored while a prompt is being edited.
    private func click(x: Int, y: Int, _ button: MouseButton) {
        if markPointer(x: x, y: y, button) { return }
        guard button != .leftDrag, button != .leftRelease else { return }
        guard state.editing == nil,
            let actions = hotspots.last(where: {
                x >= $0.rect.x && x < $0.rect.maxX && y >= $0.rect.y && y < $0.rect.maxY
            })?.actions
        else { return }
        switch button {
        case .left:
            actions.forEach(dispatch)
        case .leftDrag, .leftRelease:
            break
        case .wheelUp, .wheelDown:
            guard !state.showHelp else { return dispatch(.toggleHelp) }
            for case .focus(let pane, let field) in actions { dispatch(.focus(pane, field: field)) }
            dispatch(.change(button == .wheelUp ? 1 : -1))
        }
    }

    /// The mouse in the mark mode: a press on the image starts a click or a drag on the grid; the drag and the
    /// release follow it anywhere (clamped to the image's edge). True when the event was the grid's.
    private func markPointer(x: Int, y: Int, _ button: MouseButton) -> Bool {
        guard let grid = state.mark, let area = markArea, state.editing == nil, !state.showHelp else {
            markDragging = false
            return false
        }
        switch button {
        case .left:
            guard let c = area.cell(x: x, y: y, grid: grid) else { return false }
            markDragging = true
            dispatch(.markPointer(.press, x: c.x, y: c.y))
        case .leftDrag, .leftRelease:
            guard markDragging, let c = area.cell(x: x, y: y, grid: grid, clamp: true) else { return false }
            if button == .leftRelease { markDragging = false }
            dispatch(.markPointer(button == .leftDrag ? .drag : .release, x: c.x, y: c.y))
        case .wheelUp, .wheelDown:
            return false
        }
        return true
    }

    /// Applies an action and runs its effects.
    public func dispatch(_ action: Action) {
        let helpWasShown = state.showHelp
        run(state.apply(action))
        if helpWasShown != state.showHelp { screen.invalidate() }
    }

    private func run(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .sample(let r): queue.submitSample(r)
            case .encode(let a, let b): queue.submitEncode(promptA: a, promptB: b)
            case .strip(let r): queue.submitStrip(r)
            case .train(let r): queue.submitTraining(r)
            case .stopTraining(let id): queue.stopTraining(id, save: true)
            case .checkpointNow: queue.saveTrainingNow()
            case .pauseTraining(let paused): queue.setTrainingPaused(paused)
            case .save(let image, let request): save(image, request)
            case .storeSource(let image, let purpose):
                if let path = storeInput(image, prefix: "") { dispatch(.sourceStored(purpose, path: path)) }
            case .storeMask(let image):
                if let path = storeInput(image, prefix: "mask-") { dispatch(.maskStored(path: path)) }
            case .reloadSettings: reload()
            case .cycleTheme(let current): cycleTheme(current)
            case .quit: break
            }
        }
    }

    // MARK: - Effects that touch the disk

    private func save(_ image: RGBImage, _ request: GenerationRequest) {
        do {
            try FileManager.default.createDirectory(
                atPath: options.outputDirectory, withIntermediateDirectories: true)
            var n = 1
            var path: String
            repeat {
                path = options.outputDirectory + "/arroz-\(request.seed)-\(String(format: "%03d", n)).png"
                n += 1
            } while FileManager.default.fileExists(atPath: path)
            try savePNG(image, path, text: ["parameters": request.parametersText])
            lastSaved = path
            state.status = StatusMessage(text: "saved \(path)", isError: false)
        } catch {
            state.status = StatusMessage(text: "save failed: \(error)", isError: true)
        }
    }

    /// Saves an edit's input (a source image or a mask) as `<output>/sources/<prefix><hash>.png` and returns
    /// its absolute path, which the request — and so every PNG saved from it — names: `sample --from` reads the
    /// same pixels back. The hash is of the pixels, so the same image is written once.
    private func storeInput(_ image: RGBImage, prefix: String) -> String? {
        var dir = options.outputDirectory + "/sources"
        if !dir.hasPrefix("/") { dir = FileManager.default.currentDirectoryPath + "/" + dir }
        let path = dir + "/" + prefix + Self.pixelHash(image) + ".png"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: path) { try savePNG(image, path) }
            return path
        } catch {
            state.status = StatusMessage(
                text: "could not save the source image \(path): \(error)", isError: true)
            return nil
        }
    }

    /// ``ModelHash/of(bytes:)`` of the width, the height (32-bit each) and the pixels.
    static func pixelHash(_ image: RGBImage) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + image.pixels.count)
        for v in [UInt32(image.width), UInt32(image.height)] {
            withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
        }
        bytes += image.pixels
        return bytes.withUnsafeBytes { ModelHash.of(bytes: $0) }
    }

    private func reload() {
        guard let path = lastSaved ?? newestPNG() else {
            state.status = StatusMessage(
                text: "no saved PNG in \(options.outputDirectory)/ to load settings from",
                isError: true)
            return
        }
        do {
            guard let text = try loadPNGText(path)["parameters"] else {
                throw ParametersError.missing(source: path)
            }
            dispatch(.settingsLoaded(try GenerationRequest(parametersText: text, source: path)))
        } catch {
            state.status = StatusMessage(text: "\(error)", isError: true)
        }
    }

    private func newestPNG() -> String? {
        let dir = options.outputDirectory
        let files =
            (try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter { $0.hasSuffix(".png") } ?? []
        return files.map { dir + "/" + $0 }.max { a, b in
            let da =
                (try? FileManager.default.attributesOfItem(atPath: a)[.modificationDate] as? Date)
                ?? .distantPast
            let db =
                (try? FileManager.default.attributesOfItem(atPath: b)[.modificationDate] as? Date)
                ?? .distantPast
            return da < db
        }
    }

    private func cycleTheme(_ current: String) {
        let name = catalog.next(after: current)
        do {
            theme = try catalog.load(name).adapted(to: terminal.colorMode)
            dispatch(.themeChanged(name))
            screen.invalidate()
        } catch {
            state.status = StatusMessage(text: "\(error)", isError: true)
        }
    }

    // MARK: - Exit

    /// Stops the queue; a running training job saves a checkpoint (the screen says so while it waits).
    private func shutdown() {
        if queue.runningTraining != nil {
            state.status = StatusMessage(text: "saving a training checkpoint before exit…", isError: false)
            draw()
        }
        queue.shutdown(saveTraining: true)
        if let computeThread, !computeThread.join(timeout: options.shutdownTimeout) {
            state.status = StatusMessage(text: "the compute job did not stop in time", isError: true)
        }
        screen.clearImages()  // kitty images outlive the alternate screen: nothing may stay after q
    }

    /// Bytes of image escape codes the last frame wrote (bench studio).
    public var lastImageBytes: Int { screen.lastImageBytes }
}
