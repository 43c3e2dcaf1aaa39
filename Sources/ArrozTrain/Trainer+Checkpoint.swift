// Trainer+Checkpoint: the run's checkpoint through ArrozNN's bundle — the objective's weights, EMA and
// optimizers, the RNG and step — plus the run's own resume state (run config, class names, smoothed loss) in
// `arroz.train_state`.
import ArrozModels
import ArrozNN
import ArrozTensor
import Foundation

/// The run state stored as `arroz.train_state` JSON.
struct RunState: Codable {
    var run: RunConfig
    var classes: [String]
    var smoothedLoss: Float
}

extension Trainer {
    /// Writes the checkpoint atomically (temp file, fsync, rename: never a half-written file). When the write
    /// fails (a full disk) the previous checkpoint is left as it was, and the error says so.
    public func save(to path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let state = RunState(run: config, classes: dataset.classNames ?? [], smoothedLoss: smoothedLoss)
        do {
            try Checkpoint.save(
                to: path, model: objective.weights, family: config.model.family, config: config.model.text,
                step: step, ema: objective.ema, optimizers: objective.optimizers, rngs: ["default": rng],
                trainState: String(decoding: try enc.encode(state), as: UTF8.self))
        } catch {
            throw TrainError.checkpointWriteFailed(
                path: path, reason: "\(error)", previous: FileManager.default.fileExists(atPath: path) ? path : nil)
        }
        lastCheckpoint = path
    }

    /// Loads weights, EMA, optimizer moments, RNG and step from `path`; checks every name and shape first.
    public func restore(from path: String) throws {
        let ck = try CheckpointFile(path: path)
        let info = try CheckpointInfo(ck)
        guard info.spec == config.model else {
            throw CheckpointError.badMetadata(
                file: path, key: "arroz.config", value: ck.config,
                reason: "it is not this run's model (\(config.model.family) as in run.json)")
        }
        try ck.restore(model: objective.weights)
        if let ema = objective.ema { try ck.restore(ema: ema) }
        for (label, opt) in objective.optimizers { try ck.restore(optimizer: opt, label: label) }
        rng = try ck.rng()
        smoothedLoss = info.smoothedLoss
        step = ck.step
        lastCheckpoint = path
    }
}

/// What a checkpoint says about its model and run, decoded and checked.
public struct CheckpointInfo {
    public let path: String
    /// The `arroz.family` name.
    public let family: String
    /// The family's config (from the run state when present: it carries settings older `arroz.config`s lack).
    public let spec: ModelSpec
    public let run: RunConfig?
    public let step: Int
    public let classes: [String]
    let smoothedLoss: Float

    public init(_ ck: CheckpointFile) throws {
        path = ck.path
        guard FamilyRegistry.names.contains(ck.family) else {
            throw CheckpointError.badMetadata(
                file: ck.path, key: "arroz.family", value: ck.family,
                reason: "unknown family (known: \(FamilyRegistry.names.joined(separator: ", ")))")
        }
        family = ck.family
        let state = ck.trainState.flatMap { try? JSONDecoder().decode(RunState.self, from: Data($0.utf8)) }
        run = state?.run
        if let r = state?.run, r.model.family == family {
            spec = r.model
        } else {
            do {
                spec = try ck.config(as: ModelSpec.self)
            } catch {
                throw CheckpointError.badMetadata(
                    file: ck.path, key: "arroz.config", value: ck.config, reason: "not a model config: \(error)")
            }
        }
        step = ck.step
        classes = state?.classes ?? []
        smoothedLoss = state?.smoothedLoss ?? 0
    }
}
