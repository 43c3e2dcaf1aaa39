// Losses: cross-entropy (label smoothing, per-element weights), MSE, L1 and BCE-with-logits, with gradients.
import Foundation

/// How a loss reduces its per-element values (PyTorch's `reduction=`).
public enum LossReduction: Sendable {
    /// The average over elements (for cross-entropy: over non-ignored targets).
    case mean
    case sum
    /// Per-element losses, shaped like the targets.
    case none
}

extension Tensor {
    /// Wraps per-element `losses` (shape `shape`) in the requested reduction.
    ///
    /// `backward` receives the upstream gradient of every element (already scaled for the mean) and
    /// accumulates into the loss inputs.
    static func lossResult(
        _ name: String, shape: [Int], losses: Storage, meanCount: Int, reduction: LossReduction,
        inputs: [Tensor], backward: @escaping (_ dl: UnsafePointer<Float>) -> Void
    ) -> Tensor {
        let n = losses.count
        switch reduction {
        case .none:
            return Tensor.result(name, shape: shape, storage: losses, inputs: inputs) { g in
                backward(g.storage.pointer)
            }
        case .sum, .mean:
            var total: Double = 0
            for i in 0..<n { total += Double(losses.pointer[i]) }
            let scale: Float = reduction == .mean ? 1 / Float(meanCount) : 1
            let s = Storage([Float(total) * scale])
            return Tensor.result(name, shape: [], storage: s, inputs: inputs) { g in
                let dl = Storage(count: n, repeating: g.item * scale)
                backward(dl.pointer)
            }
        }
    }
}

// MARK: - crossEntropy
// log p = log_softmax(x) over K,  q_k = (1 − ε)·[k = t] + ε/K
// ℓ = w · Σ_k −q_k log p_k = w · (−(1 − ε)·log p_t − (ε/K)·Σ_k log p_k)
// ∂ℓ/∂x_k = w · (p_k − q_k),   ∂ℓ/∂w = ℓ / w  (the unweighted loss)

/// Cross-entropy of logits against class indices, matching `F.cross_entropy`.
///
/// `logits` are `[N, K]` or `[N, K, d1, …]` (classes on axis 1), `targets` are class indices stored as floats,
/// `[N]` or `[N, d1, …]`. Matches `F.cross_entropy(logits, targets, label_smoothing=ε, ignore_index=…,
/// reduction=…)`; `weights` (shaped like `targets`) multiply each element's loss before the
/// reduction, and `.mean` still divides by the number of non-ignored targets (not by Σ weights).
public func crossEntropy(
    _ logits: Tensor, _ targets: Tensor, labelSmoothing eps: Float = 0, weights: Tensor? = nil,
    ignoreIndex: Int? = nil, reduction: LossReduction = .mean
) -> Tensor {
    precondition(logits.rank >= 2, "crossEntropy: logits \(logits.shape) need [N, K, …]")
    let k = logits.shape[1]
    let targetShape = [logits.shape[0]] + Array(logits.shape[2...])
    precondition(
        targets.shape == targetShape, "crossEntropy: targets \(targets.shape) for logits \(logits.shape)")
    precondition(eps >= 0 && eps <= 1, "crossEntropy: label smoothing \(eps) outside [0, 1]")
    if let w = weights {
        precondition(w.shape == targetShape, "crossEntropy: weights \(w.shape) for targets \(targets.shape)")
    }
    let (outer, inner) = (logits.shape[0], targetShape.dropFirst().reduce(1, *))
    let lines = outer * inner
    // class per line, −1 where ignored (copied: targets is not an input and may be freed before backward)
    let classes = targets.scalars.enumerated().map { i, v -> Int in
        if let ig = ignoreIndex, v == Float(ig) { return -1 }
        precondition(
            v >= 0 && v < Float(k) && v == v.rounded(),
            "crossEntropy: target \(v) at \(i) is not a class index in 0..<\(k) (logits \(logits.shape))")
        return Int(v)
    }
    let w = weights?.storage.pointer  // weights is an input, so the graph keeps it alive
    let logp = Storage(uninitializedCount: logits.count)
    Tensor.softmaxForward(logits.storage.pointer, logp.pointer, outer: outer, k: k, inner: inner, log: true)
    let sums = Storage(count: lines, repeating: 0)  // Σ_k log p_k, only needed with smoothing
    if eps > 0 {
        if inner == 1 {
            for line in 0..<lines { sums.pointer[line] = rowSum(logp.pointer + line * k, k) }
        } else {
            LineLayout(outer: outer, k: k, inner: inner).lineSums(logp.pointer, into: sums.pointer)
        }
    }
    let raw = Storage(uninitializedCount: lines)  // per element, before the weights
    let losses = Storage(uninitializedCount: lines)  // raw · w
    for line in 0..<lines {
        let t = classes[line]
        if t < 0 {
            raw.pointer[line] = 0
            losses.pointer[line] = 0
            continue
        }
        let (o, j) = (line / inner, line % inner)
        let lpt = logp.pointer[(o * k + t) * inner + j]
        raw.pointer[line] = -(1 - eps) * lpt - eps / Float(k) * sums.pointer[line]
        losses.pointer[line] = raw.pointer[line] * (w?[line] ?? 1)
    }
    let valid = classes.reduce(0) { $0 + ($1 < 0 ? 0 : 1) }
    let inputs = [logits] + (weights.map { [$0] } ?? [])
    return Tensor.lossResult(
        "crossEntropy", shape: targetShape, losses: losses, meanCount: valid, reduction: reduction,
        inputs: inputs
    ) { dl in
        logits.accumulateGrad { dst in
            // s_line = dℓ · w, zero where ignored; then dx[o, c, j] += s·(p − q), rows (o, c) in parallel
            let scale = (0..<lines).map { classes[$0] < 0 ? 0 : dl[$0] * (w?[$0] ?? 1) }
            let smooth = eps / Float(k)
            let lp = logp.pointer
            if inner == 1 {
                parallelFor(lines, grain: Swift.max(1, 16384 / Swift.max(k, 1))) { r in
                    for line in r where scale[line] != 0 {
                        let row = line * k, s = scale[line]
                        for c in 0..<k { dst[row + c] += s * (vexp(lp[row + c]) - smooth) }
                        dst[row + classes[line]] -= s * (1 - eps)
                    }
                }
                return
            }
            parallelFor(outer * k, grain: Swift.max(1, 16384 / inner)) { r in
                for row in r {
                    let (o, c) = (row / k, row % k)
                    for j in 0..<inner {
                        let line = o * inner + j, i = row * inner + j
                        let q = (classes[line] == c ? 1 - eps : 0) + smooth
                        dst[i] += scale[line] * (vexp(lp[i]) - q)
                    }
                }
            }
        }
        weights?.accumulateGrad { dst in
            for i in 0..<lines { dst[i] += dl[i] * raw.pointer[i] }
        }
    }
}

// MARK: - mseLoss
// ℓ = (a − b)²        ∂ℓ/∂a = 2(a − b),  ∂ℓ/∂b = −2(a − b)

/// Mean squared error (F.mse_loss); `a` and `b` must have the same shape.
public func mseLoss(_ a: Tensor, _ b: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(a.shape == b.shape, "mseLoss: shapes \(a.shape) and \(b.shape) differ")
    let n = a.count
    let pa = a.storage.pointer, pb = b.storage.pointer
    let losses = Storage(uninitializedCount: n)
    for i in 0..<n { losses.pointer[i] = (pa[i] - pb[i]) * (pa[i] - pb[i]) }
    return Tensor.lossResult(
        "mseLoss", shape: a.shape, losses: losses, meanCount: n, reduction: reduction, inputs: [a, b]
    ) { dl in
        a.accumulateGrad { dst in for i in 0..<n { dst[i] += dl[i] * 2 * (pa[i] - pb[i]) } }
        b.accumulateGrad { dst in for i in 0..<n { dst[i] -= dl[i] * 2 * (pa[i] - pb[i]) } }
    }
}

// MARK: - l1Loss
// ℓ = |a − b|         ∂ℓ/∂a = sign(a − b) (0 at a = b),  ∂ℓ/∂b = −sign(a − b)

/// Mean absolute error (F.l1_loss); `a` and `b` must have the same shape.
public func l1Loss(_ a: Tensor, _ b: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(a.shape == b.shape, "l1Loss: shapes \(a.shape) and \(b.shape) differ")
    let n = a.count
    let pa = a.storage.pointer, pb = b.storage.pointer
    let losses = Storage(uninitializedCount: n)
    for i in 0..<n { losses.pointer[i] = Swift.abs(pa[i] - pb[i]) }
    return Tensor.lossResult(
        "l1Loss", shape: a.shape, losses: losses, meanCount: n, reduction: reduction, inputs: [a, b]
    ) { dl in
        func sign(_ v: Float) -> Float { v > 0 ? 1 : (v < 0 ? -1 : 0) }
        a.accumulateGrad { dst in for i in 0..<n { dst[i] += dl[i] * sign(pa[i] - pb[i]) } }
        b.accumulateGrad { dst in for i in 0..<n { dst[i] -= dl[i] * sign(pa[i] - pb[i]) } }
    }
}

// MARK: - bceWithLogits
// ℓ = max(x, 0) − x·t + log(1 + e^(−|x|))   (= −t log σ(x) − (1 − t) log(1 − σ(x)), without overflow)
// ∂ℓ/∂x = σ(x) − t,   ∂ℓ/∂t = −x

/// Binary cross-entropy on logits (F.binary_cross_entropy_with_logits), in the overflow-free form.
public func bceWithLogits(_ logits: Tensor, _ targets: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(
        logits.shape == targets.shape,
        "bceWithLogits: logits \(logits.shape) and targets \(targets.shape) differ")
    let n = logits.count
    let x = logits.storage.pointer, t = targets.storage.pointer
    let losses = Storage(uninitializedCount: n)
    for i in 0..<n { losses.pointer[i] = softplus(x[i]) - x[i] * t[i] }
    return Tensor.lossResult(
        "bceWithLogits", shape: logits.shape, losses: losses, meanCount: n, reduction: reduction,
        inputs: [logits, targets]
    ) { dl in
        logits.accumulateGrad { dst in for i in 0..<n { dst[i] += dl[i] * (fastSigmoid(x[i]) - t[i]) } }
        targets.accumulateGrad { dst in for i in 0..<n { dst[i] -= dl[i] * x[i] } }
    }
}
