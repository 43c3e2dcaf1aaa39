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
    @Option(help: "Threads for our loops and split sgemms.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "List the recipes.") var list = false
    @Flag(help: "Print machine-readable JSON progress lines.") var json = false

    func run() throws {
        if list {
            for r in Recipes.names { print("\(r.padding(toLength: 16, withPad: " ", startingAt: 0)) \(Recipes.summaries[r] ?? "")") }
            return
        }
        Threads.set(threads)
        let session = try openSession()
        let cfg = session.config
        let target = steps ?? cfg.steps
        let deadline = minutes.map { Date().addingTimeInterval($0 * 60) }
        let stop = StopFlag.install()
        if !json {
            print("run \(session.run.path) · \(cfg.model.family.rawValue) · \(session.trainer.model.parameterCount) parameters · "
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
        return try TrainingSession(config: cfg, run: dir, encoder: Encoders.make)
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
