// BatchNorm over [N, C, *]: fused forward/backward with running-statistics updates as PyTorch does them.
//
// Matches PyTorch `F.batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps)`.

// MARK: - batchNorm2d
// Per channel c over the M = N·S values x[:, c, *]:
// training (or no running statistics):
//   μ = Σx/M     σ² = Σ(x−μ)²/M (biased, for normalising)     rstd = 1/√(σ²+ε)
//   running_mean ← (1−m)·running_mean + m·μ
//   running_var  ← (1−m)·running_var  + m·σ²·M/(M−1)   (unbiased)
// eval:  μ = running_mean, rstd = 1/√(running_var+ε)
//   x̂ = (x−μ)·rstd     y = x̂·w[c] + b[c]
// Backward, with ĝ = dy·w[c]:
//   batch statistics:  dx = rstd · (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))
//   running statistics: dx = rstd · ĝ
//   dw[c] = Σ dy·x̂     db[c] = Σ dy
// Keras' BatchNormalization(momentum=0.99, epsilon=1e-3) is momentum 0.01, eps 1e-3 here.

/// Batch normalisation of `x` `[N, C, ...]` with per-channel statistics.
///
/// - Parameters:
///   - runningMean, runningVar: `[C]` buffers, updated in place when `training` (not recorded for grad);
///     pass nil for `track_running_stats=False` (batch statistics are then used in eval too).
///   - weight, bias: optional affine `[C]`.
///   - momentum: PyTorch's convention (new = (1−momentum)·old + momentum·batch).
public func batchNorm2d(
    _ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil, bias: Tensor? = nil,
    training: Bool, momentum: Float = 0.1, eps: Float = 1e-5
) -> Tensor {
    let op = "batchNorm2d"
    precondition(x.rank >= 2, "\(op): x must be [N, C, ...], got \(x.shape)")
    let N = x.shape[0], C = x.shape[1]
    let S = N * C == 0 ? 0 : x.count / (N * C)
    let M = N * S
    for (t, name) in [
        (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias"),
    ] {
        if let t { precondition(t.count == C, "\(op): \(name) \(t.shape) for x \(x.shape)") }
    }
    precondition(
        (runningMean == nil) == (runningVar == nil), "\(op): pass both running statistics or neither")
    let batchStats = training || runningMean == nil
    precondition(
        !batchStats || M > 1, "\(op): batch statistics need more than 1 value per channel, x \(x.shape)")
    let out = Storage(uninitializedCount: x.count)
    let mean = Storage(uninitializedCount: C), rstd = Storage(uninitializedCount: C)
    let px = x.storage.pointer, py = out.pointer
    let pw = weight?.storage.pointer, pb = bias?.storage.pointer
    let pm = mean.pointer, pr = rstd.pointer
    let prm = runningMean?.storage.pointer, prv = runningVar?.storage.pointer
    parallelFor(C) { chans in
        for c in chans {
            var m: Float, rs: Float
            if batchStats {
                var s: Double = 0
                for n in 0..<N { s += Double(rowSum(px + (n * C + c) * S, S)) }
                m = Float(s / Double(M))
                var v: Double = 0
                for n in 0..<N { v += Double(rowSumSquaredDeviation(px + (n * C + c) * S, S, mean: m)) }
                let biased = Float(v / Double(M))
                rs = 1 / (biased + eps).squareRoot()
                if training, let prm, let prv {
                    prm[c] = (1 - momentum) * prm[c] + momentum * m
                    prv[c] = (1 - momentum) * prv[c] + momentum * Float(v / Double(M - 1))
                }
            } else {
                m = prm![c]
                rs = 1 / (prv![c] + eps).squareRoot()
            }
            pm[c] = m
            pr[c] = rs
            // y = x·(rstd·w) + (b − μ·rstd·w)
            let scale = rs * (pw?[c] ?? 1), shift = (pb?[c] ?? 0) - m * scale
            for n in 0..<N {
                let xc = px + (n * C + c) * S, yc = py + (n * C + c) * S
                for i in 0..<S { yc[i] = xc[i] * scale + shift }
            }
        }
    }
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return Tensor.result(op, shape: x.shape, storage: out, inputs: inputs) { g in
        let pg = g.storage.pointer
        let pm = mean.pointer, pr = rstd.pointer  // captures the statistics used
        // Per channel: Σdy (→ db) and Σdy·x̂ (→ dw); the batch-statistics dx needs both as means.
        let sums = Storage(uninitializedCount: 2 * C)
        let sg = sums.pointer, sgx = sums.pointer + C
        parallelFor(C) { chans in
            for c in chans {
                let m = pm[c]
                var a: Double = 0, b: Double = 0
                for n in 0..<N {
                    let (sa, sb) = rowGradSums(pg + (n * C + c) * S, px + (n * C + c) * S, S, mean: m)
                    a += Double(sa)
                    b += Double(sb)
                }
                sg[c] = Float(a)
                sgx[c] = Float(b) * pr[c]
            }
        }
        bias?.accumulateGrad { dst in for c in 0..<C { dst[c] += sg[c] } }
        weight?.accumulateGrad { dst in for c in 0..<C { dst[c] += sgx[c] } }
        x.accumulateGrad { dst in
            let pdx = dst.baseAddress!
            parallelFor(C) { chans in
                for c in chans {
                    let m = pm[c], rs = pr[c], w = pw?[c] ?? 1
                    let ma = batchStats ? sg[c] / Float(M) * w : 0
                    let mb = batchStats ? sgx[c] / Float(M) * w : 0
                    for n in 0..<N {
                        let xc = px + (n * C + c) * S, gc = pg + (n * C + c) * S, dxc = pdx + (n * C + c) * S
                        for i in 0..<S {
                            let xh = (xc[i] - m) * rs
                            dxc[i] += rs * (gc[i] * w - ma - xh * mb)
                        }
                    }
                }
            }
        }
        withExtendedLifetime(sums) {}
    }
}
