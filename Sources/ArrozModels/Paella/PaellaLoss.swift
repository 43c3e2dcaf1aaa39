// PaellaLoss: Paella v3's training loss as `src_distributed/train.py` computes it, and its token accuracy.
import ArrozTensor

/// Paella v3's loss (seeds.md §2.3): per-token cross-entropy with label smoothing, weighted per token, each
/// image normalised by its own weight sum, then averaged over the batch:
///
///     ℓ = mean_n ( Σ_hw w·CE(logits, target) / Σ_hw w )       (`src_distributed/train.py`, lines 105–107)
///
/// - Parameters:
///   - logits: `[N, K, H, W]`; targets: `[N, H, W]` clean token indices (floats).
///   - weights: `[N, H, W]`, `TokenProcess.lossWeight(mask:t:)` (1 − (1−mask)·(1−t)·0.7); nil = all 1, which
///     is the plain per-token mean of v1 and the single-GPU script.
///   - labelSmoothing: 0.1 in both Paellas.
/// - Returns: a scalar with gradient into `logits`.
public func paellaLoss(
    logits: Tensor, targets: Tensor, weights: Tensor? = nil, labelSmoothing: Float = 0.1
) -> Tensor {
    precondition(logits.rank == 4, "paellaLoss: logits \(logits.shape), want [N, K, H, W]")
    let (N, _, H, W) = logits.shape4
    precondition(
        targets.shape == [N, H, W], "paellaLoss: targets \(targets.shape) for logits \(logits.shape)")
    let P = H * W
    var wn = [Float](repeating: 1 / Float(N * P), count: N * P)  // w / (Σ_hw w · N)
    if let weights {
        precondition(
            weights.shape == [N, H, W], "paellaLoss: weights \(weights.shape) for targets \(targets.shape)")
        let w = weights.scalars
        for n in 0..<N {
            let s = w[(n * P)..<((n + 1) * P)].reduce(0, +)
            precondition(s > 0, "paellaLoss: image \(n) has zero total weight")
            for i in 0..<P { wn[n * P + i] = w[n * P + i] / (s * Float(N)) }
        }
    }
    return crossEntropy(
        logits, targets, labelSmoothing: labelSmoothing, weights: Tensor(wn, shape: [N, H, W]),
        reduction: .sum)
}

/// The logged metric: the fraction of tokens whose argmax logit is the target. `logits` `[N, K, H, W]`,
/// `targets` `[N, H, W]`.
public func tokenAccuracy(logits: Tensor, targets: Tensor) -> Float {
    let pred = logits.argmax(axis: 1).scalars, t = targets.scalars
    precondition(pred.count == t.count, "tokenAccuracy: logits \(logits.shape) for targets \(targets.shape)")
    guard !t.isEmpty else { return 0 }
    return Float(zip(pred, t).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }) / Float(t.count)
}
