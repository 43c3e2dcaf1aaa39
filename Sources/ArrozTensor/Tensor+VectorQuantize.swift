// Tensor+VectorQuantize: nearest-code lookup (one distance GEMM + argmin) and the straight-through estimator.

// MARK: - nearestCodes
// d[m, k] = (‖e_k‖² + ‖z_m‖²) − 2·z_m·e_k      index[m] = argmin_k d[m, k]   (first minimum on ties)
// Same association as the seed's `torch.addmm(codebook_sqr + x_sqr, x, codebook.t(), alpha=-2, beta=1)`
// (pabloppp/pytorch-tools `torchtools/nn/vq.py`, identical to Arroz's `arroz/vq.py`). No gradient.

/// For each row of `z` `[M, D]`, the index of the nearest row of `codebook` `[K, D]` by squared distance.
public func nearestCodes(_ z: Tensor, codebook: Tensor) -> [Int] {
    precondition(z.rank == 2 && codebook.rank == 2 && z.shape[1] == codebook.shape[1],
                 "nearestCodes: z \(z.shape) and codebook \(codebook.shape) must be [M, D] and [K, D]")
    let (M, D, K) = (z.shape[0], z.shape[1], codebook.shape[0])
    precondition(K > 0, "nearestCodes: empty codebook")
    let zp = z.storage.pointer, ep = codebook.storage.pointer
    var e2 = [Float](repeating: 0, count: K)
    for k in 0..<K {
        var s: Float = 0
        for j in 0..<D { s += ep[k * D + j] * ep[k * D + j] }
        e2[k] = s
    }
    var out = [Int](repeating: 0, count: M)
    let chunk = 256  // rows per GEMM block, so the distance block stays small for large codebooks
    let dots = Storage(uninitializedCount: Swift.min(chunk, Swift.max(M, 1)) * K)
    var start = 0
    while start < M {
        let rows = Swift.min(chunk, M - start)
        sgemm(transB: true, m: rows, n: K, k: D, a: zp + start * D, b: ep, beta: 0, c: dots.pointer)
        for r in 0..<rows {
            let m = start + r
            var z2: Float = 0
            for j in 0..<D { z2 += zp[m * D + j] * zp[m * D + j] }
            var best = 0, bestD = Float.infinity
            let row = dots.pointer + r * K
            for k in 0..<K {
                let d = (e2[k] + z2) - 2 * row[k]
                if d < bestD { bestD = d; best = k }
            }
            out[m] = best
        }
        start += rows
    }
    return out
}

// MARK: - straightThrough
// y = q (values)      dz = dy,  dq = 0        (VQ-VAE's straight-through estimator, `vector_quantize.backward`)

/// The values of `quantized` with the gradient of the result passed unchanged to `input` (same shape).
public func straightThrough(_ input: Tensor, quantized: Tensor) -> Tensor {
    precondition(input.shape == quantized.shape,
                 "straightThrough: input \(input.shape) and quantized \(quantized.shape) differ")
    let s = quantized.storage.copy()
    return Tensor.result("straightThrough", shape: input.shape, storage: s, inputs: [input]) { g in
        input.accumulateGrad(g)
    }
}

// MARK: - l2Normalized
// y = x / max(‖x‖, ε) per row of the last axis      (F.normalize(x, dim=-1, eps))

extension Tensor {
    /// Rows of the last axis scaled to unit length (`F.normalize(x, dim=-1)`), differentiable.
    public func l2Normalized(eps: Float = 1e-12) -> Tensor {
        let n = square().sum(axis: rank - 1, keepDims: true).sqrt().clamp(min: eps)
        return self / n
    }
}
