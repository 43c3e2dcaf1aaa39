// DirectConv: a direct (no im2col) kernel for convolutions with few channels per group — depthwise
// (groups = C) and Paella v3's grouped 2-in-1-out — where the per-group sgemms would be far too thin.

/// Direct loops over output planes: each tap `(ci, ky, kx)` adds a shifted, scaled row of the input to a row
/// of the output. Stride-1 rows are contiguous, so the inner loops vectorise. Same sums as `ConvBackend`.
enum DirectConv {
    /// Grouped convolutions whose groups are this small go direct.
    static func suits(_ g: ConvGeometry) -> Bool {
        g.groups > 1 && g.inPerGroup <= 4 && g.outPerGroup <= 8
    }

    /// Output columns `ox` whose tap `kx` lands inside the image: ox·sw − pl + kx ∈ [0, W).
    @inline(__always)
    static func validColumns(_ g: ConvGeometry, kx: Int) -> Range<Int> {
        let lo = min(g.outWidth, max(0, (g.padLeft - kx + g.strideW - 1) / g.strideW))
        let hi = max(lo, min(g.outWidth, floorDiv(g.inWidth - 1 + g.padLeft - kx, g.strideW) + 1))
        return lo..<hi
    }

    // y[n,co,oy,ox] = b[co] + Σ_{ci<Cin_g, ky, kx} w[co,ci,ky,kx] · x[n, grp·Cin_g+ci, oy·sh−pt+ky,
    // ox·sw−pl+kx]
    /// Stride 1 runs on zero-bordered copies (`DirectConvStride1.swift`); `general` forces the loops below.
    static func forward(
        _ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, general: Bool = false
    ) {
        if !general && Depthwise3x3.suits(g) {
            Depthwise3x3.forward(g, input: input, weight: weight, bias: bias, output: output)
            return
        }
        if g.strideH == 1 && g.strideW == 1 && !general {
            forwardStride1(g, input: input, weight: weight, bias: bias, output: output)
            return
        }
        let (kh, kw, sh, sw) = (g.kernelHeight, g.kernelWidth, g.strideH, g.strideW)
        let (W, Wo) = (g.inWidth, g.outWidth)
        parallelFor(g.batch * g.outChannels, grain: max(1, 4096 / max(g.outPlane * g.patchSize, 1))) {
            range in
            for t in range {
                let n = t / g.outChannels, co = t % g.outChannels, grp = co / g.outPerGroup
                let y = output + t * g.outPlane
                y.update(repeating: bias?[co] ?? 0, count: g.outPlane)
                for ci in 0..<g.inPerGroup {
                    let x = input + (n * g.inChannels + grp * g.inPerGroup + ci) * g.inPlane
                    for ky in 0..<kh {
                        for kx in 0..<kw {
                            let w = weight[((co * g.inPerGroup + ci) * kh + ky) * kw + kx]
                            let cols = validColumns(g, kx: kx)
                            for oy in 0..<g.outHeight {
                                let iy = oy * sh - g.padTop + ky
                                if iy < 0 || iy >= g.inHeight { continue }
                                let s = x + iy * W - g.padLeft + kx, d = y + oy * Wo
                                if sw == 1 {
                                    for ox in cols { d[ox] += w * s[ox] }
                                } else {
                                    for ox in cols { d[ox] += w * s[ox * sw] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // dx[n,ci,iy,ix] = Σ_{co∈group, ky, kx, (oy,ox) reading (iy,ix)} w[co, ci_local, ky, kx] · dy[n,co,oy,ox]
    static func backwardInput(
        _ g: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>, accumulate: Bool, general: Bool = false
    ) {
        if !general && Depthwise3x3.suits(g) {
            Depthwise3x3.backwardInput(
                g, gradOutput: gradOutput, weight: weight, gradInput: gradInput, accumulate: accumulate)
            return
        }
        if g.strideH == 1 && g.strideW == 1 && !general {
            backwardInputStride1(
                g, gradOutput: gradOutput, weight: weight, gradInput: gradInput,
                accumulate: accumulate)
            return
        }
        let (kh, kw, sh, sw) = (g.kernelHeight, g.kernelWidth, g.strideH, g.strideW)
        let (W, Wo) = (g.inWidth, g.outWidth)
        parallelFor(g.batch * g.inChannels, grain: max(1, 4096 / max(g.outPlane * g.patchSize, 1))) { range in
            for t in range {
                let n = t / g.inChannels, c = t % g.inChannels
                let grp = c / g.inPerGroup, ci = c % g.inPerGroup
                let dx = gradInput + t * g.inPlane
                if !accumulate { dx.update(repeating: 0, count: g.inPlane) }
                for j in 0..<g.outPerGroup {
                    let co = grp * g.outPerGroup + j
                    let dy = gradOutput + (n * g.outChannels + co) * g.outPlane
                    for ky in 0..<kh {
                        for kx in 0..<kw {
                            let w = weight[((co * g.inPerGroup + ci) * kh + ky) * kw + kx]
                            let cols = validColumns(g, kx: kx)
                            for oy in 0..<g.outHeight {
                                let iy = oy * sh - g.padTop + ky
                                if iy < 0 || iy >= g.inHeight { continue }
                                let d = dx + iy * W - g.padLeft + kx, s = dy + oy * Wo
                                if sw == 1 {
                                    for ox in cols { d[ox] += w * s[ox] }
                                } else {
                                    for ox in cols { d[ox * sw] += w * s[ox] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // dw[co,ci,ky,kx] = Σ_{n,oy,ox} dy[n,co,oy,ox] · x[n, grp·Cin_g+ci, oy·sh−pt+ky, ox·sw−pl+kx]
    static func backwardWeight(
        _ g: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        gradWeight: UnsafeMutablePointer<Float>, accumulate: Bool, general: Bool = false
    ) {
        if !general && Depthwise3x3.suits(g) {
            Depthwise3x3.backwardWeight(
                g, input: input, gradOutput: gradOutput, gradWeight: gradWeight, accumulate: accumulate)
            return
        }
        if g.strideH == 1 && g.strideW == 1 && !general {
            backwardWeightStride1(
                g, input: input, gradOutput: gradOutput, gradWeight: gradWeight,
                accumulate: accumulate)
            return
        }
        let (kh, kw, sh, sw) = (g.kernelHeight, g.kernelWidth, g.strideH, g.strideW)
        let (W, Wo) = (g.inWidth, g.outWidth)
        parallelFor(g.outChannels, grain: max(1, 4096 / max(g.batch * g.outPlane * g.patchSize, 1))) {
            range in
            for co in range {
                let grp = co / g.outPerGroup
                for ci in 0..<g.inPerGroup {
                    for ky in 0..<kh {
                        for kx in 0..<kw {
                            let cols = validColumns(g, kx: kx)
                            var total: Double = 0
                            for n in 0..<g.batch {
                                let x = input + (n * g.inChannels + grp * g.inPerGroup + ci) * g.inPlane
                                let dy = gradOutput + (n * g.outChannels + co) * g.outPlane
                                var acc: Float = 0
                                for oy in 0..<g.outHeight {
                                    let iy = oy * sh - g.padTop + ky
                                    if iy < 0 || iy >= g.inHeight { continue }
                                    let s = x + iy * W - g.padLeft + kx, d = dy + oy * Wo
                                    if sw == 1 {
                                        for ox in cols { acc += d[ox] * s[ox] }
                                    } else {
                                        for ox in cols { acc += d[ox] * s[ox * sw] }
                                    }
                                }
                                total += Double(acc)
                            }
                            let i = ((co * g.inPerGroup + ci) * kh + ky) * kw + kx
                            gradWeight[i] = (accumulate ? gradWeight[i] : 0) + Float(total)
                        }
                    }
                }
            }
        }
    }
}
