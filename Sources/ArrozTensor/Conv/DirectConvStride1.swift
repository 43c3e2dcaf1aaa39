// DirectConvStride1: the stride-1 fast path of `DirectConv` (depthwise 3×3, Paella's grouped 2-in-1-out):
// each group's input planes are copied once into zero-bordered planes, so every tap is a bounds-free,
// contiguous, vectorisable row update.

extension DirectConv {
    /// Copies `count` planes `[H, W]` (`srcStride` floats apart) into zero-bordered planes
    /// `[H + top + bottom, W + left + right]` at `dst`. Plain loops: rows are short, so per-row memset/memcpy
    /// calls would cost more than the copying.
    @inline(__always)
    static func padPlanes(
        _ src: UnsafePointer<Float>, count: Int, srcStride: Int, H: Int, W: Int, top: Int, bottom: Int,
        left: Int, right: Int, into dst: UnsafeMutablePointer<Float>
    ) {
        let Wp = W + left + right, Hp = H + top + bottom
        for s in 0..<count {
            let d = dst + s * Hp * Wp, p = src + s * srcStride
            for i in 0..<(top * Wp) { d[i] = 0 }
            for y in 0..<H {
                let row = d + (top + y) * Wp, from = p + y * W
                for x in 0..<left { row[x] = 0 }
                for x in 0..<W { row[left + x] = from[x] }
                for x in (left + W)..<Wp { row[x] = 0 }
            }
            let tail = d + (top + H) * Wp
            for i in 0..<(bottom * Wp) { tail[i] = 0 }
        }
    }

    // dst[d][oy][ox] (+)= Σ_{s, ky, kx} taps[d][s][ky][kx] · src[s][oy + ky][ox + kx]     (src zero-bordered)
    /// The stride-1 correlation of `S` padded planes (`Hp × Wp`) into `D` output planes `Ho × Wo`
    /// (`dstStride` floats apart), starting from `initial[d]` (bias) or, when `accumulate`, from `dst`.
    ///
    /// Works on the flattened padded grid: output (oy, ox) sits at i = oy·Wp + ox and tap (ky, kx) reads
    /// src[i + ky·Wp + kx], so each tap is one long contiguous loop over the plane (the Wp − Wo columns past
    /// each row's end are computed and dropped) instead of Ho short ones. `acc` holds (Ho − 1)·Wp + Wo
    /// floats.
    @inline(__always)
    static func correlate(
        _ src: UnsafePointer<Float>, S: Int, Hp: Int, Wp: Int, taps: UnsafePointer<Float>, kh: Int, kw: Int,
        D: Int, Ho: Int, Wo: Int, into dst: UnsafeMutablePointer<Float>, dstStride: Int,
        initial: UnsafePointer<Float>?, accumulate: Bool, acc: UnsafeMutablePointer<Float>
    ) {
        let L = (Ho - 1) * Wp + Wo
        for d in 0..<D {
            for i in 0..<L { acc[i] = 0 }
            for s in 0..<S {
                for ky in 0..<kh {
                    let p = src + s * Hp * Wp + ky * Wp
                    let w = taps + ((d * S + s) * kh + ky) * kw
                    if kw == 3 {
                        let (w0, w1, w2) = (w[0], w[1], w[2])
                        for i in 0..<L { acc[i] += w0 * p[i] + w1 * p[i + 1] + w2 * p[i + 2] }
                    } else {
                        for kx in 0..<kw {
                            let wk = w[kx], q = p + kx
                            for i in 0..<L { acc[i] += wk * q[i] }
                        }
                    }
                }
            }
            let out = dst + d * dstStride, b = initial?[d] ?? 0
            for oy in 0..<Ho {
                let row = out + oy * Wo, a = acc + oy * Wp
                if accumulate {
                    for ox in 0..<Wo { row[ox] += a[ox] }
                } else {
                    for ox in 0..<Wo { row[ox] = a[ox] + b }
                }
            }
        }
    }

    // y[n, co] = b[co] + Σ_{ci ∈ group, ky, kx} w[co, ci, ky, kx] · xpad[n, ci][oy + ky][ox + kx]
    static func forwardStride1(
        _ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        let (S, D, kh, kw) = (g.inPerGroup, g.outPerGroup, g.kernelHeight, g.kernelWidth)
        let Hp = g.inHeight + g.padTop + g.padBottom, Wp = g.inWidth + g.padLeft + g.padRight
        parallelFor(g.batch * g.groups, grain: max(1, 2048 / max(g.outPlane * D, 1))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: S * Hp * Wp + Hp * Wp) { buf in
                let xp = buf.baseAddress!, acc = xp + S * Hp * Wp
                for t in range {
                    let n = t / g.groups, grp = t % g.groups
                    padPlanes(
                        input + (n * g.inChannels + grp * S) * g.inPlane, count: S, srcStride: g.inPlane,
                        H: g.inHeight, W: g.inWidth, top: g.padTop, bottom: g.padBottom, left: g.padLeft,
                        right: g.padRight, into: xp)
                    correlate(
                        xp, S: S, Hp: Hp, Wp: Wp, taps: weight + grp * D * S * kh * kw, kh: kh, kw: kw,
                        D: D, Ho: g.outHeight, Wo: g.outWidth,
                        into: output + (n * g.outChannels + grp * D) * g.outPlane, dstStride: g.outPlane,
                        initial: bias.map { $0 + grp * D }, accumulate: false, acc: acc)
                }
            }
        }
    }

    // dx[n, ci] (+)= Σ_{co ∈ group, ky, kx} w[co, ci, kh−1−ky, kw−1−kx] · dypad[n, co][iy + ky][ix + kx]
    // (a stride-1 correlation of dy, bordered by kh−1−pt above and kw−1−pl left, with the flipped kernel)
    static func backwardInputStride1(
        _ g: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let (S, D, kh, kw) = (g.outPerGroup, g.inPerGroup, g.kernelHeight, g.kernelWidth)
        let (top, left) = (kh - 1 - g.padTop, kw - 1 - g.padLeft)
        // Border so that the padded dy has H + kh − 1 rows: what the input rows need.
        let (bottom, right) = (
            g.inHeight + kh - 1 - top - g.outHeight, g.inWidth + kw - 1 - left - g.outWidth
        )
        let Hp = g.outHeight + top + bottom, Wp = g.outWidth + left + right
        // Padding wider than the kernel (rare): the general loops.
        if top < 0 || left < 0 || bottom < 0 || right < 0 {
            backwardInput(
                g, gradOutput: gradOutput, weight: weight, gradInput: gradInput, accumulate: accumulate,
                general: true)
            return
        }
        parallelFor(g.batch * g.groups, grain: max(1, 2048 / max(g.inPlane * D, 1))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: S * Hp * Wp + D * S * kh * kw + Hp * Wp) {
                buf in
                let dyp = buf.baseAddress!, taps = dyp + S * Hp * Wp, acc = taps + D * S * kh * kw
                for t in range {
                    let n = t / g.groups, grp = t % g.groups
                    for ci in 0..<D {
                        for co in 0..<S {
                            let src = weight + ((grp * S + co) * D + ci) * kh * kw
                            let dst = taps + (ci * S + co) * kh * kw
                            for k in 0..<(kh * kw) { dst[k] = src[kh * kw - 1 - k] }
                        }
                    }
                    padPlanes(
                        gradOutput + (n * g.outChannels + grp * S) * g.outPlane, count: S,
                        srcStride: g.outPlane, H: g.outHeight, W: g.outWidth, top: top, bottom: bottom,
                        left: left, right: right, into: dyp)
                    correlate(
                        dyp, S: S, Hp: Hp, Wp: Wp, taps: taps, kh: kh, kw: kw, D: D, Ho: g.inHeight,
                        Wo: g.inWidth, into: gradInput + (n * g.inChannels + grp * D) * g.inPlane,
                        dstStride: g.inPlane, initial: nil, accumulate: accumulate, acc: acc)
                }
            }
        }
    }

    // dw[co, ci, ky, kx] (+)= Σ_{n, oy, ox} dy[n, co, oy, ox] · xpad[n, ci][oy + ky][ox + kx]
    // On the flattened padded grid (see `correlate`): dy is copied into rows of Wp with zeros past Wo, then
    // each
    // tap accumulates acc[tap][i] += dy[i] · xpad[i + ky·Wp + kx] elementwise (vectorised); the columns of
    // acc
    // are summed once at the end.
    static func backwardWeightStride1(
        _ g: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        gradWeight: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let (S, D, kh, kw) = (g.inPerGroup, g.outPerGroup, g.kernelHeight, g.kernelWidth)
        let (Ho, Wo) = (g.outHeight, g.outWidth)
        let Hp = g.inHeight + g.padTop + g.padBottom, Wp = g.inWidth + g.padLeft + g.padRight
        let L = (Ho - 1) * Wp + Wo
        let taps = D * S * kh * kw
        parallelFor(g.groups, grain: max(1, 1024 / max(g.batch * g.outPlane * D * S, 1))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: S * Hp * Wp + D * Ho * Wp + taps * L) {
                buf in
                let xp = buf.baseAddress!, dyw = xp + S * Hp * Wp, acc = dyw + D * Ho * Wp
                for grp in range {
                    for i in 0..<(taps * L) { acc[i] = 0 }
                    for n in 0..<g.batch {
                        padPlanes(
                            input + (n * g.inChannels + grp * S) * g.inPlane, count: S, srcStride: g.inPlane,
                            H: g.inHeight, W: g.inWidth, top: g.padTop, bottom: g.padBottom,
                            left: g.padLeft, right: g.padRight, into: xp)
                        padPlanes(
                            gradOutput + (n * g.outChannels + grp * D) * g.outPlane, count: D,
                            srcStride: g.outPlane, H: Ho, W: Wo, top: 0, bottom: 0, left: 0, right: Wp - Wo,
                            into: dyw)
                        for d in 0..<D {
                            let e = dyw + d * Ho * Wp
                            for s in 0..<S {
                                for ky in 0..<kh {
                                    for kx in 0..<kw {
                                        let a = acc + (((d * S + s) * kh + ky) * kw + kx) * L
                                        let q = xp + s * Hp * Wp + ky * Wp + kx
                                        for i in 0..<L { a[i] += e[i] * q[i] }
                                    }
                                }
                            }
                        }
                    }
                    for t in 0..<taps {
                        let a = acc + t * L
                        var total: Float = 0
                        for i in 0..<L { total += a[i] }
                        let dst = gradWeight + grp * taps + t
                        dst.pointee = (accumulate ? dst.pointee : 0) + total
                    }
                }
            }
        }
    }
}
