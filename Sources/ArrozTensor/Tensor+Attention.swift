// Scaled dot-product attention: one fused op (scores by sgemm, masked softmax, dropout, weighted sum) and its
// backward, caching the attention probabilities.
//
// Matches PyTorch `F.scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal, scale)`, with one
// difference on purpose: a query row whose every key is masked out attends to nothing (output 0, no NaN).
import Foundation

// MARK: - scaledDotProductAttention
// Per batch entry i (all leading axes folded), q [L, d], k [S, d], v [S, dv]:
//   Z = scale · q·kᵀ + mask          (−∞ where maskedOut ≠ 0, or where s > l with isCausal)
//   P = softmax_rows(Z)              P̃ = P ⊙ keep / (1−p)     (keep ~ Bernoulli(1−p); no dropout: P̃ = P)
//   O = P̃·v
// Backward:
//   dv = P̃ᵀ·dO        dP̃ = dO·vᵀ        dP = dP̃ ⊙ keep / (1−p)
//   dZ = P ⊙ (dP − rowsum(dP ⊙ P))      (softmax backward)
//   dq = scale · dZ·k    dk = scale · dZᵀ·q    dmask = dZ summed over mask's broadcast axes

/// Attention over `q` `[..., L, d]`, `k` `[..., S, d]`, `v` `[..., S, dv]` → `[..., L, dv]`, with dropout on
/// the attention probabilities drawn from `rng`.
///
/// - Parameters:
///   - mask: additive float mask, broadcastable to `[..., L, S]` (may require grad, e.g. a learned bias).
///   - maskedOut: boolean mask as 0/1 floats, broadcastable to `[..., L, S]`; nonzero = key masked out
///     (nn.MultiheadAttention's bool convention; for `F.scaled_dot_product_attention`'s bool mask m,
///     pass `1 − m`).
///   - isCausal: query l may only see keys s ≤ l.
///   - scale: defaults to 1/√d.
///   - dropout: probability of zeroing an attention probability (the rest scale by 1/(1−p)).
public func scaledDotProductAttention(
    _ q: Tensor, _ k: Tensor, _ v: Tensor, mask: Tensor? = nil, maskedOut: Tensor? = nil,
    isCausal: Bool = false, scale: Float? = nil, dropout p: Float, rng: inout ArrozRandom
) -> Tensor {
    precondition(p >= 0 && p < 1, "scaledDotProductAttention: dropout \(p) outside [0, 1)")
    guard p > 0 else {
        return scaledDotProductAttention(
            q, k, v, mask: mask, maskedOut: maskedOut, isCausal: isCausal,
            scale: scale)
    }
    precondition(
        q.rank >= 2 && k.rank >= 2, "scaledDotProductAttention: q \(q.shape), k \(k.shape) need rank ≥ 2")
    let L = q.shape[q.rank - 2], S = k.shape[k.rank - 2]
    let n = Shape.count(Array(q.shape.dropLast(2))) * L * S
    let keep = Storage(uninitializedCount: n)
    for i in 0..<n { keep.pointer[i] = rng.uniform() < p ? 0 : 1 / (1 - p) }
    return attention(q, k, v, mask: mask, maskedOut: maskedOut, isCausal: isCausal, scale: scale, keep: keep)
}

/// Attention without dropout (inference, or `dropout_p = 0`). See the dropout overload for the parameters.
public func scaledDotProductAttention(
    _ q: Tensor, _ k: Tensor, _ v: Tensor, mask: Tensor? = nil, maskedOut: Tensor? = nil,
    isCausal: Bool = false, scale: Float? = nil
) -> Tensor {
    attention(q, k, v, mask: mask, maskedOut: maskedOut, isCausal: isCausal, scale: scale, keep: nil)
}

/// Offsets of a mask broadcast to `batch + [L, S]`: a base offset per batch entry and the L and S strides.
private struct BroadcastMask {
    let pointer: UnsafeMutablePointer<Float>
    let base: [Int]
    let strideL: Int, strideS: Int

    init(_ m: Tensor, batch: [Int], L: Int, S: Int, op: String) {
        let full = batch + [L, S]
        precondition(
            m.rank <= full.count && Shape.broadcast(m.shape, full, op: op) == full,
            "\(op): mask \(m.shape) does not broadcast to \(full)")
        let st = Shape.broadcastStrides(m.shape, to: full)
        let batchStrides = Shape.strides(batch)
        let B = Shape.count(batch)
        var base = [Int](repeating: 0, count: B)
        for i in 0..<B {
            var rem = i, off = 0
            for a in 0..<batch.count {
                off += (rem / batchStrides[a]) * st[a]
                rem %= batchStrides[a]
            }
            base[i] = off
        }
        pointer = m.storage.pointer
        self.base = base
        strideL = st[batch.count]
        strideS = st[batch.count + 1]
    }
}

/// The fused attention kernel; `keep` holds dropout multipliers (0 or 1/(1−p)) per probability, or nil.
private func attention(
    _ q: Tensor, _ k: Tensor, _ v: Tensor, mask: Tensor?, maskedOut: Tensor?, isCausal: Bool, scale: Float?,
    keep: Storage?
) -> Tensor {
    let op = "scaledDotProductAttention"
    precondition(
        q.rank >= 2 && k.rank == q.rank && v.rank == q.rank,
        "\(op): q \(q.shape), k \(k.shape), v \(v.shape) must share rank ≥ 2")
    let batch = Array(q.shape.dropLast(2))
    precondition(
        Array(k.shape.dropLast(2)) == batch && Array(v.shape.dropLast(2)) == batch,
        "\(op): batch axes differ, q \(q.shape), k \(k.shape), v \(v.shape)")
    let L = q.shape[q.rank - 2], d = q.shape[q.rank - 1]
    let S = k.shape[k.rank - 2], dv = v.shape[v.rank - 1]
    precondition(k.shape[k.rank - 1] == d, "\(op): q \(q.shape) and k \(k.shape) differ in head width")
    precondition(v.shape[v.rank - 2] == S, "\(op): k \(k.shape) and v \(v.shape) differ in key count")
    let B = Shape.count(batch)
    let alpha = scale ?? 1 / Float(d).squareRoot()
    let add = mask.map { BroadcastMask($0, batch: batch, L: L, S: S, op: op) }
    let drop = maskedOut.map { BroadcastMask($0, batch: batch, L: L, S: S, op: op) }
    let pq = q.storage.pointer, pk = k.storage.pointer, pv = v.storage.pointer

    let needGrad = GradMode.isEnabled && [q, k, v, mask].contains { $0?.requiresGrad == true }

    /// Z = scale · q·kᵀ for rows l0..<l1 of entry i, then the masked softmax in place, into `z` [l1−l0, S].
    func scoresAndSoftmax(_ i: Int, _ l0: Int, _ l1: Int, _ z: UnsafeMutablePointer<Float>) {
        sgemm(
            transB: true, m: l1 - l0, n: S, k: d, alpha: alpha, a: pq + (i * L + l0) * d, b: pk + i * S * d,
            c: z)
        for l in l0..<l1 {
            let zr = z + (l - l0) * S
            if let add {
                let mrow = add.pointer + add.base[i] + l * add.strideL
                for s in 0..<S { zr[s] += mrow[s * add.strideS] }
            }
            if let drop {
                let mrow = drop.pointer + drop.base[i] + l * drop.strideL
                for s in 0..<S where mrow[s * drop.strideS] != 0 { zr[s] = -.infinity }
            }
            if isCausal && l + 1 < S {
                for s in (l + 1)..<S { zr[s] = -.infinity }
            }
            softmaxRowInPlace(zr, S)
        }
    }

    // One pass per work item (entry i, block of query rows): scores, softmax, dropout, O = P̃·v, with P in
    // cache between the two products. Without a backward to come, P lives only in a per-worker scratch
    // block; with one, P (and P̃) are kept [B, L, S]. Few entries split their query rows across the threads.
    let rowBlocks = B >= Threads.count ? 1 : min(L, (Threads.count + B - 1) / B)
    let probs = Storage(uninitializedCount: needGrad ? B * L * S : 0)
    let dropped = keep != nil && needGrad ? Storage(uninitializedCount: B * L * S) : probs
    let out = Storage(uninitializedCount: B * L * dv)
    let pP = probs.pointer, pPd = dropped.pointer, po = out.pointer, pkeep = keep?.pointer
    parallelFor(B * rowBlocks) { items in
        Scratch.with(needGrad ? 0 : (L + rowBlocks - 1) / rowBlocks * S) { tmp in
            for item in items {
                let i = item / rowBlocks, blk = item % rowBlocks
                let l0 = L * blk / rowBlocks, l1 = L * (blk + 1) / rowBlocks
                guard l0 < l1 else { continue }
                let off = (i * L + l0) * S
                let z = needGrad ? pP + off : tmp
                scoresAndSoftmax(i, l0, l1, z)
                var pd = z
                if let pkeep {  // P̃ = P ⊙ keep
                    pd = needGrad ? pPd + off : z
                    for j in 0..<((l1 - l0) * S) { pd[j] = z[j] * pkeep[off + j] }
                }
                sgemm(m: l1 - l0, n: dv, k: S, a: pd, b: pv + i * S * dv, c: po + (i * L + l0) * dv)
            }
        }
    }

    let inputs = [q, k, v] + [mask].compactMap { $0 }
    return Tensor.result("scaledDotProductAttention", shape: batch + [L, dv], storage: out, inputs: inputs) {
        g in
        let pg = g.storage.pointer
        let pP = probs.pointer, pPd = dropped.pointer  // captures the cached probabilities
        if B >= Threads.count && !(mask?.requiresGrad ?? false) {
            attentionBackwardPerEntry(
                q, k, v, g: pg, P: pP, Pd: pPd, keep: keep?.pointer, B: B, L: L, S: S, d: d, dv: dv, alpha: alpha)
            return
        }
        // dv = P̃ᵀ·dO
        v.accumulateGrad { dst in
            for i in 0..<B {
                sgemm(
                    transA: true, m: S, n: dv, k: L, a: pPd + i * L * S, b: pg + i * L * dv, beta: 1,
                    c: dst.baseAddress! + i * S * dv)
            }
        }
        guard q.requiresGrad || k.requiresGrad || (mask?.requiresGrad ?? false) else { return }
        // dP̃ = dO·vᵀ, then dropout and softmax backward in place: dZ [B, L, S]
        let dZ = Storage(uninitializedCount: B * L * S)
        let pdZ = dZ.pointer
        for i in 0..<B {
            sgemm(transB: true, m: L, n: S, k: dv, a: pg + i * L * dv, b: pv + i * S * dv, c: pdZ + i * L * S)
        }
        let pkeep = keep?.pointer  // captures the dropout multipliers
        parallelFor(B * L, grain: max(1, 2048 / max(S, 1))) { rows in
            for row in rows {
                let dz = pdZ + row * S, pr = pP + row * S
                if let pkeep {
                    let kr = pkeep + row * S
                    for s in 0..<S { dz[s] *= kr[s] }
                }
                var dot: Float = 0
                for s in 0..<S { dot += dz[s] * pr[s] }
                for s in 0..<S { dz[s] = pr[s] * (dz[s] - dot) }
            }
        }
        q.accumulateGrad { dst in
            for i in 0..<B {
                sgemm(
                    m: L, n: d, k: S, alpha: alpha, a: pdZ + i * L * S, b: pk + i * S * d, beta: 1,
                    c: dst.baseAddress! + i * L * d)
            }
        }
        k.accumulateGrad { dst in
            for i in 0..<B {
                sgemm(
                    transA: true, m: S, n: d, k: L, alpha: alpha, a: pdZ + i * L * S, b: pq + i * L * d,
                    beta: 1, c: dst.baseAddress! + i * S * d)
            }
        }
        if let mask, let add {
            // Broadcast axes sum into one mask element, so this loop stays serial.
            mask.accumulateGrad { dst in
                let pm = dst.baseAddress!
                for i in 0..<B {
                    for l in 0..<L {
                        let dz = pdZ + (i * L + l) * S
                        let mrow = pm + add.base[i] + l * add.strideL
                        for s in 0..<S { mrow[s * add.strideS] += dz[s] }
                    }
                }
            }
        }
        withExtendedLifetime(dZ) {}
    }
}

/// The backward of `attention` one batch entry per work item, all five products and the softmax backward of
/// an entry on one thread, with dZ in a per-worker scratch block [L, S] instead of a [B, L, S] buffer:
///   dv_i += P̃ᵀ·dO    dZ = P ⊙ (dP − rowsum(dP ⊙ P)), dP = (dO·vᵀ) ⊙ keep    dq_i += α dZ·k    dk_i += α dZᵀ·q
/// Entries write disjoint gradient blocks, so the items run in parallel.
private func attentionBackwardPerEntry(
    _ q: Tensor, _ k: Tensor, _ v: Tensor, g pg: UnsafeMutablePointer<Float>, P pP: UnsafeMutablePointer<Float>,
    Pd pPd: UnsafeMutablePointer<Float>, keep pkeep: UnsafeMutablePointer<Float>?, B: Int, L: Int, S: Int,
    d: Int, dv: Int, alpha: Float
) {
    let pq = q.storage.pointer, pk = k.storage.pointer, pv = v.storage.pointer
    func gradPointer(_ t: Tensor, _ body: (UnsafeMutablePointer<Float>?) -> Void) {
        if t.requiresGrad { t.accumulateGrad { body($0.baseAddress!) } } else { body(nil) }
    }
    gradPointer(q) { dq in
        gradPointer(k) { dk in
            gradPointer(v) { dvp in
                parallelFor(B) { entries in
                    Scratch.with(dq != nil || dk != nil ? L * S : 0) { dZ in
                        for i in entries {
                            let P = pP + i * L * S, Pd = pPd + i * L * S, dO = pg + i * L * dv
                            if let dvp {
                                sgemm(transA: true, m: S, n: dv, k: L, a: Pd, b: dO, beta: 1, c: dvp + i * S * dv)
                            }
                            guard dq != nil || dk != nil else { continue }
                            sgemm(transB: true, m: L, n: S, k: dv, a: dO, b: pv + i * S * dv, c: dZ)
                            for l in 0..<L {
                                let dz = dZ + l * S, pr = P + l * S
                                if let pkeep {
                                    let kr = pkeep + (i * L + l) * S
                                    for s in 0..<S { dz[s] *= kr[s] }
                                }
                                var dot: Float = 0
                                for s in 0..<S { dot += dz[s] * pr[s] }
                                for s in 0..<S { dz[s] = pr[s] * (dz[s] - dot) }
                            }
                            if let dq {
                                sgemm(
                                    m: L, n: d, k: S, alpha: alpha, a: dZ, b: pk + i * S * d, beta: 1,
                                    c: dq + i * L * d)
                            }
                            if let dk {
                                sgemm(
                                    transA: true, m: S, n: d, k: L, alpha: alpha, a: dZ, b: pq + i * L * d, beta: 1,
                                    c: dk + i * S * d)
                            }
                        }
                    }
                }
            }
        }
    }
}
