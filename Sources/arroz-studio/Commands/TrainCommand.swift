// TrainCommand: `arroz-studio train` — headless training from a recipe or a run directory, with a progress bar.
import ArgumentParser
import ArrozData
import ArrozImage
import ArrozNN
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
    @Option(help: "Stop after this many optimizer steps in total, 1 to 100000000.") var steps: Int?
    @Option(help: "Stop after this many minutes of training, 0.01 to 10000.") var minutes: Double?
    @Option(help: "Override the batch size, 1 to 4096.") var batchSize: Int?
    @Option(help: "Override the seed, \(InputChecks.seedRange).") var seed: UInt64?
    @Option(help: "Override the dataset size limit, 1 to 100000000 (at least the batch size).") var limit: Int?
    @Option(help: "Steps between sample grids, 1 to 100000000.") var sampleEvery: Int?
    @Option(help: "Steps between checkpoints, 1 to 100000000.") var checkpointEvery: Int?
    @Option(help: "Train the recipe's model on your own folder of PNGs (.txt captions or metadata.jsonl).") var data: String?
    @Option(help: "Threads for our loops and split sgemms, 1 to 256.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Compute precision: fp32 (default) or bf16 (convolutions, matmuls, attention; needs oneDNN).")
    var precision: String?
    @Flag(help: "List the recipes.") var list = false
    @Flag(help: "Print machine-readable JSON progress lines.") var json = false

    func run() throws {
        if list {
            for r in Recipes.names { print("\(r.padding(toLength: 16, withPad: " ", startingAt: 0)) \(Recipes.summaries[r] ?? "")") }
            return
        }
        Threads.set(try InputChecks.threads(threads))
        try InputChecks.precision(precision)
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
        } catch TrainError.checkpointWriteFailed(let path, let reason, let previous) {
            bar.finish()
            throw ValidationError(Self.checkpointFailure(path: path, reason: reason, previous: previous, step: session.step))
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
        if list { return }
        if runDir == nil && recipe == nil {
            throw ValidationError("give --recipe NAME to start (see --list) or --run DIR to continue")
        }
        if let limit, let recipe, let cfg = try? Recipes.make(recipe) {
            let batch = batchSize ?? cfg.batchSize
            guard limit >= batch else {
                throw ValidationError(
                    "--limit: \(limit) is below the batch size \(batch) (give --limit \(batch) or more, or a smaller --batch-size)")
            }
        }
        if let data {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: data, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("--data: \(data) is not a folder (give a folder of PNGs with .txt captions or a metadata.jsonl)")
            }
            guard recipe != nil else { throw ValidationError("--data needs --recipe NAME (the model to train on it)") }
        }
        if let runDir, FileManager.default.fileExists(atPath: runDir) {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: runDir, isDirectory: &isDir)
            guard isDir.boolValue else {
                throw ValidationError("--run: \(runDir) is a file, not a run directory (give a folder made by `arroz-studio train`)")
            }
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
            var cfg: RunConfig
            do { cfg = try RunConfig.load(dir.configPath) } catch { throw ValidationError("--run: \(error)") }
            try continuing(&cfg, at: dir)
            try Self.checkData(cfg, option: "\(dir.configPath)")
            return try TrainingSession(config: cfg, run: dir, encoder: Encoders.make)
        }
        if runDir != nil && recipe == nil {
            throw ValidationError("--run: \(dir.path) has no run.json (start a run there with --recipe NAME)")
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
        try Self.checkData(cfg, option: data != nil ? "--data" : "--limit")
        return try TrainingSession(config: cfg, run: dir, encoder: Encoders.make)
    }

    /// A continued run takes new `--steps`, `--sample-every` and `--checkpoint-every` (written back to its
    /// run.json, so the run's record and a cosine decay follow them); settings that would make it a different
    /// run are refused with the way to start one.
    func continuing(_ cfg: inout RunConfig, at dir: RunDirectory) throws {
        let fixed: [(String, Bool)] = [
            ("--batch-size", batchSize != nil), ("--seed", seed != nil), ("--limit", limit != nil),
            ("--data", data != nil),
        ]
        if let (option, _) = fixed.first(where: { $0.1 }) {
            throw ValidationError(
                "\(option): \(dir.path) is an existing run and keeps its own setting (start a new run with "
                    + "--recipe \(cfg.recipe) --name NEW \(option) …)")
        }
        if let recipe, recipe != cfg.recipe {
            throw ValidationError(
                "--recipe: \(dir.path) is a run of recipe \(cfg.recipe), not \(recipe) (give --name NEW to start a \(recipe) run)")
        }
        var changed = cfg
        if let steps { changed.steps = max(cfg.steps, steps) }
        if let sampleEvery { changed.sampleEvery = sampleEvery }
        if let checkpointEvery { changed.checkpointEvery = checkpointEvery }
        guard changed != cfg else { return }
        do { try changed.validate() } catch { throw ValidationError("\(error)") }
        do { try changed.save(dir.configPath) } catch { throw ValidationError("--run: cannot update \(dir.configPath): \(error)") }
        cfg = changed
    }

    /// The batch must fit the data (an engine precondition otherwise): the limit, and a folder's images,
    /// each of which needs a caption for a text-conditioned recipe.
    static func checkData(_ cfg: RunConfig, option: String) throws {
        let b = cfg.batchSize
        guard (1...4096).contains(b) else {
            throw ValidationError("\(option): batch size \(b) is not valid (a whole number from 1 to 4096)")
        }
        if let limit = cfg.data.limit, limit < b {
            throw ValidationError(
                "\(option): the dataset limit \(limit) is below the batch size \(b) (give a limit of \(b) or more, or a smaller --batch-size)")
        }
        guard cfg.data.dataset == "folder", let path = cfg.data.path else { return }
        let files: [(file: String, caption: String)]
        do { files = try ImageFolderDataset.listing(path: path) } catch { throw ValidationError("--data: \(error)") }
        if cfg.conditioning.kind == .text, let missing = files.first(where: { $0.caption.isEmpty }) {
            let n = files.filter { $0.caption.isEmpty }.count
            let stem = (missing.file as NSString).deletingPathExtension
            throw ValidationError(
                "--data: \(missing.file) has no caption (\(n) of \(files.count) images lack one; fix: write its caption in \(stem).txt, "
                    + "or list every image in \(path)/metadata.jsonl as {\"file_name\": …, \"text\": …})")
        }
        // Each file is a PNG (signature, chunks and CRCs; pixels decode when training loads them), checked
        // before the encoder loads and the run folder is made.
        for f in files {
            do { _ = try loadPNGText(f.file) } catch { throw ValidationError("--data: \(error)") }
        }
        let count = min(files.count, cfg.data.limit ?? files.count)
        guard count >= b else {
            throw ValidationError(
                "--data: \(path) has \(count) images, fewer than the batch size \(b) (add images or give --batch-size \(count) or less)")
        }
    }

    /// The disk-full line: which write failed, why, and that the previous checkpoint (its step) is intact.
    static func checkpointFailure(path: String, reason: String, previous: String?, step: Int) -> String {
        var why = reason
        if let r = reason.range(of: "write failed (") ?? reason.range(of: "(") {
            let rest = reason[r.upperBound...]
            if let close = rest.firstIndex(of: ")") { why = String(rest[..<close]) }
        }
        var kept = "no earlier checkpoint exists"
        if let previous {
            let prevStep = (try? CheckpointFile(path: previous)).map { " (step \($0.step))" } ?? ""
            kept = "the previous checkpoint \(previous)\(prevStep) is intact"
        }
        return "could not write the checkpoint of step \(step) to \(path): \(why); \(kept) "
            + "(hint: free disk space, then resume with `arroz-studio train --run \((path as NSString).deletingLastPathComponent.replacingOccurrences(of: "/checkpoints", with: ""))`)"
    }

    /// A recipe's model on the user's own folder (`RunConfig.onFolder`), its error as one line naming --data.
    static func onFolder(_ recipe: RunConfig, _ folder: String) throws -> RunConfig {
        do { return try recipe.onFolder(folder) } catch let e as TrainError {
            throw ValidationError("--\(e.description.replacingOccurrences(of: "bad setting: ", with: ""))")
        }
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
