// TrainCommand: `arroz-studio train` — headless training from a recipe or a run directory, with a progress bar.
import ArgumentParser
import ArrozTensor
import ArrozTrain
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a diffusion model from a recipe, or continue a run.",
        discussion: """
            Examples:
              arroz-studio train --recipe fashion-keras --minutes 20
              arroz-studio train --run runs/fashion-keras          # continue where it stopped
              arroz-studio train --list
            Ctrl-C writes a checkpoint and exits; running the same command again continues exactly.
            """)

    @Option(help: "Recipe to start from (see --list).") var recipe: String?
    @Option(name: .customLong("run"), help: "Run directory to continue (or to create, with --recipe).") var runDir: String?
    @Option(help: "Run name under --runs-dir (default: the recipe name).") var name: String?
    @Option(help: "Folder that holds runs.") var runsDir = "runs"
    @Option(help: "Stop after this many optimizer steps in total.") var steps: Int?
    @Option(help: "Stop after this many minutes of training.") var minutes: Double?
    @Option(help: "Override the batch size.") var batchSize: Int?
    @Option(help: "Override the seed.") var seed: UInt64?
    @Option(help: "Override the dataset size limit.") var limit: Int?
    @Option(help: "Steps between sample grids.") var sampleEvery: Int?
    @Option(help: "Steps between checkpoints.") var checkpointEvery: Int?
    @Option(help: "Train the recipe's model on your own folder of PNGs (.txt captions or metadata.jsonl).") var data: String?
    @Option(help: "Threads for our loops and split sgemms.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "List the recipes.") var list = false
    @Flag(help: "Print machine-readable JSON progress lines.") var json = false

    func run() throws {
        if list {
            for r in Recipes.names { print("\(r.padding(toLength: 16, withPad: " ", startingAt: 0)) \(Recipes.summaries[r] ?? "")") }
            return
        }
        Threads.set(try InputChecks.threads(threads))
        let session = try openSession()
        let cfg = session.config
        let target = steps ?? cfg.steps
        let deadline = minutes.map { Date().addingTimeInterval($0 * 60) }
        let stop = StopFlag.install()
        if !json {
            print("run \(session.run.path) · \(cfg.model.family) · \(session.trainer.model.parameterCount) parameters · "
                + "step \(session.step) → \(target) · batch \(cfg.batchSize)")
        }
        let bar = Progress(total: target, label: cfg.name, json: json)
        let first = session.step
        do {
            try session.run(
                untilStep: target,
                directive: {
                    if stop.isSet { return .saveAndStop }
                    if let deadline, Date() >= deadline { return .saveAndStop }
                    return .proceed
                },
                onEvent: { event in
                    switch event {
                    case .step(let s, _):
                        bar.update(s.step, startAt: first, fields: [
                            ("loss", String(format: "%.4f", s.smoothedLoss)), ("lr", String(format: "%.2e", s.lr)),
                            ("grad", String(format: "%.2f", s.gradNorm)),
                        ])
                    case .sample(_, let path, let step):
                        if json { emit(["event": "sample", "path": path, "step": step]) }
                    case .checkpoint(let path, let step):
                        if json { emit(["event": "checkpoint", "path": path, "step": step]) }
                    }
                })
        } catch let e as TrainError {
            bar.finish()
            throw ValidationError(e.description)
        }
        bar.finish()
        let why = stop.isSet ? "interrupted" : (session.step >= target ? "finished" : "time limit")
        if json {
            emit(["event": "done", "step": session.step, "reason": why, "checkpoint": session.run.latestCheckpoint])
        } else {
            print("\(why) at step \(session.step); checkpoint \(session.run.latestCheckpoint)")
            if let s = session.run.latestSample() { print("latest samples: \(s)") }
        }
        if stop.isSet { throw ExitCode(130) }
    }

    func validate() throws {
        _ = try InputChecks.threads(threads)
        if let steps { try InputChecks.int(steps, "--steps", 1...100_000_000) }
        if let minutes { try InputChecks.double(minutes, "--minutes", 0.01...10_000) }
        if let batchSize { try InputChecks.int(batchSize, "--batch-size", 1...4096) }
        if let limit { try InputChecks.int(limit, "--limit", 1...100_000_000) }
        if let sampleEvery { try InputChecks.int(sampleEvery, "--sample-every", 1...100_000_000) }
        if let checkpointEvery { try InputChecks.int(checkpointEvery, "--checkpoint-every", 1...100_000_000) }
        if let recipe, !Recipes.names.contains(recipe) {
            throw ValidationError("--recipe: unknown recipe '\(recipe)' (choices: \(Recipes.names.joined(separator: ", ")))")
        }
        if let data {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: data, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("--data: \(data) is not a folder (give a folder of PNGs with .txt captions or a metadata.jsonl)")
            }
            guard recipe != nil else { throw ValidationError("--data needs --recipe NAME (the model to train on it)") }
        }
    }

    func openSession() throws -> TrainingSession {
        let dir: RunDirectory
        if let runDir {
            dir = RunDirectory(path: runDir)
        } else if let recipe {
            dir = RunDirectory(root: runsDir, name: name ?? recipe)
        } else {
            throw ValidationError("give --recipe NAME to start (see --list) or --run DIR to continue")
        }
        if dir.exists {
            return try TrainingSession(resuming: dir, encoder: Encoders.make)
        }
        guard let recipe else { throw ValidationError("\(dir.path) has no run.json; start it with --recipe NAME") }
        var cfg = try Recipes.make(recipe, runName: dir.name)
        if let batchSize { cfg.batchSize = batchSize }
        if let seed { cfg.seed = seed }
        if let limit { cfg.data.limit = limit }
        if let steps { cfg.steps = max(cfg.steps, steps) }
        if let sampleEvery { cfg.sampleEvery = sampleEvery }
        if let checkpointEvery { cfg.checkpointEvery = checkpointEvery }
        if let data { cfg = try Self.onFolder(cfg, data) }
        return try TrainingSession(config: cfg, run: dir, encoder: Encoders.make)
    }

    /// A recipe's model on the user's own folder: the recipe's size and channels, its text encoder on the
    /// folder's captions, previews of the folder's own captions.
    static func onFolder(_ recipe: RunConfig, _ folder: String) throws -> RunConfig {
        guard recipe.conditioning.kind == .text else {
            throw ValidationError(
                "--data: recipe \(recipe.recipe) is class-conditional; pick a text-conditioned recipe for captioned images "
                    + "(e.g. emoji-ddpm, emoji-arroz, fashion-ddpm)")
        }
        var cfg = recipe
        cfg.data.dataset = "folder"
        cfg.data.path = folder
        cfg.conditioning.captionTemplate = nil
        cfg.previewPrompts = []
        return cfg
    }
}

/// Prints one JSON object per line.
func emit(_ obj: [String: Any]) {
    if let d = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), let s = String(data: d, encoding: .utf8) {
        print(s)
        fflush(stdout)
    }
}

/// SIGINT/SIGTERM set a flag the training loop checks between steps (so the run checkpoints, then exits).
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    private var sources: [DispatchSourceSignal] = []

    var isSet: Bool { lock.withLock { set } }

    static func install() -> StopFlag {
        let flag = StopFlag()
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler {
                if flag.isSet { exit(130) }  // a second Ctrl-C does not wait
                flag.lock.withLock { flag.set = true }
                FileHandle.standardError.write(Data("\nstopping: writing a checkpoint after this step…\n".utf8))
            }
            src.resume()
            flag.sources.append(src)
        }
        return flag
    }
}
