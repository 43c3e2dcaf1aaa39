// Trainer+Checkpoint: the run's checkpoint through ArrozNN's bundle — weights, EMA, Adam moments, RNG, step —
// plus the run's own resume state (run config, class names, smoothed loss) in `arroz.train_state`.
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
    /// Writes the checkpoint atomically (temp file, fsync, rename: never a half-written file).
    public func save(to path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let state = RunState(run: config, classes: dataset.classNames ?? [], smoothedLoss: smoothedLoss)
        try Checkpoint.save(
            to: path, model: model, family: config.model.family.rawValue, config: config.model, step: step, ema: ema,
            optimizers: ["": optimizer], rngs: ["default": rng],
            trainState: String(decoding: try enc.encode(state), as: UTF8.self))
        lastCheckpoint = path
    }

    /// Loads weights, EMA, optimizer moments, RNG and step from `path`; checks every name and shape first.
    public func restore(from path: String) throws {
        let ck = try CheckpointFile(path: path)
        let info = try CheckpointInfo(ck)
        guard info.family == config.model.family, info.model == config.model else {
            throw CheckpointError.badMetadata(
                file: path, key: "arroz.config", value: ck.config,
                reason: "it is not this run's model (\(config.model.family.rawValue) as in run.json)")
        }
        try ck.restore(model: model)
        if let ema { try ck.restore(ema: ema) }
        try ck.restore(optimizer: optimizer)
        rng = try ck.rng()
        smoothedLoss = info.smoothedLoss
        step = ck.step
        lastCheckpoint = path
    }
}

/// What a checkpoint says about its model and run, decoded and checked.
public struct CheckpointInfo {
    public let path: String
    public let family: ModelFamily
    public let model: ModelConfig
    public let run: RunConfig?
    public let step: Int
    public let classes: [String]
    let smoothedLoss: Float

    public init(_ ck: CheckpointFile) throws {
        path = ck.path
        guard let f = ModelFamily(rawValue: ck.family) else {
            throw CheckpointError.badMetadata(
                file: ck.path, key: "arroz.family", value: ck.family,
                reason: "unknown family (known: \(ModelFamily.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        family = f
        model = try ck.config(as: ModelConfig.self)
        step = ck.step
        let state = ck.trainState.flatMap { try? JSONDecoder().decode(RunState.self, from: Data($0.utf8)) }
        run = state?.run
        classes = state?.classes ?? []
        smoothedLoss = state?.smoothedLoss ?? 0
    }
}
