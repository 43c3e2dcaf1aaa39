// CheckpointFile: opens an arroz checkpoint, checks its format, and restores model, EMA, optimizer and RNG.
import ArrozTensor
import Foundation

/// A checkpoint written by `Checkpoint.save`, opened for resuming or sampling.
///
/// Opening validates the safetensors structure and the `arroz.*` metadata; restoring checks every name and
/// shape before writing anything (see `SafeTensorsFile.load(into:)`).
public final class CheckpointFile {
    public let file: SafeTensorsFile
    public let format: Int
    public let family: String
    /// The model config JSON (`arroz.config`).
    public let config: String
    public let step: Int
    /// Free-form resume state (`arroz.train_state`), if saved.
    public let trainState: String?

    public var path: String { file.path }

    public init(path: String) throws {
        file = try SafeTensorsFile(path: path)
        let meta = file.metadata
        guard let formatText = meta["arroz.format"] else { throw CheckpointError.notACheckpoint(file: path) }
        guard let format = Int(formatText), format >= 1 else {
            throw CheckpointError.badMetadata(
                file: path, key: "arroz.format", value: formatText, reason: "not a positive integer")
        }
        guard format <= Checkpoint.formatVersion else {
            throw CheckpointError.newerFormat(file: path, found: format, supported: Checkpoint.formatVersion)
        }
        self.format = format
        func required(_ key: String) throws -> String {
            guard let v = meta[key] else {
                throw CheckpointError.badMetadata(file: path, key: key, value: "", reason: "missing")
            }
            return v
        }
        family = try required("arroz.family")
        config = try required("arroz.config")
        let stepText = try required("arroz.step")
        guard let step = Int(stepText), step >= 0 else {
            throw CheckpointError.badMetadata(
                file: path, key: "arroz.step", value: stepText, reason: "not a non-negative integer")
        }
        self.step = step
        trainState = meta["arroz.train_state"]
    }

    /// Decodes `arroz.config` as `Config`.
    public func config<Config: Decodable>(as type: Config.Type) throws -> Config {
        do {
            return try JSONDecoder().decode(Config.self, from: Data(config.utf8))
        } catch {
            throw CheckpointError.badMetadata(
                file: path, key: "arroz.config", value: config,
                reason: "does not decode as \(Config.self): \(error)")
        }
    }

    public var hasEMA: Bool { file.metadata["arroz.ema"] != nil }

    /// Loads the model weights (strict: every model key present, no stray top-level keys).
    public func restore(model: Layer) throws {
        try model.load(from: file, ignoring: ["ema.", "optim."])
    }

    /// Loads the EMA shadow weights (strict) into `ema`, which was built from the same model.
    public func restore(ema: EMA) throws {
        guard hasEMA else { throw CheckpointError.missingSection(file: path, section: "EMA weights") }
        try file.load(into: ema.shadow, prefix: "ema.")
    }

    /// Loads an EMA section directly into a model (for sampling with the averaged weights).
    public func restoreEMA(into model: Layer) throws {
        guard hasEMA else { throw CheckpointError.missingSection(file: path, section: "EMA weights") }
        try model.load(from: file, prefix: "ema.")
    }

    private func optimInfo(_ label: String) throws -> [String: Any] {
        let key = "arroz.optim"
        guard let text = file.metadata[key] else {
            throw CheckpointError.missingSection(file: path, section: "optimizer state")
        }
        guard let all = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw CheckpointError.badMetadata(file: path, key: key, value: text, reason: "not a JSON object")
        }
        guard let info = all[label] as? [String: Any] else {
            throw CheckpointError.missingSection(file: path, section: "optimizer '\(label)' state")
        }
        return info
    }

    /// Loads Adam moments and per-parameter step counts into `optimizer` (same kind, same parameter names).
    /// Hyperparameters stay as the caller built them; schedules set lr (and β₁) per step.
    public func restore(optimizer: AdamFamilyOptimizer, label: String = "") throws {
        let info = try optimInfo(label)
        let kind = info["kind"] as? String ?? "?"
        guard kind == optimizer.kind else {
            throw CheckpointError.optimizerMismatch(
                file: path, label: label, expected: optimizer.kind, found: kind)
        }
        guard let steps = info["steps"] as? [String: Any] else {
            throw CheckpointError.badMetadata(
                file: path, key: "arroz.optim", value: file.metadata["arroz.optim"] ?? "",
                reason: "no 'steps' map")
        }
        var counts: [Int] = []
        for p in optimizer.parameters {
            guard let n = (steps[p.name] as? NSNumber)?.intValue, n >= 0 else {
                throw CheckpointError.badMetadata(
                    file: path, key: "arroz.optim", value: file.metadata["arroz.optim"] ?? "",
                    reason: "no step count for parameter '\(p.name)'")
            }
            counts.append(n)
        }
        var named: [NamedParameter] = []
        for (p, s) in zip(optimizer.parameters, optimizer.states) {
            named.append((name: p.name + ".exp_avg", tensor: s.expAvg))
            named.append((name: p.name + ".exp_avg_sq", tensor: s.expAvgSq))
        }
        let prefix = Checkpoint.optimPrefix(label)
        // Other optimizers' sections (optim.<label>.…) are not stray keys of this one.
        let others = optimLabels().filter { $0 != label }.map(Checkpoint.optimPrefix)
        try file.load(into: named, prefix: prefix, ignoring: others)
        for (s, n) in zip(optimizer.states, counts) { s.step = n }
    }

    private func optimLabels() -> [String] {
        guard let text = file.metadata["arroz.optim"],
            let all = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        else { return [] }
        return Array(all.keys)
    }

    /// The generator state saved under `name`.
    public func rng(_ name: String = "default") throws -> ArrozRandom {
        let key = "arroz.rng." + name
        guard let text = file.metadata[key] else {
            throw CheckpointError.missingSection(file: path, section: "rng '\(name)'")
        }
        let words = text.split(separator: ",").compactMap { UInt64($0, radix: 16) }
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw CheckpointError.badMetadata(
                file: path, key: key, value: text, reason: "expected four non-zero 64-bit hex words")
        }
        var rng = ArrozRandom(seed: 0)
        rng.state = words
        return rng
    }
}
