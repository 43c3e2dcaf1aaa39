// Tensor+Linalg: matmul (2-D, batched, broadcast batch) and linear, all through sgemm.

// MARK: - matmul
// C = A·B       dA = dC·Bᵀ,  dB = Aᵀ·dC

/// Matrix product. `a` is `[..., M, K]`; `b` is `[K, N]` (shared) or `[..., K, N]` with the same batch axes.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2, "matmul: need rank ≥ 2, got \(a.shape) and \(b.shape)")
    let M = a.shape[a.rank - 2], K = a.shape[a.rank - 1]
    let N = b.shape[b.rank - 1]
    precondition(b.shape[b.rank - 2] == K, "matmul: inner sizes differ, \(a.shape) · \(b.shape)")
    let batchA = Array(a.shape.dropLast(2))
    if b.rank == 2 {
        // Fold the batch into M: one sgemm.
        let rows = a.count / K
        let s = Storage(uninitializedCount: rows * N)
        sgemm(m: rows, n: N, k: K, a: a.storage.pointer, b: b.storage.pointer, c: s.pointer)
        return Tensor.result("matmul", shape: batchA + [M, N], storage: s, inputs: [a, b]) { g in
            a.accumulateGrad { dst in
                sgemm(transB: true, m: rows, n: K, k: N, a: g.storage.pointer, b: b.storage.pointer,
                      beta: 1, c: dst.baseAddress!)
            }
            b.accumulateGrad { dst in
                sgemm(transA: true, m: K, n: N, k: rows, a: a.storage.pointer, b: g.storage.pointer,
                      beta: 1, c: dst.baseAddress!)
            }
        }
    }
    let batchB = Array(b.shape.dropLast(2))
    precondition(batchA == batchB, "matmul: batch axes differ, \(a.shape) · \(b.shape)")
    return bmm(a, b, transA: false, transB: false)
}

/// Batched product over `[..., M, K]` and `[..., K, N]` (or their transposes), one sgemm per batch entry.
///
/// With `transA`, `a` is stored `[..., K, M]`; with `transB`, `b` is stored `[..., N, K]`.
public func bmm(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) -> Tensor {
    let batch = Array(a.shape.dropLast(2))
    precondition(Array(b.shape.dropLast(2)) == batch, "bmm: batch axes differ, \(a.shape) and \(b.shape)")
    let (r0, r1) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (c0, c1) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let M = transA ? r1 : r0, K = transA ? r0 : r1
    let N = transB ? c0 : c1, Kb = transB ? c1 : c0
    precondition(K == Kb, "bmm: inner sizes differ, \(a.shape)\(transA ? "ᵀ" : "") · \(b.shape)\(transB ? "ᵀ" : "")")
    let B = batch.reduce(1, *)
    let s = Storage(uninitializedCount: B * M * N)
    let pa = a.storage.pointer, pb = b.storage.pointer
    for i in 0..<B {
        sgemm(transA: transA, transB: transB, m: M, n: N, k: K, a: pa + i * M * K, b: pb + i * K * N,
              c: s.pointer + i * M * N)
    }
    return Tensor.result("bmm", shape: batch + [M, N], storage: s, inputs: [a, b]) { g in
        let pg = g.storage.pointer
        a.accumulateGrad { dst in
            for i in 0..<B {
                if transA {  // dAᵀ[K,M] = op(B)·dCᵀ  ⇔  dA_stored = op(B) · dCᵀ
                    sgemm(transA: transB, transB: true, m: K, n: M, k: N, a: pb + i * K * N, b: pg + i * M * N,
                          beta: 1, c: dst.baseAddress! + i * M * K)
                } else {  // dA[M,K] = dC · op(B)ᵀ
                    sgemm(transA: false, transB: !transB, m: M, n: K, k: N, a: pg + i * M * N, b: pb + i * K * N,
                          beta: 1, c: dst.baseAddress! + i * M * K)
                }
            }
        }
        b.accumulateGrad { dst in
            for i in 0..<B {
                if transB {  // dB_stored[N,K] = dCᵀ · op(A)
                    sgemm(transA: true, transB: transA, m: N, n: K, k: M, a: pg + i * M * N, b: pa + i * M * K,
                          beta: 1, c: dst.baseAddress! + i * K * N)
                } else {  // dB[K,N] = op(A)ᵀ · dC
                    sgemm(transA: !transA, transB: false, m: K, n: N, k: M, a: pa + i * M * K, b: pg + i * M * N,
                          beta: 1, c: dst.baseAddress! + i * K * N)
                }
            }
        }
    }
}

// MARK: - linear
// y = x·Wᵀ + b (+ r)     dx = dy·W,  dW = dyᵀ·x,  db = Σ dy,  dr = dy
// With a residual r the sum is formed in the output before the product (C = r + b, then C += x·Wᵀ through
// sgemm's β = 1), so a transformer's `x + proj(h)` costs no pass of its own: torch.addmm(r + b, x, Wᵀ).

/// PyTorch `F.linear`: `x` `[..., in]`, `weight` `[out, in]`, `bias` `[out]` → `[..., out]`; with
/// `adding: r` (shaped like the output), `r + F.linear(x, weight, bias)` in one op (a residual connection).
public func linear(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, adding residual: Tensor? = nil
) -> Tensor {
    precondition(weight.rank == 2, "linear: weight \(weight.shape) must be [out, in]")
    let inF = weight.shape[1], outF = weight.shape[0]
    precondition(x.shape.last == inF, "linear: x \(x.shape) vs weight \(weight.shape)")
    let rows = x.count / inF
    let outShape = Array(x.shape.dropLast()) + [outF]
    if let bias {
        precondition(bias.shape == [outF], "linear: bias \(bias.shape) for weight \(weight.shape)")
    }
    if let residual {
        precondition(residual.shape == outShape, "linear: residual \(residual.shape) for output \(outShape)")
    }
    let s = Storage(uninitializedCount: rows * outF)
    let pc = s.pointer
    switch (bias?.storage.pointer, residual?.storage.pointer) {
    case let (pb?, pr?):
        for r in 0..<rows {
            let cr = pc + r * outF, rr = pr + r * outF
            for j in 0..<outF { cr[j] = rr[j] + pb[j] }
        }
    case let (pb?, nil):
        for r in 0..<rows { (pc + r * outF).update(from: pb, count: outF) }
    case let (nil, pr?):
        pc.update(from: pr, count: rows * outF)
    case (nil, nil):
        break
    }
    sgemm(transB: true, m: rows, n: outF, k: inF, a: x.storage.pointer, b: weight.storage.pointer,
          beta: bias == nil && residual == nil ? 0 : 1, c: pc)
    let inputs = [x, weight] + [bias, residual].compactMap { $0 }
    return Tensor.result("linear", shape: outShape, storage: s, inputs: inputs) { g in
        let pg = g.storage.pointer
        x.accumulateGrad { dst in
            sgemm(m: rows, n: inF, k: outF, a: pg, b: weight.storage.pointer, beta: 1, c: dst.baseAddress!)
        }
        weight.accumulateGrad { dst in
            sgemm(transA: true, m: outF, n: inF, k: rows, a: pg, b: x.storage.pointer, beta: 1,
                  c: dst.baseAddress!)
        }
        bias?.accumulateGrad { dst in
            for r in 0..<rows {
                for j in 0..<outF { dst[j] += pg[r * outF + j] }
            }
        }
        residual?.accumulateGrad(g)
    }
}
