// Multi-head attention with PyTorch `nn.MultiheadAttention` semantics (batch_first=True): packed
// in-projection, head split, scaled dot-product attention, head merge, output projection.

// MARK: - multiHeadAttention
// With E = embed width, H heads of width h = E/H, W_q = in_proj_weight[0..<E] (likewise W_k, W_v):
//   q = query·W_qᵀ + b_q   k = key·W_kᵀ + b_k   v = value·W_vᵀ + b_v        [N, L|S, E]
//   q, k, v → [N, H, L|S, h]
//   o_h = softmax(q_h·k_hᵀ/√h + mask) · v_h   (dropout on the probabilities in training)
//   out = concat_h(o_h)·W_oᵀ + b_o                                            [N, L, E]
// Backward comes from the parts: the in-projection rows op below, permutes, attention, linear.

/// PyTorch `nn.MultiheadAttention.forward(query, key, value, key_padding_mask, need_weights=False,
/// attn_mask)` with `batch_first=True`, returning only the attention output.
///
/// - Parameters:
///   - query: `[N, L, E]`; key, value: `[N, S, E]` (S may differ from L: cross-attention).
///   - inProjWeight: `[3E, E]` (rows: q, k, v); inProjBias: `[3E]` or nil (`bias=False`).
///   - outProjWeight: `[E, E]`; outProjBias: `[E]` or nil.
///   - attnMask: float mask added to the scores, `[L, S]` or `[N·H, L, S]` (PyTorch's float `attn_mask`).
///   - boolAttnMask: 0/1 mask, `[L, S]` or `[N·H, L, S]`; nonzero = masked out (PyTorch's bool `attn_mask`).
///   - keyPaddingMask: 0/1 mask `[N, S]`; nonzero = that key is padding and ignored.
///   - dropout: attention-probability dropout, applied only when `training`.
public func multiHeadAttention(
    query: Tensor, key: Tensor, value: Tensor, inProjWeight: Tensor, inProjBias: Tensor?,
    outProjWeight: Tensor, outProjBias: Tensor?, heads H: Int, attnMask: Tensor? = nil,
    boolAttnMask: Tensor? = nil, keyPaddingMask: Tensor? = nil, dropout: Float = 0, training: Bool = false,
    rng: inout ArrozRandom
) -> Tensor {
    let op = "multiHeadAttention"
    let (N, L, E) = query.shape3
    precondition(
        key.rank == 3 && key.shape[0] == N && key.shape[2] == E,
        "\(op): key \(key.shape) for query \(query.shape)")
    let S = key.shape[1]
    precondition(value.shape == key.shape, "\(op): value \(value.shape) differs from key \(key.shape)")
    precondition(H > 0 && E % H == 0, "\(op): embed width \(E) does not split into \(H) heads")
    precondition(
        inProjWeight.shape == [3 * E, E], "\(op): in_proj_weight \(inProjWeight.shape), want [\(3 * E), \(E)]"
    )
    if let inProjBias { precondition(inProjBias.count == 3 * E, "\(op): in_proj_bias \(inProjBias.shape)") }
    precondition(
        outProjWeight.shape == [E, E], "\(op): out_proj.weight \(outProjWeight.shape), want [\(E), \(E)]")
    let h = E / H

    // [N, T, E] → [N, H, T, h]
    func heads(_ t: Tensor, _ T: Int) -> Tensor { t.reshaped([N, T, H, h]).permuted([0, 2, 1, 3]) }
    let q = heads(inProjectionRows(query, inProjWeight, inProjBias, from: 0, count: E), L)
    let k = heads(inProjectionRows(key, inProjWeight, inProjBias, from: E, count: E), S)
    let v = heads(inProjectionRows(value, inProjWeight, inProjBias, from: 2 * E, count: E), S)

    // Masks as [N|1, H|1, L, S]: float masks add; bool attn_mask becomes −∞ where set (as PyTorch does).
    func asHeads(_ m: Tensor, _ what: String) -> Tensor {
        if m.shape == [L, S] { return m.reshaped([1, 1, L, S]) }
        precondition(
            m.shape == [N * H, L, S], "\(op): \(what) \(m.shape), want [\(L), \(S)] or [\(N * H), \(L), \(S)]"
        )
        return m.reshaped([N, H, L, S])
    }
    var additive = attnMask.map { asHeads($0, "attn_mask") }
    if let b = boolAttnMask {
        let neg = Tensor(b.scalars.map { $0 != 0 ? -Float.infinity : 0 }, shape: b.shape)
        let m = asHeads(neg, "bool attn_mask")
        additive = additive.map { $0 + m } ?? m
    }
    let padding = keyPaddingMask.map { m -> Tensor in
        precondition(m.shape == [N, S], "\(op): key_padding_mask \(m.shape), want [\(N), \(S)]")
        return m.reshaped([N, 1, 1, S])
    }
    let p = training ? dropout : 0
    let o = scaledDotProductAttention(q, k, v, mask: additive, maskedOut: padding, dropout: p, rng: &rng)
    let merged = o.permuted([0, 2, 1, 3]).reshaped([N, L, E])  // [N, L, E]
    return linear(merged, weight: outProjWeight, bias: outProjBias)
}

// MARK: - in-projection rows
// y = x·W[r0..<r0+R]ᵀ + b[r0..<r0+R]
// dx = dy·W[r0..<r0+R]    dW[r0..<r0+R] += dyᵀ·x    db[r0..<r0+R] += Σ dy

/// `linear` with a contiguous block of `count` rows of `weight` (and `bias`) starting at row `from`, so the
/// packed `in_proj_weight` trains as one tensor without slice copies.
private func inProjectionRows(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?, from r0: Int, count R: Int)
    -> Tensor
{
    let inF = weight.shape[1]
    precondition(
        x.shape.last == inF, "multiHeadAttention: input \(x.shape) vs in_proj_weight \(weight.shape)")
    let rows = x.count / max(inF, 1)
    let pw = weight.storage.pointer + r0 * inF
    let pb = bias.map { $0.storage.pointer + r0 }
    let s = Storage(uninitializedCount: rows * R)
    if let pb {
        for r in 0..<rows { (s.pointer + r * R).update(from: pb, count: R) }
    }
    sgemm(
        transB: true, m: rows, n: R, k: inF, a: x.storage.pointer, b: pw, beta: pb == nil ? 0 : 1,
        c: s.pointer)
    let inputs = [x, weight] + [bias].compactMap { $0 }
    return Tensor.result("inProjection", shape: Array(x.shape.dropLast()) + [R], storage: s, inputs: inputs) {
        g in
        let pg = g.storage.pointer
        x.accumulateGrad { dst in
            sgemm(m: rows, n: inF, k: R, a: pg, b: pw, beta: 1, c: dst.baseAddress!)
        }
        weight.accumulateGrad { dst in
            sgemm(
                transA: true, m: R, n: inF, k: rows, a: pg, b: x.storage.pointer, beta: 1,
                c: dst.baseAddress! + r0 * inF)
        }
        bias?.accumulateGrad { dst in
            for r in 0..<rows {
                for j in 0..<R { dst[r0 + j] += pg[r * R + j] }
            }
        }
    }
}

/// `multiHeadAttention` for inference (no dropout, so no generator needed).
public func multiHeadAttention(
    query: Tensor, key: Tensor, value: Tensor, inProjWeight: Tensor, inProjBias: Tensor?,
    outProjWeight: Tensor, outProjBias: Tensor?, heads: Int, attnMask: Tensor? = nil,
    boolAttnMask: Tensor? = nil, keyPaddingMask: Tensor? = nil
) -> Tensor {
    var unused = ArrozRandom(seed: 0)
    return multiHeadAttention(
        query: query, key: key, value: value, inProjWeight: inProjWeight, inProjBias: inProjBias,
        outProjWeight: outProjWeight, outProjBias: outProjBias, heads: heads, attnMask: attnMask,
        boolAttnMask: boolAttnMask, keyPaddingMask: keyPaddingMask, dropout: 0, training: false, rng: &unused)
}
