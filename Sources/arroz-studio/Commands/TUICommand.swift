// TUICommand: `arroz-studio` / `arroz-studio tui` — opens the terminal studio.
import ArgumentParser
import ArrozStudio
import ArrozTrain
import Foundation

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the terminal studio (the default command).")

    @Option(help: "Image output: auto (ask the terminal), kitty, iterm, sixel, halfblock or none.")
    var graphics: String = "auto"

    @Option(help: "Theme name (a Themes/*.theme file or a built-in: arroz-dark, mono).")
    var theme: String = "arroz-dark"

    @Option(help: "Extra directory to search for .theme files.")
    var themesDir: String?

    @Option(help: "Colours: auto, truecolor, 256, 8 or mono.")
    var colors: String = "auto"

    @Option(help: "Where `s` saves PNGs (with their settings embedded).")
    var output: String = "outputs"

    @Option(help: "Compute precision: fp32 (default) or bf16 (convolutions, matmuls, attention; needs oneDNN).")
    var precision: String?
    @Flag(help: "Leave the mouse to the terminal (text selection) instead of clickable panes.")
    var noMouse = false

    func validate() throws {
        guard graphics == "auto" || GraphicsMode(rawValue: graphics) != nil else {
            throw ValidationError("--graphics must be auto, kitty, iterm, sixel, halfblock or none (got \(graphics))")
        }
        guard colorMode != nil || colors == "auto" else {
            throw ValidationError("--colors must be auto, truecolor, 256, 8 or mono (got \(colors))")
        }
        var isDirectory: ObjCBool = false
        if let themesDir {
            guard FileManager.default.fileExists(atPath: themesDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--themes-dir: \(themesDir) is not a directory (give a folder of .theme files)")
            }
        }
        let catalog = ThemeCatalog(extraDirectory: themesDir)
        guard catalog.names.contains(theme) else {
            throw ValidationError(
                "--theme: unknown theme '\(theme)' (choices: \(catalog.names.joined(separator: ", ")))")
        }
        do { _ = try catalog.load(theme) } catch { throw ValidationError("--theme: \(theme): \(error)") }
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ValidationError("--output: \(output) is a file, not a directory (give a folder for saved PNGs)")
        }
        guard !output.isEmpty else { throw ValidationError("--output: empty path (give a folder for saved PNGs)") }
        try InputChecks.precision(precision)
    }

    private var colorMode: ColorMode? {
        switch colors {
        case "truecolor", "24bit": .trueColor
        case "256": .palette256
        case "8", "16": .palette8
        case "mono", "none": .mono
        default: nil
        }
    }

    func run() throws {
        // Probe before curses owns the tty: one round of queries, then GraphicsDetection picks the protocol.
        let (choice, caps) = GraphicsProbe.detect(
            requested: GraphicsMode(rawValue: graphics), environment: ProcessInfo.processInfo.environment)
        let engine = try StudioEngineFactory.make()
        let queue = JobQueue(engine: engine)
        let thread = ComputeThread(queue: queue)
        let signals = SignalWatcher()
        let terminal = try CursesTerminal(
            colorMode: colorMode, cellPixels: (caps.cellWidth, caps.cellHeight), mouse: !noMouse)
        defer { terminal.close() }
        thread.start()
        let app = StudioApp(
            terminal: terminal, queue: queue, engine: engine,
            catalog: ThemeCatalog(extraDirectory: themesDir),
            options: StudioApp.Options(
                graphics: choice.mode, themeName: theme, outputDirectory: output, graphicsNote: choice.reason,
                passthrough: choice.passthrough),
            signals: signals, computeThread: thread)
        let code = app.run()
        terminal.close()
        if let status = app.state.status, status.isError { print("arroz-studio: \(status.text)") }
        if code != 0 { throw ExitCode(code) }
    }
}
