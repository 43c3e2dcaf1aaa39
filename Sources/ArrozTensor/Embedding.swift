// Embedding: row lookup (F.embedding) with a scatter-add backward, and inverted dropout.

// MARK: - embedding
// y[i, :] = W[ids[i], :]        dW[ids[i], :] += dy[i, :]   (repeated ids accumulate)

/// Looks up rows of `weight` `[V, D]` for float class ids of any shape; the result is `ids.shape + [D]`.
///
/// Matches torch.nn.functional.embedding (no max_norm, no padding_idx).
public func embedding(indices: Tensor, weight: Tensor) -> Tensor {
    precondition(weight.rank == 2, "embedding: weight \(weight.shape) must be [V, D]")
    let (v, d) = (weight.shape[0], weight.shape[1])
    let ids = indices.scalars.enumerated().map { i, x -> Int in
        // checked as floats first: Int(x) would trap on NaN or ±∞ without naming the op
        precondition(
            x >= 0 && x < Float(v) && x == x.rounded(),
            "embedding: index \(x) at \(i) is not a row of weight \(weight.shape)")
        return Int(x)
    }
    let s = Storage(uninitializedCount: ids.count * d)
    let w = weight.storage.pointer, o = s.pointer
    parallelFor(ids.count, grain: Swift.max(1, 8192 / Swift.max(d, 1))) { r in
        for i in r { (o + i * d).update(from: w + ids[i] * d, count: d) }
    }
    return Tensor.result("embedding", shape: indices.shape + [d], storage: s, inputs: [weight]) { g in
        weight.accumulateGrad { dst in
            let gp = g.storage.pointer
            for (i, id) in ids.enumerated() {
                for j in 0..<d { dst[id * d + j] += gp[i * d + j] }
            }
        }
    }
}

// MARK: - dropout
// m_i ~ Bernoulli(1 − p) / (1 − p),  y = x·m        dx = dy·m

/// Inverted dropout (F.dropout): in training, zeroes each element with probability `p` and scales the rest
/// by 1/(1 − p), drawing one uniform per element from `rng`; outside training (or p = 0) returns `x` itself.
public func dropout(_ x: Tensor, p: Float, training: Bool, rng: inout ArrozRandom) -> Tensor {
    precondition(p >= 0 && p <= 1, "dropout: probability \(p) outside [0, 1]")
    guard training && p > 0 else { return x }
    let n = x.count
    let mask = Storage(uninitializedCount: n)
    let keep: Float = p < 1 ? 1 / (1 - p) : 0
    for i in 0..<n { mask.pointer[i] = rng.uniform() < p ? 0 : keep }
    let s = Storage(uninitializedCount: n)
    let xp = x.storage.pointer
    for i in 0..<n { s.pointer[i] = xp[i] * mask.pointer[i] }
    return Tensor.result("dropout", shape: x.shape, storage: s, inputs: [x]) { g in
        x.accumulateGrad { dst in
            let gp = g.storage.pointer
            for i in 0..<n { dst[i] += gp[i] * mask.pointer[i] }
        }
    }
}
