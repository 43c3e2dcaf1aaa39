// ModelReference: how a model is named in the studio's list and in PNG parameters (`default · emoji`,
// `<run> · ema`, or a checkpoint path), and how such a name finds its checkpoint again.
import Foundation

public enum ModelReference {
    /// The bundled default model's name.
    public static let bundledDefault = "default · emoji"

    /// The name of a run's latest checkpoint (EMA weights).
    public static func run(_ name: String) -> String { "\(name) · ema" }

    /// The checkpoint a name refers to: the bundled model, a run under `runsRoot`, or an existing path; nil when
    /// none exists.
    public static func resolve(_ reference: String, runsRoot: String = "runs", defaultModel: String?) -> String? {
        if reference == bundledDefault || reference.hasPrefix("default · ") { return defaultModel }
        if FileManager.default.fileExists(atPath: reference) { return reference }
        if let dot = reference.range(of: " · ") {
            let dir = RunDirectory(root: runsRoot, name: String(reference[..<dot.lowerBound]))
            return dir.hasCheckpoint ? dir.latestCheckpoint : nil
        }
        return nil
    }
}
