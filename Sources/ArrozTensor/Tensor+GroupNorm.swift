// GroupNorm: a fused forward/backward pair over [N, C, *] that caches mean and 1/std per (image, group).
//
// Matches PyTorch `F.group_norm(x, groups, weight, bias, eps)`: biased variance, per-channel affine.

// MARK: - groupNorm
// Each (n, g) owns the contiguous block x[n, g·C/G ..< (g+1)·C/G, *] of M = (C/G)·S values (S spatial):
//   μ = Σx/M     σ² = Σ(x−μ)²/M     rstd = 1/√(σ²+ε)
//   x̂ = (x−μ)·rstd     y = x̂·w[c] + b[c]
// Backward, with ĝ = dy·w[c], means over the block:
//   dx = rstd · (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))
//   dw[c] = Σ_{n,s} dy·x̂     db[c] = Σ_{n,s} dy

/// Checks a group norm's arguments and returns its block sizes: S values per channel row, CG channels per
/// group, M = CG·S values per (n, g) block. Shared by groupNorm and groupNormSiLU.
func groupNormBlocks(
    _ op: String, _ x: Tensor, _ G: Int, _ weight: Tensor?, _ bias: Tensor?
) -> (N: Int, C: Int, S: Int, CG: Int, M: Int) {
    precondition(x.rank >= 2, "\(op): x must be [N, C, ...], got \(x.shape)")
    let N = x.shape[0], C = x.shape[1]
    precondition(G > 0 && C % G == 0, "\(op): \(C) channels of x \(x.shape) do not split into \(G) groups")
    if let weight { precondition(weight.count == C, "\(op): weight \(weight.shape) for x \(x.shape)") }
    if let bias { precondition(bias.count == C, "\(op): bias \(bias.shape) for x \(x.shape)") }
    let S = N * C == 0 ? 0 : x.count / (N * C)
    return (N, C, S, C / G, (C / G) * S)
}

/// μ and rstd = 1/√(σ² + ε) of one (n, g) block: `CG` contiguous channel rows of `S` values. 16-lane Float
/// sums per row, Double across rows.
@inline(__always)
func groupMoments(_ xb: UnsafePointer<Float>, _ CG: Int, _ S: Int, eps: Float) -> (mean: Float, rstd: Float) {
    let M = CG * S
    var s: Double = 0
    for cl in 0..<CG { s += Double(rowSum(xb + cl * S, S)) }
    let m = Float(s / Double(max(M, 1)))
    var v: Double = 0
    for cl in 0..<CG { v += Double(rowSumSquaredDeviation(xb + cl * S, S, mean: m)) }
    return (m, 1 / (Float(v / Double(max(M, 1))) + eps).squareRoot())
}

/// What a group norm applies after its affine: nothing (groupNorm) or silu (groupNormSiLU).
protocol GroupNormActivation { static func apply(_ z: Float) -> Float }

/// y = z.
enum Affine: GroupNormActivation {
    @inline(__always) static func apply(_ z: Float) -> Float { z }
}

/// The forward pass both group norms share: per (n, g) block the moments, then `y = act(x·scale + shift)`
/// with the affine norm folded into one scale and shift per channel (scale = w[c]·rstd, shift = b[c] − μ·scale).
/// Returns the output and the cached μ and rstd `[N·G]` for backward. The activation is a type, not a closure,
/// so each caller gets a specialised copy whose element loop vectorises (a closure argument left a call per
/// element: `bench ops` groupNorm 131 → 9 GB/s).
func groupNormForward<Act: GroupNormActivation>(
    _ x: Tensor, _ G: Int, _ blocks: (N: Int, C: Int, S: Int, CG: Int, M: Int), _ weight: Tensor?,
    _ bias: Tensor?, eps: Float, _: Act.Type
) -> (out: Storage, mean: Storage, rstd: Storage) {
    let (N, S, CG, M) = (blocks.N, blocks.S, blocks.CG, blocks.M)
    let out = Storage(uninitializedCount: x.count)
    let mean = Storage(uninitializedCount: N * G), rstd = Storage(uninitializedCount: N * G)
    let px = x.storage.pointer, py = out.pointer
    let pw = weight?.storage.pointer, pb = bias?.storage.pointer
    let pm = mean.pointer, pr = rstd.pointer
    parallelFor(N * G) { range in
        for ng in range {
            let xb = px + ng * M, yb = py + ng * M
            let (m, rs) = groupMoments(xb, CG, S, eps: eps)
            pm[ng] = m
            pr[ng] = rs
            let c0 = (ng % G) * CG
            for cl in 0..<CG {
                let scale = (pw?[c0 + cl] ?? 1) * rs, shift = (pb?[c0 + cl] ?? 0) - m * scale
                let xc = xb + cl * S, yc = yb + cl * S
                for i in 0..<S { yc[i] = Act.apply(xc[i] * scale + shift) }
            }
        }
    }
    return (out, mean, rstd)
}

/// Group normalisation of `x` `[N, C, *]` into `groups` groups of channels, with optional affine `[C]`.
///
/// Matches `torch.nn.functional.group_norm`. The statistics are accumulated in Double for stability on the
/// large blocks a U-Net's early levels give (C/G·H·W can reach hundreds of thousands).
public func groupNorm(
    _ x: Tensor, groups G: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5
) -> Tensor {
    let blocks = groupNormBlocks("groupNorm", x, G, weight, bias), (N, C, S, CG, M) = blocks
    let (out, mean, rstd) = groupNormForward(x, G, blocks, weight, bias, eps: eps, Affine.self)
    let px = x.storage.pointer, pw = weight?.storage.pointer
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return Tensor.result("groupNorm", shape: x.shape, storage: out, inputs: inputs) { g in
        let pg = g.storage.pointer
        let pm = mean.pointer, pr = rstd.pointer  // captures the cached statistics
        x.accumulateGrad { dst in
            let pdx = dst.baseAddress!
            parallelFor(N * G) { range in
                for ng in range {
                    let xb = px + ng * M, gb = pg + ng * M, dxb = pdx + ng * M
                    let m = pm[ng], rs = pr[ng], c0 = (ng % G) * CG
                    // mean(ĝ), mean(ĝ·x̂)
                    var a: Double = 0, b: Double = 0
                    for cl in 0..<CG {
                        let w = pw?[c0 + cl] ?? 1
                        let (sa, sb) = rowGradSums(gb + cl * S, xb + cl * S, S, mean: m)
                        a += Double(sa * w)
                        b += Double(sb * w * rs)
                    }
                    let ma = Float(a / Double(max(M, 1))), mb = Float(b / Double(max(M, 1)))
                    for cl in 0..<CG {
                        let w = pw?[c0 + cl] ?? 1
                        let xc = xb + cl * S, gc = gb + cl * S, dxc = dxb + cl * S
                        for i in 0..<S {
                            let xh = (xc[i] - m) * rs
                            dxc[i] += rs * (gc[i] * w - ma - xh * mb)
                        }
                    }
                }
            }
        }
        weight?.accumulateGrad { dst in
            parallelFor(C) { chans in
                for c in chans {
                    var s: Float = 0
                    for n in 0..<N {
                        let ng = n * G + c / CG
                        let dot = rowGradSums(pg + (n * C + c) * S, px + (n * C + c) * S, S, mean: pm[ng]).dot
                        s += dot * pr[ng]
                    }
                    dst[c] += s
                }
            }
        }
        bias?.accumulateGrad { dst in
            parallelFor(C) { chans in
                for c in chans {
                    var s: Float = 0
                    for n in 0..<N { s += rowSum(pg + (n * C + c) * S, S) }
                    dst[c] += s
                }
            }
        }
    }
}
