// CheckpointError: why a safetensors file cannot be resumed from as an arroz checkpoint, with the fix.

public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The file is valid safetensors but has no `arroz.format` (e.g. a bare PyTorch state_dict export).
    case notACheckpoint(file: String)
    case newerFormat(file: String, found: Int, supported: Int)
    case badMetadata(file: String, key: String, value: String, reason: String)
    /// The checkpoint lacks a section the caller asked to restore (`ema`, `optimizer`, `rng '<name>'`).
    case missingSection(file: String, section: String)
    case optimizerMismatch(file: String, label: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .notACheckpoint(let f):
            return "\(f) is not an arroz checkpoint (no arroz.format in __metadata__) (hint: to load bare "
                + "weights, use SafeTensorsFile and layer.load(from:); checkpoints come from "
                + "`arroz-studio train`)"
        case .newerFormat(let f, let found, let supported):
            return "\(f): checkpoint format \(found) is newer than this build supports (\(supported)) "
                + "(hint: update arroz-studio)"
        case .badMetadata(let f, let k, let v, let r):
            let shown = v.count > 80 ? String(v.prefix(80)) + "…" : v
            return
                "\(f): metadata \(k) = '\(shown)' is invalid: \(r) "
                + "(hint: the checkpoint was edited or is corrupt)"
        case .missingSection(let f, let s):
            return "\(f): the checkpoint has no \(s) (hint: it was saved without one; start that part fresh)"
        case .optimizerMismatch(let f, let label, let expected, let found):
            let which = label.isEmpty ? "optimizer" : "optimizer '\(label)'"
            return "\(f): \(which) state is for \(found), but the run uses \(expected) "
                + "(hint: resume with the optimizer the run was started with)"
        }
    }
}
