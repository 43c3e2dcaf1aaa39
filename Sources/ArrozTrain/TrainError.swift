// TrainError: what stops a run, with the file and the fix.

public enum TrainError: Error, CustomStringConvertible {
    case missingFile(path: String, hint: String)
    case badConfig(path: String, reason: String)
    case badSetting(String)
    case unknownRecipe(String, known: [String])
    case nonFiniteLoss(step: Int, loss: Float, checkpoint: String?)
    case checkpointWriteFailed(path: String, reason: String, previous: String?)
    case cancelled

    public var description: String {
        switch self {
        case .missingFile(let p, let hint): "\(p) not found (hint: \(hint))"
        case .badConfig(let p, let r): "\(p): cannot read the run config: \(r) (hint: fix the JSON or start again)"
        case .badSetting(let s): "bad setting: \(s)"
        case .unknownRecipe(let r, let known): "unknown recipe '\(r)' (known: \(known.joined(separator: ", ")))"
        case .nonFiniteLoss(let step, let loss, let ckpt):
            "loss became \(loss) at step \(step); stopped. The last good checkpoint is "
                + (ckpt ?? "none (no checkpoint was written yet)")
                + " (hint: lower the learning rate or enable gradient clipping in run.json, then resume)"
        case .checkpointWriteFailed(let p, let r, let prev):
            "could not write the checkpoint \(p): \(r); "
                + (prev.map { "the previous checkpoint \($0) is intact" } ?? "no earlier checkpoint exists")
                + " (hint: free disk space, then resume with `arroz-studio train --run DIR`)"
        case .cancelled: "cancelled"
        }
    }
}
