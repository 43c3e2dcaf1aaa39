// Export: a sampling-only copy of a checkpoint — the EMA weights as the model's weights, no optimizer state —
// for any family (it copies tensors by name; no network is built).
import ArrozNN
import ArrozTensor
import Foundation

public enum Export {
    /// Writes the EMA weights (or the live ones with `ema: false`, or when there is no EMA) of checkpoint `path`
    /// to `out` under the model's state_dict names, keeping the metadata (family, config, run state) so it
    /// samples the same. Returns the file size in bytes.
    @discardableResult
    public static func samplingCheckpoint(from path: String, to out: String, ema: Bool = true) throws -> Int {
        let ck = try CheckpointFile(path: path)
        _ = try CheckpointInfo(ck)
        let file = ck.file
        let useEMA = ema && ck.hasEMA
        var w = SafeTensorsWriter()
        for name in file.names where !name.hasPrefix("ema.") && !name.hasPrefix("optim.") {
            let source = useEMA && file.contains("ema." + name) ? "ema." + name : name
            w.add(name, try file.tensor(source))
        }
        var meta = file.metadata
        for k in meta.keys where k == "arroz.ema" || k == "arroz.optim" || k.hasPrefix("arroz.rng.") {
            meta[k] = nil
        }
        w.metadata = meta
        try w.write(to: out)
        let attributes = try? FileManager.default.attributesOfItem(atPath: out)
        return (attributes?[.size] as? Int) ?? 0
    }
}
