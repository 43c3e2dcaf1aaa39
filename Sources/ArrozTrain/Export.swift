// Export: a sampling-only copy of a checkpoint — the EMA weights as the model's weights, no optimizer state.
import ArrozModels
import ArrozNN
import ArrozTensor
import Foundation

public enum Export {
    /// Writes the EMA weights (or the live ones when there is no EMA) of checkpoint `path` to `out` under the
    /// model's state_dict names, keeping the run state (process, encoder, classes) so it samples the same.
    /// Returns the file size in bytes.
    @discardableResult
    public static func samplingCheckpoint(from path: String, to out: String) throws -> Int {
        let ck = try CheckpointFile(path: path)
        let info = try CheckpointInfo(ck)
        var rng = ArrozRandom(seed: 0)
        let model = try info.model.makeModel(rng: &rng)
        if ck.hasEMA { try ck.restoreEMA(into: model) } else { try ck.restore(model: model) }
        try Checkpoint.save(
            to: out, model: model, family: info.family.rawValue, config: info.model, step: info.step,
            trainState: ck.trainState)
        let attributes = try? FileManager.default.attributesOfItem(atPath: out)
        return (attributes?[.size] as? Int) ?? 0
    }
}
