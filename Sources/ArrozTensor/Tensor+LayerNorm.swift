// LayerNorm over the last axis: fused forward/backward, caching mean and 1/std per row (llm.c's shape).
//
// Matches PyTorch `F.layer_norm(x, (D,), weight, bias, eps)`: biased variance, eps inside the square root.

// MARK: - layerNorm
// Per row r of D values:
//   μ = Σx/D        σ² = Σ(x−μ)²/D        rstd = 1/√(σ²+ε)
//   x̂ = (x−μ)·rstd  y = x̂·w + b          (w = 1, b = 0 without affine)
// Backward, with ĝ = dy·w:
//   dx = rstd · (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))
//   dw = Σ_rows dy·x̂     db = Σ_rows dy

/// Layer normalisation over the last axis of `x` `[..., D]`, with optional affine `weight`/`bias` `[D]`.
///
/// Matches `torch.nn.functional.layer_norm` with `normalized_shape = (D,)`.
public func layerNorm(_ x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) -> Tensor {
    precondition(x.rank >= 1, "layerNorm: x must have rank ≥ 1, got \(x.shape)")
    let D = x.shape[x.rank - 1]
    let rows = D == 0 ? 0 : x.count / D
    if let weight { precondition(weight.count == D, "layerNorm: weight \(weight.shape) for x \(x.shape)") }
    if let bias { precondition(bias.count == D, "layerNorm: bias \(bias.shape) for x \(x.shape)") }
    let out = Storage(uninitializedCount: x.count)
    // Without a backward to come (inference, frozen encoders) the per-row statistics are not kept.
    let keep = GradMode.isEnabled && [x, weight, bias].contains { $0?.requiresGrad == true }
    let kept = keep ? rows : 0
    let mean = Storage(uninitializedCount: kept), rstd = Storage(uninitializedCount: kept)
    let px = x.storage.pointer, py = out.pointer
    let pw = weight?.storage.pointer, pb = bias?.storage.pointer
    let pm = mean.pointer, pr = rstd.pointer
    parallelFor(rows, grain: max(1, 4096 / max(D, 1))) { range in
        for r in range {
            let xr = px + r * D, yr = py + r * D
            let m = rowSum(xr, D) / Float(D)
            let rs = 1 / (rowSumSquaredDeviation(xr, D, mean: m) / Float(D) + eps).squareRoot()
            if keep {
                pm[r] = m
                pr[r] = rs
            }
            switch (pw, pb) {
            case let (w?, b?): for j in 0..<D { yr[j] = (xr[j] - m) * rs * w[j] + b[j] }
            case let (w?, nil): for j in 0..<D { yr[j] = (xr[j] - m) * rs * w[j] }
            case let (nil, b?): for j in 0..<D { yr[j] = (xr[j] - m) * rs + b[j] }
            case (nil, nil): for j in 0..<D { yr[j] = (xr[j] - m) * rs }
            }
        }
    }
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return Tensor.result("layerNorm", shape: x.shape, storage: out, inputs: inputs) { g in
        let pg = g.storage.pointer
        let pm = mean.pointer, pr = rstd.pointer  // captures the cached statistics
        let needW = weight?.requiresGrad == true, needB = bias?.requiresGrad == true
        // One pass over the rows (dy and x read once): dx, and per-worker partial sums of dy·x̂ and dy for
        // dw and db, added up afterwards (so no two threads write the same element).
        let workers = min(Threads.count, max(1, rows * D / 16384))
        let partials = Storage(count: (needW || needB) ? workers * 2 * D : 0)
        let pp = partials.pointer
        func pass(_ pdx: UnsafeMutablePointer<Float>?) {
            parallelFor(workers) { ws in
                for wk in ws {
                    let dwp = pp + wk * 2 * D, dbp = dwp + D
                    for r in (rows * wk / workers)..<(rows * (wk + 1) / workers) {
                        layerNormBackwardRow(
                            x: px + r * D, dy: pg + r * D, D: D, mean: pm[r], rstd: pr[r], weight: pw,
                            dx: pdx.map { $0 + r * D }, dw: needW ? dwp : nil, db: needB ? dbp : nil)
                    }
                }
            }
        }
        if x.requiresGrad {
            x.accumulateGrad { pass($0.baseAddress!) }
        } else if needW || needB {
            pass(nil)
        }
        weight?.accumulateGrad { dst in
            for wk in 0..<workers { for j in 0..<D { dst[j] += pp[wk * 2 * D + j] } }
        }
        bias?.accumulateGrad { dst in
            for wk in 0..<workers { for j in 0..<D { dst[j] += pp[wk * 2 * D + D + j] } }
        }
        withExtendedLifetime(partials) {}
    }
}

/// One row of layerNorm's backward: with x̂ = (x − μ)·rstd and ĝ = dy·w,
///   dx += rstd · (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),   dw += dy·x̂,   db += dy
/// (each output optional). Two sweeps over the row, which stays in L1 between them.
@inline(__always)
func layerNormBackwardRow(
    x: UnsafePointer<Float>, dy: UnsafePointer<Float>, D: Int, mean m: Float, rstd rs: Float,
    weight w: UnsafePointer<Float>?, dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?,
    db: UnsafeMutablePointer<Float>?
) {
    // The sums in SIMD8 lanes (a scalar float reduction would not vectorise), dw and db alongside.
    var sg = SIMD8<Float>(), sgx = SIMD8<Float>()
    let vm = SIMD8<Float>(repeating: m), vrs = SIMD8<Float>(repeating: rs)
    var j = 0
    while j + 8 <= D {
        let xv = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
        let g = UnsafeRawPointer(dy + j).loadUnaligned(as: SIMD8<Float>.self)
        let xh = (xv - vm) * vrs
        let gh = w.map { g * UnsafeRawPointer($0 + j).loadUnaligned(as: SIMD8<Float>.self) } ?? g
        sg += gh
        sgx += gh * xh
        if let dw { store(UnsafeRawPointer(dw + j).loadUnaligned(as: SIMD8<Float>.self) + g * xh, dw + j) }
        if let db { store(UnsafeRawPointer(db + j).loadUnaligned(as: SIMD8<Float>.self) + g, db + j) }
        j += 8
    }
    var sumG = sg.sum(), sumGX = sgx.sum()
    while j < D {
        let xh = (x[j] - m) * rs, gh = dy[j] * (w?[j] ?? 1)
        sumG += gh
        sumGX += gh * xh
        dw?[j] += dy[j] * xh
        db?[j] += dy[j]
        j += 1
    }
    guard let dx else { return }
    let a = sumG / Float(D), b = sumGX / Float(D)
    if let w {
        for j in 0..<D { dx[j] += rs * (dy[j] * w[j] - a - (x[j] - m) * rs * b) }
    } else {
        for j in 0..<D { dx[j] += rs * (dy[j] - a - (x[j] - m) * rs * b) }
    }
}

// MARK: - layerNorm2d
// At each pixel p of image n in NCHW, over the C channel values x[n, :, p] (stride H·W apart):
//   μ = Σ_c x/C   σ² = Σ_c (x−μ)²/C   rstd = 1/√(σ²+ε)   y = x̂·w[c] + b[c]
// Backward as layerNorm, with the means taken over channels at each pixel:
//   dx = rstd · (ĝ − mean_c(ĝ) − x̂·mean_c(ĝ·x̂)),  ĝ = dy·w[c]
//   dw[c] = Σ_{n,p} dy·x̂     db[c] = Σ_{n,p} dy
// Loops run channel-outer, pixel-inner so the inner loop is contiguous.

/// Layer normalisation over the channels at each pixel of NCHW `x`, with optional affine `[C]` parameters.
///
/// Matches Arroz-Con-Cosas / Paella `LayerNorm2d` (`x.permute(0,2,3,1)` → `nn.LayerNorm(C)` → permute back),
/// done in place of the two permutes.
public func layerNorm2d(_ x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) -> Tensor
{
    precondition(x.rank >= 2, "layerNorm2d: x must be [N, C, ...], got \(x.shape)")
    let N = x.shape[0], C = x.shape[1]
    let P = C == 0 || N == 0 ? 0 : x.count / (N * C)
    if let weight { precondition(weight.count == C, "layerNorm2d: weight \(weight.shape) for x \(x.shape)") }
    if let bias { precondition(bias.count == C, "layerNorm2d: bias \(bias.shape) for x \(x.shape)") }
    let out = Storage(uninitializedCount: x.count)
    let mean = Storage(uninitializedCount: N * P), rstd = Storage(uninitializedCount: N * P)
    let px = x.storage.pointer, py = out.pointer
    let pw = weight?.storage.pointer, pb = bias?.storage.pointer
    let pm = mean.pointer, pr = rstd.pointer
    // Work items: (image, block of up to 256 pixels).
    let blocks = (P + 255) / 256
    parallelFor(N * blocks) { range in
        for item in range {
            let n = item / blocks, p0 = (item % blocks) * 256, p1 = min(P, p0 + 256)
            let xn = px + n * C * P, yn = py + n * C * P
            let m = pm + n * P, rs = pr + n * P
            for p in p0..<p1 { m[p] = 0; rs[p] = 0 }
            for c in 0..<C {
                let xc = xn + c * P
                for p in p0..<p1 { m[p] += xc[p] }
            }
            for p in p0..<p1 { m[p] /= Float(C) }
            for c in 0..<C {
                let xc = xn + c * P
                for p in p0..<p1 {
                    let d = xc[p] - m[p]
                    rs[p] += d * d
                }
            }
            for p in p0..<p1 { rs[p] = 1 / (rs[p] / Float(C) + eps).squareRoot() }
            for c in 0..<C {
                let xc = xn + c * P, yc = yn + c * P
                let w = pw?[c] ?? 1, b = pb?[c] ?? 0
                for p in p0..<p1 { yc[p] = (xc[p] - m[p]) * rs[p] * w + b }
            }
        }
    }
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return Tensor.result("layerNorm2d", shape: x.shape, storage: out, inputs: inputs) { g in
        let pg = g.storage.pointer
        let pm = mean.pointer, pr = rstd.pointer  // captures the cached statistics
        // One pass per (image, pixel block): per-pixel means for dx, and per-channel partial sums of dy·x̂
        // and dy for dw and db (summed over blocks afterwards, so no two threads write the same element).
        let items = N * blocks
        let needParams = weight?.requiresGrad == true || bias?.requiresGrad == true
        let partials = Storage(count: needParams ? 2 * items * C : 0)
        let pdw = partials.pointer, pdb = partials.pointer + items * C
        func pass(_ pdx: UnsafeMutablePointer<Float>?) {
            parallelFor(items) { range in
                var a = [Float](repeating: 0, count: 256), b = [Float](repeating: 0, count: 256)
                var gx = [Float](repeating: 0, count: 256)
                for item in range {
                    let n = item / blocks, p0 = (item % blocks) * 256, p1 = min(P, p0 + 256), len = p1 - p0
                    let xn = px + n * C * P + p0, gn = pg + n * C * P + p0
                    let m = pm + n * P + p0, rs = pr + n * P + p0
                    for i in 0..<len { a[i] = 0; b[i] = 0 }
                    for c in 0..<C {
                        let xc = xn + c * P, gc = gn + c * P
                        let w = pw?[c] ?? 1
                        // gx = dy·x̂; a += ĝ, b += ĝ·x̂ (ĝ = dy·w), all elementwise over the block
                        for i in 0..<len {
                            let t = gc[i] * (xc[i] - m[i]) * rs[i]
                            gx[i] = t
                            a[i] += gc[i] * w
                            b[i] += t * w
                        }
                        if needParams {
                            pdw[item * C + c] = gx.withUnsafeBufferPointer { rowSum($0.baseAddress!, len) }
                            pdb[item * C + c] = rowSum(gc, len)
                        }
                    }
                    guard let pdx else { continue }
                    for i in 0..<len { a[i] /= Float(C); b[i] /= Float(C) }
                    let dxn = pdx + n * C * P + p0
                    for c in 0..<C {
                        let xc = xn + c * P, gc = gn + c * P, dxc = dxn + c * P
                        let w = pw?[c] ?? 1
                        for i in 0..<len {
                            let xh = (xc[i] - m[i]) * rs[i]
                            dxc[i] += rs[i] * (gc[i] * w - a[i] - xh * b[i])
                        }
                    }
                }
            }
        }
        if x.requiresGrad {
            x.accumulateGrad { pass($0.baseAddress!) }
        } else if needParams {
            pass(nil)
        }
        weight?.accumulateGrad { dst in
            for item in 0..<items { for c in 0..<C { dst[c] += pdw[item * C + c] } }
        }
        bias?.accumulateGrad { dst in
            for item in 0..<items { for c in 0..<C { dst[c] += pdb[item * C + c] } }
        }
        withExtendedLifetime(partials) {}
    }
}
