// GroupNormSiLU: silu(groupNorm(x)) as one forward/backward pair — the "norm, then activation" of every
// ResBlock in a diffusion U-Net, without the intermediate tensor and its two extra passes over memory.
//
// Matches `F.silu(F.group_norm(x, groups, weight, bias, eps))` (the composition of Tensor+GroupNorm.swift and
// Tensor.silu()); the normalised values are recomputed in backward from the cached mean and 1/std.

// MARK: - groupNormSiLU
// Per (n, g) block of M = (C/G)·S values, as in groupNorm:
//   μ, rstd = 1/√(σ² + ε)     x̂ = (x − μ)·rstd     z = x̂·w[c] + b[c]     y = z·σ(z)
// Backward: dz = dy·σ(z)·(1 + z·(1 − σ(z))), then groupNorm's backward with ĝ = dz·w[c]:
//   dx = rstd · (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))       (means over the block)
//   dw[c] = Σ_{n,s} dz·x̂      db[c] = Σ_{n,s} dz
// mean(ĝ) = Σ_c w[c]·Σ_s dz / M and mean(ĝ·x̂) = Σ_c w[c]·rstd·Σ_s dz·(x − μ) / M come from per-(n, c)
// sums.

/// `silu(groupNorm(x, groups:, weight:, bias:, eps:))` for `x` `[N, C, *]` in one pass each way.
///
/// Matches `torch.nn.functional.silu(torch.nn.functional.group_norm(x, G, weight, bias, eps))`.
public func groupNormSiLU(
    _ x: Tensor, groups G: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5
) -> Tensor {
    let blocks = groupNormBlocks("groupNormSiLU", x, G, weight, bias), (N, C, S, CG, M) = blocks
    let (out, mean, rstd) = groupNormForward(x, G, blocks, weight, bias, eps: eps, AffineSiLU.self)
    let px = x.storage.pointer, pw = weight?.storage.pointer, pb = bias?.storage.pointer
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return Tensor.result("groupNormSiLU", shape: x.shape, storage: out, inputs: inputs) { g in
        let pg = g.storage.pointer
        let pm = mean.pointer, pr = rstd.pointer  // captures the cached statistics' storage
        // dz for every element, and per-(n, c) Σ dz and Σ dz·(x − μ).
        let dz = Storage(uninitializedCount: x.count)
        let sums = Storage(uninitializedCount: 2 * N * C)
        let pdz = dz.pointer, sumDz = sums.pointer, sumDzX = sums.pointer + N * C
        parallelFor(N * C, grain: max(1, 4096 / max(S, 1))) { rows in
            for row in rows {
                let ng = (row / C) * G + (row % C) / CG, c = row % C
                let m = pm[ng], rs = pr[ng]
                let scale = (pw?[c] ?? 1) * rs, shift = (pb?[c] ?? 0) - m * scale
                let xc = px + row * S, gc = pg + row * S, dc = pdz + row * S
                for i in 0..<S {
                    let z = xc[i] * scale + shift
                    let sg = fastSigmoid(z)
                    dc[i] = gc[i] * sg * (1 + z * (1 - sg))
                }
                let (sd, sdx) = rowGradSums(dc, xc, S, mean: m)
                sumDz[row] = sd
                sumDzX[row] = sdx
            }
        }
        x.writeGrad { pdx, accumulate in
            parallelFor(N * G) { range in
                for ng in range {
                    let n = ng / G, c0 = (ng % G) * CG
                    let m = pm[ng], rs = pr[ng]
                    var a: Double = 0, b: Double = 0
                    for cl in 0..<CG {
                        let w = Double(pw?[c0 + cl] ?? 1)
                        a += w * Double(sumDz[n * C + c0 + cl])
                        b += w * Double(sumDzX[n * C + c0 + cl]) * Double(rs)
                    }
                    let ma = Float(a / Double(max(M, 1))), mb = Float(b / Double(max(M, 1)))
                    for cl in 0..<CG {
                        let w = pw?[c0 + cl] ?? 1
                        let off = ng * M + cl * S
                        let xc = px + off, dc = pdz + off, dxc = pdx + off
                        // dx = rstd·(dz·w − mean(ĝ) − x̂·mean(ĝ·x̂)),  x̂ = (x − μ)·rstd
                        let k = rs * w, k0 = -rs * ma + rs * rs * mb * m, k1 = -rs * rs * mb
                        if accumulate {
                            for i in 0..<S { dxc[i] += k * dc[i] + k1 * xc[i] + k0 }
                        } else {
                            for i in 0..<S { dxc[i] = k * dc[i] + k1 * xc[i] + k0 }
                        }
                    }
                }
            }
        }
        weight?.accumulateGrad { dst in
            for c in 0..<C {
                var s: Float = 0
                for n in 0..<N { s += sumDzX[n * C + c] * pr[n * G + c / CG] }
                dst[c] += s
            }
        }
        bias?.accumulateGrad { dst in
            for c in 0..<C {
                var s: Float = 0
                for n in 0..<N { s += sumDz[n * C + c] }
                dst[c] += s
            }
        }
    }
}

/// y = z·σ(z).
enum AffineSiLU: GroupNormActivation {
    @inline(__always) static func apply(_ z: Float) -> Float { z * fastSigmoid(z) }
}
