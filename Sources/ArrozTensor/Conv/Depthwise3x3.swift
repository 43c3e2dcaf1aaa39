// Depthwise3x3: stride-1 3×3 depthwise convolution (groups = C = Cout; the Arroz generator's and Paella's
// ResBlocks), all nine taps in one register pass per output vector. `DirectConv`'s tap-by-tap loops stay as
// the general path and, with `NaiveConvBackend`, as the reference the tests compare against.

/// One 3×3 plane at a time on a zero-bordered copy (`DirectConv.padPlanes`):
///   forward         y[oy,ox]   = b + Σ_{ky,kx} w[ky,kx] · xp[oy+ky][ox+kx]
///   backwardInput   dx[iy,ix] += Σ_{ky,kx} w[2−ky,2−kx] · dyp[iy+ky][ix+kx]   (dy bordered by 2 − pad)
///   backwardWeight  dw[ky,kx] += Σ_{oy,ox} dy[oy,ox] · xp[oy+ky][ox+kx]        (nine SIMD accumulators)
enum Depthwise3x3 {
    /// Depthwise 3×3, stride 1, padding ≤ 2 on every side (what the two borders of the copies allow).
    static func suits(_ g: ConvGeometry) -> Bool {
        g.groups == g.inChannels && g.outChannels == g.inChannels && g.kernelHeight == 3
            && g.kernelWidth == 3 && g.strideH == 1 && g.strideW == 1
            && max(g.padTop, g.padBottom, g.padLeft, g.padRight) <= 2
    }

    /// out[oy·Wo + ox] (+)= b + Σ w[k]·src[(oy+ky)·Wp + ox+kx] over one plane; SIMD8 columns, scalar tail.
    @inline(__always)
    static func plane(
        _ src: UnsafePointer<Float>, Wp: Int, _ w: UnsafePointer<Float>, Ho: Int, Wo: Int,
        into out: UnsafeMutablePointer<Float>, bias b: Float, accumulate: Bool
    ) {
        let (w0, w1, w2, w3, w4, w5, w6, w7, w8) = (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8])
        let v0 = SIMD8(repeating: w0), v1 = SIMD8(repeating: w1), v2 = SIMD8(repeating: w2)
        let v3 = SIMD8(repeating: w3), v4 = SIMD8(repeating: w4), v5 = SIMD8(repeating: w5)
        let v6 = SIMD8(repeating: w6), v7 = SIMD8(repeating: w7), v8 = SIMD8(repeating: w8)
        let vb = SIMD8<Float>(repeating: b)
        for oy in 0..<Ho {
            let r0 = src + oy * Wp, r1 = r0 + Wp, r2 = r1 + Wp
            let o = out + oy * Wo
            var ox = 0
            while ox + 8 <= Wo {
                var a = accumulate ? UnsafeRawPointer(o + ox).loadUnaligned(as: SIMD8<Float>.self) : vb
                a += v0 * ld(r0 + ox) + v1 * ld(r0 + ox + 1) + v2 * ld(r0 + ox + 2)
                a += v3 * ld(r1 + ox) + v4 * ld(r1 + ox + 1) + v5 * ld(r1 + ox + 2)
                a += v6 * ld(r2 + ox) + v7 * ld(r2 + ox + 1) + v8 * ld(r2 + ox + 2)
                store(a, o + ox)
                ox += 8
            }
            while ox < Wo {
                var a = accumulate ? o[ox] : b
                a += w0 * r0[ox] + w1 * r0[ox + 1] + w2 * r0[ox + 2]
                a += w3 * r1[ox] + w4 * r1[ox + 1] + w5 * r1[ox + 2]
                a += w6 * r2[ox] + w7 * r2[ox + 1] + w8 * r2[ox + 2]
                o[ox] = a
                ox += 1
            }
        }
    }

    @inline(__always) static func ld(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    static func forward(
        _ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        let C = g.inChannels, Hp = g.inHeight + g.padTop + g.padBottom, Wp = g.inWidth + g.padLeft + g.padRight
        parallelFor(g.batch * C, grain: max(1, 4096 / max(g.outPlane, 1))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: Hp * Wp) { buf in
                let xp = buf.baseAddress!
                for t in range {
                    let c = t % C
                    DirectConv.padPlanes(
                        input + t * g.inPlane, count: 1, srcStride: g.inPlane, H: g.inHeight, W: g.inWidth,
                        top: g.padTop, bottom: g.padBottom, left: g.padLeft, right: g.padRight, into: xp)
                    plane(
                        xp, Wp: Wp, weight + c * 9, Ho: g.outHeight, Wo: g.outWidth, into: output + t * g.outPlane,
                        bias: bias?[c] ?? 0, accumulate: false)
                }
            }
        }
    }

    static func backwardInput(
        _ g: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let C = g.inChannels
        let (top, left) = (2 - g.padTop, 2 - g.padLeft)
        let (bottom, right) = (g.inHeight + 2 - top - g.outHeight, g.inWidth + 2 - left - g.outWidth)
        let Hp = g.outHeight + top + bottom, Wp = g.outWidth + left + right
        parallelFor(g.batch * C, grain: max(1, 4096 / max(g.inPlane, 1))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: Hp * Wp + 9) { buf in
                let dyp = buf.baseAddress!, flipped = dyp + Hp * Wp
                for t in range {
                    let w = weight + (t % C) * 9
                    for k in 0..<9 { flipped[k] = w[8 - k] }
                    DirectConv.padPlanes(
                        gradOutput + t * g.outPlane, count: 1, srcStride: g.outPlane, H: g.outHeight,
                        W: g.outWidth, top: top, bottom: bottom, left: left, right: right, into: dyp)
                    plane(
                        dyp, Wp: Wp, flipped, Ho: g.inHeight, Wo: g.inWidth, into: gradInput + t * g.inPlane,
                        bias: 0, accumulate: accumulate)
                }
            }
        }
    }

    static func backwardWeight(
        _ g: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        gradWeight: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let C = g.inChannels, Ho = g.outHeight, Wo = g.outWidth
        let Hp = g.inHeight + g.padTop + g.padBottom, Wp = g.inWidth + g.padLeft + g.padRight
        parallelFor(C, grain: max(1, 8192 / max(g.batch * g.outPlane, 1))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: Hp * Wp) { buf in
                let xp = buf.baseAddress!
                for c in range {
                    var v0 = SIMD8<Float>(), v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0
                    var v8 = v0
                    var s = (Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0),
                             Float(0))
                    for n in 0..<g.batch {
                        let t = n * C + c
                        DirectConv.padPlanes(
                            input + t * g.inPlane, count: 1, srcStride: g.inPlane, H: g.inHeight,
                            W: g.inWidth, top: g.padTop, bottom: g.padBottom, left: g.padLeft,
                            right: g.padRight, into: xp)
                        let dy = gradOutput + t * g.outPlane
                        for oy in 0..<Ho {
                            let e = dy + oy * Wo
                            let r0 = UnsafePointer(xp) + oy * Wp, r1 = r0 + Wp, r2 = r1 + Wp
                            var ox = 0
                            while ox + 8 <= Wo {
                                let d = ld(e + ox)
                                v0 += d * ld(r0 + ox); v1 += d * ld(r0 + ox + 1); v2 += d * ld(r0 + ox + 2)
                                v3 += d * ld(r1 + ox); v4 += d * ld(r1 + ox + 1); v5 += d * ld(r1 + ox + 2)
                                v6 += d * ld(r2 + ox); v7 += d * ld(r2 + ox + 1); v8 += d * ld(r2 + ox + 2)
                                ox += 8
                            }
                            while ox < Wo {
                                let d = e[ox]
                                s.0 += d * r0[ox]; s.1 += d * r0[ox + 1]; s.2 += d * r0[ox + 2]
                                s.3 += d * r1[ox]; s.4 += d * r1[ox + 1]; s.5 += d * r1[ox + 2]
                                s.6 += d * r2[ox]; s.7 += d * r2[ox + 1]; s.8 += d * r2[ox + 2]
                                ox += 1
                            }
                        }
                    }
                    let dw = gradWeight + c * 9
                    let sums = [v0.sum() + s.0, v1.sum() + s.1, v2.sum() + s.2, v3.sum() + s.3, v4.sum() + s.4,
                                v5.sum() + s.5, v6.sum() + s.6, v7.sum() + s.7, v8.sum() + s.8]
                    for k in 0..<9 { dw[k] = (accumulate ? dw[k] : 0) + sums[k] }
                }
            }
        }
    }
}
