// Tensor+PackedAttention: multi-head self-attention over sequences packed end to end without padding, for
// inference (the frozen text encoders). No backward: training goes through `multiHeadAttention` /
// `scaledDotProductAttention`.
//
// Matches the attention core of HF `BertSelfAttention` and `CLIPAttention` (eval, no dropout) run on each
// sequence alone, i.e. on a padded batch with an attention mask that removes the padded keys: the mask only
// ever removes keys, so dropping the padding changes nothing.

// MARK: - packedSelfAttention
// Sequence s owns rows t₀ = Σ_{s'<s} L_s' ..< t₀ + L_s of qkv [T, 3E] (query | key | value, each E = H·d
// wide; head h in columns h·d ..< (h+1)·d of each third). For each sequence and head:
//   ctx_h[i] = Σ_j P[i, j] · v_h[j],   P[i, ·] = softmax_j(q_h[i]·k_h[j] / √d + M[i, j])
//   M[i, j] = −∞ for j > i when causal (a query sees itself and earlier tokens), else 0
// out [T, E] = concat_h ctx_h, in the layout the output projection reads.

/// Self-attention of `qkv` `[T, 3·E]` (query | key | value rows, `heads` heads of E/heads) over sequences of
/// `lengths` packed one after another (Σ lengths = T) → `[T, E]`. Inference only: `qkv` must not be
/// recording a graph (encoders run frozen, under `withNoGrad` or with weights that do not require grad).
///
/// One work item per (sequence, head); the scores of one query live in a scratch row, dotted 8 lanes at a
/// time (`rowDot`), softmaxed with `softmaxRowInPlace`, and weight the values in 8-column register blocks.
public func packedSelfAttention(_ qkv: Tensor, lengths: [Int], heads H: Int, causal: Bool = false) -> Tensor {
    let op = "packedSelfAttention"
    precondition(qkv.rank == 2 && qkv.shape[1] % 3 == 0, "\(op): qkv \(qkv.shape) must be [T, 3·E]")
    let T = qkv.shape[0], E = qkv.shape[1] / 3
    precondition(H > 0 && E % H == 0, "\(op): width \(E) does not split into \(H) heads")
    precondition(
        lengths.allSatisfy { $0 >= 0 } && lengths.reduce(0, +) == T,
        "\(op): \(lengths.count) sequence lengths (Σ \(lengths.reduce(0, +))) must be ≥ 0 and sum to T = \(T)"
    )
    precondition(
        !(GradMode.isEnabled && qkv.requiresGrad),
        "\(op): has no backward; train with multiHeadAttention or scaledDotProductAttention")
    let d = E / H, rowStride = 3 * E
    let scale = 1 / Float(d).squareRoot()
    var next = 0
    let starts = lengths.map { L in  // row of each sequence's first token, Σ of the lengths before it
        defer { next += L }
        return next
    }
    let maxL = lengths.max() ?? 0
    let out = Storage(uninitializedCount: T * E)
    let pqkv = UnsafePointer(qkv.storage.pointer), po = out.pointer
    // Multiply-adds: L² per head for the scores and as many for the sum, d wide. Items go to a thread in
    // chunks of at least `packedAttentionSplitWork`, so one short prompt (10 tokens: 77k) runs on the
    // calling thread instead of paying a worker's wake-up for microseconds of work.
    let items = lengths.count * H
    let work = 2 * E * lengths.reduce(0) { $0 + $1 * $1 }
    let grain =
        work == 0 ? items : max(1, Int(Double(items) * Double(packedAttentionSplitWork) / Double(work)))
    parallelFor(items, grain: grain) { range in
        Scratch.with(maxL) { scores in
            for item in range {
                let s = item / H, h = item % H
                let first = pqkv + starts[s] * rowStride + h * d  // q_h of the sequence's first token
                let L = lengths[s]
                for i in 0..<L {
                    let q = first + i * rowStride
                    let keys = causal ? i + 1 : L
                    // scores[j] = q·k_j / √d
                    for j in 0..<keys { scores[j] = rowDot(q, first + j * rowStride + E, d) * scale }
                    softmaxRowInPlace(scores, keys)
                    // ctx[i] = Σ_j P[i, j]·v_j, eight columns at a time summed in a register across the keys
                    let o = po + (starts[s] + i) * E + h * d, v = first + 2 * E
                    var c = 0
                    while c + 8 <= d {
                        var acc = SIMD8<Float>()
                        for j in 0..<keys {
                            acc = acc.addingProduct(SIMD8(repeating: scores[j]), load8(v + j * rowStride + c))
                        }
                        store(acc, o + c)
                        c += 8
                    }
                    while c < d {
                        var acc: Float = 0
                        for j in 0..<keys { acc = muladd(scores[j], v[j * rowStride + c], acc) }
                        o[c] = acc
                        c += 1
                    }
                }
            }
        }
    }
    return Tensor.result(op, shape: [T, E], storage: out, inputs: []) { _ in }
}

/// Fewest multiply-adds of packedSelfAttention worth handing to another thread.
public let packedAttentionSplitWork = 1 << 16
