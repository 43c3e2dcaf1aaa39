// GRN: ConvNeXt-V2's global response normalisation as Paella v3 uses it, a fused forward/backward pair.
//
// Matches Paella v3 `GlobalResponseNorm.forward` (from facebookresearch/ConvNeXt-V2 `models/utils.py`), which
// runs on channels-last x [N, H, W, C]:
//   Gx = torch.norm(x, p=2, dim=(1, 2), keepdim=True); Nx = Gx / (Gx.mean(dim=-1, keepdim=True) + 1e-6)
//   return gamma * (x * Nx) + beta + x
// Here the same maths runs on NCHW (default) or channels-last NHWC (`channelsLast: true`).

// MARK: - grn
// Per image n, channel c, over the P = H·W pixels:
//   G[c] = √(Σ_p x²)    Ḡ = mean_c G    Nx[c] = G[c] / (Ḡ + 1e-6)
//   y = γ[c]·x·Nx[c] + β[c] + x
// Backward:
//   dx  = dy·(γ[c]·Nx[c] + 1) + dG[c]·x/G[c]          (the last term 0 where G[c] = 0, as torch.norm)
//   dNx[c] = γ[c]·Σ_p dy·x
//   dG[c]  = dNx[c]/(Ḡ+1e-6) − (Σ_c' dNx[c']·G[c']) / ((Ḡ+1e-6)²·C)
//   dγ[c] = Σ_{n,p} dy·x·Nx[c]     dβ[c] = Σ_{n,p} dy

/// Global response normalisation of `x` (`[N, C, H, W]`, or `[N, H, W, C]` with `channelsLast`) with
/// per-channel `gamma` and `beta` of C elements (any shape, e.g. Paella's `[1, 1, 1, C]`).
public func grn(_ x: Tensor, gamma: Tensor, beta: Tensor, channelsLast: Bool = false) -> Tensor {
    let op = "grn"
    precondition(x.rank >= 3, "\(op): x must be [N, C, H, W] or [N, H, W, C], got \(x.shape)")
    let N = x.shape[0], C = channelsLast ? x.shape[x.rank - 1] : x.shape[1]
    let P = N * C == 0 ? 0 : x.count / (N * C)
    precondition(
        gamma.count == C && beta.count == C,
        "\(op): gamma \(gamma.shape), beta \(beta.shape) for \(C) channels of x \(x.shape)")
    // Element (n, c, p) sits at n·C·P + c·cs + p·ps.
    let cs = channelsLast ? 1 : P, ps = channelsLast ? C : 1
    let px = x.storage.pointer, pgam = gamma.storage.pointer, pbet = beta.storage.pointer
    let norms = Storage(uninitializedCount: N * C), scaled = Storage(uninitializedCount: N * C)
    let pG = norms.pointer, pN = scaled.pointer
    let out = Storage(uninitializedCount: x.count)
    let py = out.pointer
    parallelFor(N) { images in
        for n in images {
            let xn = px + n * C * P, G = pG + n * C, Nx = pN + n * C
            if channelsLast {
                sumOverPixels(C, P, cs, ps, into: G) { i in xn[i] * xn[i] }
            } else {
                for c in 0..<C { G[c] = rowSumSquaredDeviation(xn + c * P, P, mean: 0) }
            }
            var mean: Float = 0
            for c in 0..<C {
                G[c] = G[c].squareRoot()
                mean += G[c]
            }
            let denom = mean / Float(C) + 1e-6
            for c in 0..<C { Nx[c] = G[c] / denom }
            let yn = py + n * C * P
            forEachElement(C, P, cs, ps) { c, i in yn[i] = pgam[c] * xn[i] * Nx[c] + pbet[c] + xn[i] }
        }
    }
    return Tensor.result(op, shape: x.shape, storage: out, inputs: [x, gamma, beta]) { g in
        let pg = g.storage.pointer
        let pG = norms.pointer, pN = scaled.pointer  // captures the cached norms
        // Per (n, c): Σ_p dy and Σ_p dy·x.
        let sums = Storage(uninitializedCount: 2 * N * C)
        let sdy = sums.pointer, sdyx = sums.pointer + N * C
        parallelFor(N) { images in
            for n in images {
                let xn = px + n * C * P, gn = pg + n * C * P
                if channelsLast {
                    sumOverPixels(C, P, cs, ps, into: sdy + n * C) { i in gn[i] }
                    sumOverPixels(C, P, cs, ps, into: sdyx + n * C) { i in gn[i] * xn[i] }
                } else {
                    for c in 0..<C {
                        (sdy[n * C + c], sdyx[n * C + c]) = rowGradSums(gn + c * P, xn + c * P, P, mean: 0)
                    }
                }
            }
        }
        beta.accumulateGrad { dst in
            for n in 0..<N { for c in 0..<C { dst[c] += sdy[n * C + c] } }
        }
        gamma.accumulateGrad { dst in
            for n in 0..<N { for c in 0..<C { dst[c] += sdyx[n * C + c] * pN[n * C + c] } }
        }
        x.accumulateGrad { dst in
            let pdx = dst.baseAddress!
            parallelFor(N) { images in
                var dG = [Float](repeating: 0, count: C)
                for n in images {
                    let xn = px + n * C * P, gn = pg + n * C * P, dxn = pdx + n * C * P
                    let G = pG + n * C, Nx = pN + n * C
                    var mean: Float = 0
                    for c in 0..<C { mean += G[c] }
                    let denom = mean / Float(C) + 1e-6
                    // dNx[c] = γ·Σ dy·x, then dG and the coefficient dG/G that multiplies x.
                    var cross: Float = 0
                    for c in 0..<C { cross += pgam[c] * sdyx[n * C + c] * G[c] }
                    for c in 0..<C {
                        let dNx = pgam[c] * sdyx[n * C + c]
                        let dGc = dNx / denom - cross / (denom * denom * Float(C))
                        dG[c] = G[c] > 0 ? dGc / G[c] : 0
                    }
                    forEachElement(C, P, cs, ps) { c, i in
                        dxn[i] += gn[i] * (pgam[c] * Nx[c] + 1) + dG[c] * xn[i]
                    }
                }
            }
        }
        withExtendedLifetime(sums) {}
    }
}

/// `out[c] = Σ_p f(p·C + c)` for one channels-last image, pixel-outer so the inner loop is contiguous.
/// (NCHW rows use the 16-lane row reductions instead.)
@inline(__always)
private func sumOverPixels(
    _ C: Int, _ P: Int, _ cs: Int, _ ps: Int, into out: UnsafeMutablePointer<Float>, _ f: (Int) -> Float
) {
    out.update(repeating: 0, count: C)
    for p in 0..<P {
        for c in 0..<C { out[c] += f(p * ps + c * cs) }
    }
}

/// Calls `body(c, offset)` for every element of one image, walking memory in order for either layout.
@inline(__always)
private func forEachElement(_ C: Int, _ P: Int, _ cs: Int, _ ps: Int, _ body: (Int, Int) -> Void) {
    if cs == 1 {
        for p in 0..<P {
            for c in 0..<C { body(c, p * ps + c) }
        }
    } else {
        for c in 0..<C {
            for p in 0..<P { body(c, c * cs + p) }
        }
    }
}
