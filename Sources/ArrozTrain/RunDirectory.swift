// RunDirectory: the on-disk layout of a run — run.json, checkpoints/, samples/, log.jsonl (ARCHITECTURE §5).
import Foundation

/// `runs/<name>/` with `run.json`, `checkpoints/latest.safetensors`, `samples/step-NNNNNN.png`, `log.jsonl`.
public struct RunDirectory: Sendable {
    public let path: String

    public init(root: String = "runs", name: String) {
        path = (root as NSString).appendingPathComponent(name)
    }

    public init(path: String) { self.path = path }

    public var name: String { (path as NSString).lastPathComponent }
    public var configPath: String { file("run.json") }
    public var logPath: String { file("log.jsonl") }
    public var checkpointsPath: String { file("checkpoints") }
    public var samplesPath: String { file("samples") }
    public var latestCheckpoint: String { (checkpointsPath as NSString).appendingPathComponent("latest.safetensors") }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    public func samplePath(step: Int) -> String {
        (samplesPath as NSString).appendingPathComponent(String(format: "step-%06d.png", step))
    }

    /// Creates the folders.
    public func create() throws {
        for p in [path, checkpointsPath, samplesPath] {
            try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        }
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: configPath) }
    public var hasCheckpoint: Bool { FileManager.default.fileExists(atPath: latestCheckpoint) }

    /// The newest sample grid, if any.
    public func latestSample() -> String? {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: samplesPath)) ?? []
        return files.filter { $0.hasSuffix(".png") }.sorted().last.map {
            (samplesPath as NSString).appendingPathComponent($0)
        }
    }
}

/// One line of `log.jsonl`.
public struct LogLine: Codable, Sendable, Equatable {
    public var step: Int
    public var loss: Float
    public var smoothedLoss: Float
    public var lr: Float
    public var gradNorm: Float
    public var itPerSecond: Double
    /// Seconds since the run (or its resume) started.
    public var time: Double
    /// The family's own fields (`psnr`, `codebook_usage`, `d_loss`, `token_accuracy`, …); absent in old logs.
    public var fields: [String: Float]?

    public init(step: Int, loss: Float, smoothedLoss: Float, lr: Float, gradNorm: Float, itPerSecond: Double,
                time: Double, fields: [String: Float]? = nil) {
        (self.step, self.loss, self.smoothedLoss, self.lr, self.gradNorm) = (step, loss, smoothedLoss, lr, gradNorm)
        (self.itPerSecond, self.time) = (itPerSecond, time)
        self.fields = fields?.isEmpty == false ? fields : nil
    }
}

/// Appends JSON lines to a run's log and reads them back (the studio's loss curve after a restart).
public final class TrainLog {
    let path: String
    private let handle: FileHandle?

    public init(path: String) {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        handle = FileHandle(forWritingAtPath: path)
        handle?.seekToEndOfFile()
    }

    deinit { try? handle?.close() }

    public func append(_ line: LogLine) {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        guard var data = try? enc.encode(line) else { return }
        data.append(0x0A)
        handle?.write(data)
    }

    /// Every readable line (a torn last line after a crash is skipped), dropping lines past `upTo`
    /// (a resumed run rewrites the steps after its checkpoint).
    public static func read(_ path: String, upTo: Int? = nil) -> [LogLine] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let dec = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? dec.decode(LogLine.self, from: Data($0.utf8)) }
            .filter { upTo == nil || $0.step <= upTo! }
    }

    /// Rewrites the log keeping only lines up to `step` (used on resume).
    public static func truncate(_ path: String, to step: Int) {
        let keep = read(path, upTo: step)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        var data = Data()
        for l in keep {
            if let d = try? enc.encode(l) { data.append(d); data.append(0x0A) }
        }
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
