// Tensor+Haar: the one-level 2-D Haar wavelet transform and its inverse, as Arroz Con Cosas' VQModel uses them.

// MARK: - haarDWT
// For each 2×2 block  a = x[2i, 2j], b = x[2i, 2j+1], c = x[2i+1, 2j], d = x[2i+1, 2j+1]:
//   LL = (a + b + c + d)/2   H1 = (a + b − c − d)/2   H2 = (a − b + c − d)/2   H3 = (a − b − c + d)/2
// y = [LL (C channels), H1 (C), H2 (C), H3 (C)] at H/2 × W/2. The 4×4 mix M = ½·Hadamard is symmetric and
// orthogonal (M = Mᵀ = M⁻¹), so the backward of the forward is the inverse and vice versa.

/// Arroz's `Waveletify`: `pytorch_wavelets.DWTForward(J=1, wave='db1', mode='reflect')` on `[N, C, H, W]`,
/// its low band and three high bands concatenated band-major along channels → `[N, 4C, H/2, W/2]`.
///
/// Checked against pytorch_wavelets 1.3.0 (`Tests/Fixtures/fixtures_latent.py`): on a 2×2 block
/// [[1, 2], [3, 5]] it gives LL 5.5, bands −2.5, −1.5, 0.5. H and W must be even (reflect padding is then a
/// no-op, as in the seed's images).
public func haarDWT(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4, "haarDWT: x \(x.shape) must be [N, C, H, W]")
    let (N, C, H, W) = x.shape4
    precondition(H % 2 == 0 && W % 2 == 0, "haarDWT: height and width of \(x.shape) must be even")
    let out = Storage(uninitializedCount: x.count)
    haarForward(x.storage.pointer, out.pointer, N: N, C: C, h: H / 2, w: W / 2, accumulate: false)
    return Tensor.result("haarDWT", shape: [N, 4 * C, H / 2, W / 2], storage: out, inputs: [x]) { g in
        x.accumulateGrad { dx in
            haarInverse(g.storage.pointer, dx.baseAddress!, N: N, C: C, h: H / 2, w: W / 2, accumulate: true)
        }
    }
}

/// Arroz's `Unwaveletify`: `DWTInverse(wave='db1')` of `[N, 4C, h, w]` split into LL, H1, H2, H3 (chunks of C
/// channels) → `[N, C, 2h, 2w]`. The exact inverse of ``haarDWT(_:)``.
public func haarIDWT(_ y: Tensor) -> Tensor {
    precondition(y.rank == 4 && y.shape[1] % 4 == 0, "haarIDWT: y \(y.shape) must be [N, 4C, h, w]")
    let (N, C4, h, w) = y.shape4
    let C = C4 / 4
    let out = Storage(uninitializedCount: y.count)
    haarInverse(y.storage.pointer, out.pointer, N: N, C: C, h: h, w: w, accumulate: false)
    return Tensor.result("haarIDWT", shape: [N, C, 2 * h, 2 * w], storage: out, inputs: [y]) { g in
        y.accumulateGrad { dy in
            haarForward(g.storage.pointer, dy.baseAddress!, N: N, C: C, h: h, w: w, accumulate: true)
        }
    }
}

/// x `[N, C, 2h, 2w]` → y `[N, 4C, h, w]` (y += when accumulating).
private func haarForward(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, N: Int, C: Int, h: Int, w: Int,
    accumulate: Bool
) {
    let plane = h * w, W = 2 * w
    parallelFor(N * C, grain: Swift.max(1, 4096 / Swift.max(plane, 1))) { range in
        for nc in range {
            let n = nc / C, c = nc % C
            let src = x + nc * 4 * plane
            let band = y + (n * 4 * C + c) * plane  // band k at + k·C·plane
            for i in 0..<h {
                for j in 0..<w {
                    let a = src[2 * i * W + 2 * j], b = src[2 * i * W + 2 * j + 1]
                    let cc = src[(2 * i + 1) * W + 2 * j], d = src[(2 * i + 1) * W + 2 * j + 1]
                    let o = i * w + j
                    let v0 = 0.5 * ((a + b) + (cc + d)), v1 = 0.5 * ((a + b) - (cc + d))
                    let v2 = 0.5 * ((a - b) + (cc - d)), v3 = 0.5 * ((a - b) - (cc - d))
                    if accumulate {
                        band[o] += v0; band[C * plane + o] += v1
                        band[2 * C * plane + o] += v2; band[3 * C * plane + o] += v3
                    } else {
                        band[o] = v0; band[C * plane + o] = v1
                        band[2 * C * plane + o] = v2; band[3 * C * plane + o] = v3
                    }
                }
            }
        }
    }
}

/// y `[N, 4C, h, w]` → x `[N, C, 2h, 2w]` (x += when accumulating).
private func haarInverse(
    _ y: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>, N: Int, C: Int, h: Int, w: Int,
    accumulate: Bool
) {
    let plane = h * w, W = 2 * w
    parallelFor(N * C, grain: Swift.max(1, 4096 / Swift.max(plane, 1))) { range in
        for nc in range {
            let n = nc / C, c = nc % C
            let dst = x + nc * 4 * plane
            let band = y + (n * 4 * C + c) * plane
            for i in 0..<h {
                for j in 0..<w {
                    let o = i * w + j
                    let l = band[o], h1 = band[C * plane + o]
                    let h2 = band[2 * C * plane + o], h3 = band[3 * C * plane + o]
                    let a = 0.5 * ((l + h1) + (h2 + h3)), b = 0.5 * ((l + h1) - (h2 + h3))
                    let cc = 0.5 * ((l - h1) + (h2 - h3)), d = 0.5 * ((l - h1) - (h2 - h3))
                    let p0 = 2 * i * W + 2 * j, p1 = (2 * i + 1) * W + 2 * j
                    if accumulate {
                        dst[p0] += a; dst[p0 + 1] += b; dst[p1] += cc; dst[p1 + 1] += d
                    } else {
                        dst[p0] = a; dst[p0 + 1] = b; dst[p1] = cc; dst[p1 + 1] = d
                    }
                }
            }
        }
    }
}
