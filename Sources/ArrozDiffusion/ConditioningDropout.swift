// ConditioningDropout: training-time CFG dropout — replace conditioning rows by the unconditional input.
import ArrozTensor

/// Whether CFG dropout flips one coin per sample or one per batch (seeds.md §0.4, §7.7).
public enum DropoutGranularity: String, Codable, CaseIterable, Sendable {
    /// One coin per row: cclddg (0.1) and Keras (0.15). The studio's default.
    case perSample
    /// One coin for the whole batch: Arroz (0.1 v1, 0.05 v5, prior 0.1) and both Paellas.
    case perBatch
}

/// Classifier-free-guidance dropout of conditioning rows for training.
///
/// Classifier-free-guidance dropout for training: each dropped row of `cond` `[N, ...]` becomes the
/// unconditional input — zeros by default (all seeds but Paella v3), or `uncond` `[1 or N, ...]` (Paella v3's
/// empty-prompt embedding). Returns the new conditioning and which rows were dropped.
public func dropConditioning(
    _ cond: Tensor, probability p: Float, granularity: DropoutGranularity, uncond: Tensor? = nil,
    rng: inout ArrozRandom
) -> (cond: Tensor, dropped: [Bool]) {
    let n = cond.shape[0], row = cond.count / max(n, 1)
    if let uncond {
        precondition(
            uncond.shape.dropFirst() == cond.shape.dropFirst()
                && (uncond.shape[0] == 1 || uncond.shape[0] == n),
            "dropConditioning: uncond\(uncond.shape) must be [1 or N, ...] like cond\(cond.shape)")
    }
    let dropped: [Bool]
    switch granularity {
    case .perSample: dropped = (0..<n).map { _ in rng.bernoulli(p) }
    case .perBatch: dropped = Array(repeating: rng.bernoulli(p), count: n)
    }
    let out = cond.detached()
    let o = out.mutableData
    for r in 0..<n where dropped[r] {
        if let uncond {
            let u = uncond.data, base = uncond.shape[0] == 1 ? 0 : r * row
            for j in 0..<row { o[r * row + j] = u[base + j] }
        } else {
            for j in 0..<row { o[r * row + j] = 0 }
        }
    }
    return (out, dropped)
}
