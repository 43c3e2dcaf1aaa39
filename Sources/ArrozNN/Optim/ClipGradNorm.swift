// ClipGradNorm: global L2-norm gradient clipping with torch.nn.utils.clip_grad_norm_ semantics.
import ArrozTensor

/// Scales all gradients so that their global L2 norm is at most `maxNorm`; returns the norm before clipping.
///
/// Matches `torch.nn.utils.clip_grad_norm_(params, max_norm)` (norm_type 2, foreach off):
///
///     total = ‖(‖g₁‖₂, ‖g₂‖₂, …)‖₂
///     coef  = min(max_norm / (total + 1e-6), 1)
///     gᵢ ← gᵢ·coef                 (applied even when coef = 1, as PyTorch does)
///
/// Tensors without a gradient are skipped; with none at all the result is 0. A non-finite norm is returned
/// as is (and propagates into the gradients, as in PyTorch with `error_if_nonfinite=False`), so the caller
/// can skip the step.
@discardableResult
public func clipGradNorm(_ params: [Tensor], maxNorm: Float) -> Float {
    precondition(maxNorm > 0, "clipGradNorm: maxNorm \(maxNorm) must be positive")
    let grads = params.compactMap(\.grad)
    if grads.isEmpty { return 0 }
    var totalSq: Double = 0
    for g in grads {
        var sq: Double = 0
        for x in g.data { sq += Double(x) * Double(x) }
        let norm = Float(sq.squareRoot())  // per-tensor norm in Float32, like torch.linalg.vector_norm
        totalSq += Double(norm) * Double(norm)
    }
    let total = Float(totalSq.squareRoot())
    let coef = min(maxNorm / (total + 1e-6), 1)
    for g in grads {
        let d = g.mutableData
        for i in 0..<d.count { d[i] *= coef }
    }
    return total
}

/// `clipGradNorm` over an optimizer's parameters.
@discardableResult
public func clipGradNorm(_ optimizer: Optimizer, maxNorm: Float) -> Float {
    clipGradNorm(optimizer.parameters.map(\.tensor), maxNorm: maxNorm)
}
