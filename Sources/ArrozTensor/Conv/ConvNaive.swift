// ConvNaive: the loop-nest convolution every tuned backend is tested against (Double accumulation).

/// The reference backend: the three sums of `ConvBackend` written as plain loops, one output value at a time.
/// Matches `torch.nn.functional.conv2d` and its autograd (`convolution_backward`) up to rounding.
public struct NaiveConvBackend: ConvBackend {
    public init() {}
    public var name: String { "naive" }

    /// The in-plane offset that tap `(ky, kx)` of output `(oy, ox)` reads, or nil when it falls in the
    /// padding.
    @inline(__always)
    private func source(_ g: ConvGeometry, _ oy: Int, _ ox: Int, _ ky: Int, _ kx: Int) -> Int? {
        let iy = oy * g.strideH - g.padTop + ky
        let ix = ox * g.strideW - g.padLeft + kx
        guard iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth else { return nil }
        return iy * g.inWidth + ix
    }

    // y[n,co,oy,ox] = b[co] + Σ_{ci,ky,kx} w[co,ci,ky,kx] · x[n, g·Cin_g+ci, oy·sh−pt+ky, ox·sw−pl+kx]
    public func forward(
        _ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        for n in 0..<g.batch {
            for co in 0..<g.outChannels {
                let group = co / g.outPerGroup
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        var acc = Double(bias?[co] ?? 0)
                        for ci in 0..<g.inPerGroup {
                            let plane = input + (n * g.inChannels + group * g.inPerGroup + ci) * g.inPlane
                            for ky in 0..<g.kernelHeight {
                                for kx in 0..<g.kernelWidth {
                                    guard let s = source(g, oy, ox, ky, kx) else { continue }
                                    let w = weight[
                                        ((co * g.inPerGroup + ci) * g.kernelHeight + ky) * g.kernelWidth + kx]
                                    acc += Double(w) * Double(plane[s])
                                }
                            }
                        }
                        output[((n * g.outChannels + co) * g.outHeight + oy) * g.outWidth + ox] = Float(acc)
                    }
                }
            }
        }
    }

    // dx[n,ci,iy,ix] = Σ over every (co, ky, kx, oy, ox) whose tap reads (iy, ix): w[co,ci,ky,kx] ·
    // dy[n,co,oy,ox]
    public func backwardInput(
        _ g: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        var acc = [Double](repeating: 0, count: g.inputCount)
        for n in 0..<g.batch {
            for co in 0..<g.outChannels {
                let group = co / g.outPerGroup
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        let d = Double(
                            gradOutput[((n * g.outChannels + co) * g.outHeight + oy) * g.outWidth + ox])
                        for ci in 0..<g.inPerGroup {
                            let base = (n * g.inChannels + group * g.inPerGroup + ci) * g.inPlane
                            for ky in 0..<g.kernelHeight {
                                for kx in 0..<g.kernelWidth {
                                    guard let s = source(g, oy, ox, ky, kx) else { continue }
                                    let w = weight[
                                        ((co * g.inPerGroup + ci) * g.kernelHeight + ky) * g.kernelWidth + kx]
                                    acc[base + s] += Double(w) * d
                                }
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<g.inputCount { gradInput[i] = (accumulate ? gradInput[i] : 0) + Float(acc[i]) }
    }

    // dw[co,ci,ky,kx] = Σ_{n,oy,ox} dy[n,co,oy,ox] · x[n, g·Cin_g+ci, oy·sh−pt+ky, ox·sw−pl+kx]
    public func backwardWeight(
        _ g: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        gradWeight: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        for co in 0..<g.outChannels {
            let group = co / g.outPerGroup
            for ci in 0..<g.inPerGroup {
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        var acc: Double = 0
                        for n in 0..<g.batch {
                            let plane = input + (n * g.inChannels + group * g.inPerGroup + ci) * g.inPlane
                            let dy = gradOutput + (n * g.outChannels + co) * g.outPlane
                            for oy in 0..<g.outHeight {
                                for ox in 0..<g.outWidth {
                                    guard let s = source(g, oy, ox, ky, kx) else { continue }
                                    acc += Double(dy[oy * g.outWidth + ox]) * Double(plane[s])
                                }
                            }
                        }
                        let i = ((co * g.inPerGroup + ci) * g.kernelHeight + ky) * g.kernelWidth + kx
                        gradWeight[i] = (accumulate ? gradWeight[i] : 0) + Float(acc)
                    }
                }
            }
        }
    }
}
