// GemmConvBackend: convolution as im2col + one sgemm per chunk of images and group (Caffe/PyTorch "slow conv").

/// im2col + sgemm, batched: the column matrix of several images is built at once so each sgemm is large.
///
///   forward         Y_g[Cout_g, nb·HWo]  = W_g[Cout_g, K] · col_g[K, nb·HWo]              K = Cin_g·kh·kw
///   backwardInput   dcol_g[K, nb·HWo]    = W_gᵀ · dY_g,  then col2im (scatter-add onto dx)
///   backwardWeight  dW_g[Cout_g, K]     += dY_g · col_gᵀ
/// 1×1 stride-1 unpadded convolutions skip im2col (the input already is the column matrix). Convolutions whose
/// groups hold few channels (depthwise, Paella's 2-in-1-out) run on `DirectConv` instead: their sgemms would
/// be too thin to pay.
public struct GemmConvBackend: ConvBackend {
    /// Floats of column matrix per chunk: large enough for an efficient sgemm, small enough to stay in cache.
    public var columnBudget: Int
    /// Fewest output columns per sgemm worth aiming for (folds small images together).
    public var minColumns: Int

    public init(columnBudget: Int = 1 << 20, minColumns: Int = 512) {
        self.columnBudget = columnBudget
        self.minColumns = minColumns
    }

    public var name: String { "im2col+sgemm" }

    /// Images per chunk for `geo`.
    func chunk(_ geo: ConvGeometry) -> Int {
        let perImage = geo.patchSize * geo.outPlane
        let byBudget = max(1, columnBudget / max(perImage, 1))
        let byWidth = (minColumns + geo.outPlane - 1) / geo.outPlane
        return max(1, min(geo.batch, max(byBudget, byWidth)))
    }

    static func usesDirect(_ geo: ConvGeometry) -> Bool { DirectConv.suits(geo) }

    public func forward(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        if Self.usesDirect(geo) {
            DirectConv.forward(geo, input: input, weight: weight, bias: bias, output: output)
            return
        }
        let nb = chunk(geo), K = geo.patchSize, cog = geo.outPerGroup, HWo = geo.outPlane
        let direct = geo.isPointwise && nb == 1
        let colCount = direct ? 0 : K * nb * HWo
        let outCount = nb == 1 ? 0 : cog * nb * HWo
        Scratch.with(colCount, outCount) { col, packed in
            for n0 in stride(from: 0, to: geo.batch, by: nb) {
                let images = n0..<min(geo.batch, n0 + nb)
                let cols = images.count * HWo
                for grp in 0..<geo.groups {
                    let wg = weight + grp * cog * K
                    let b: UnsafePointer<Float>
                    if direct {
                        b = input + (n0 * geo.inChannels + grp * geo.inPerGroup) * geo.inPlane
                    } else {
                        im2col(geo, input: input, group: grp, images: images, col: col)
                        b = UnsafePointer(col)
                    }
                    if images.count == 1 {
                        let y = output + (n0 * geo.outChannels + grp * cog) * HWo
                        sgemm(m: cog, n: cols, k: K, a: wg, b: b, c: y)
                        if let bias { addChannelBias(y, bias: bias + grp * cog, batch: 1, channels: cog, plane: HWo) }
                    } else {
                        sgemm(m: cog, n: cols, k: K, a: wg, b: b, c: packed)
                        unpackChannels(packed, channels: geo.outChannels, plane: HWo, c0: grp * cog, cn: cog,
                                       images: images, into: output, bias: bias)
                    }
                }
            }
        }
    }

    public func backwardInput(
        _ geo: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        if Self.usesDirect(geo) {
            DirectConv.backwardInput(geo, gradOutput: gradOutput, weight: weight, gradInput: gradInput,
                                     accumulate: accumulate)
            return
        }
        let nb = chunk(geo), K = geo.patchSize, cog = geo.outPerGroup, HWo = geo.outPlane
        let direct = geo.isPointwise && nb == 1
        Scratch.with(direct ? 0 : K * nb * HWo, nb == 1 ? 0 : cog * nb * HWo) { dcol, packed in
            for n0 in stride(from: 0, to: geo.batch, by: nb) {
                let images = n0..<min(geo.batch, n0 + nb)
                let cols = images.count * HWo
                for grp in 0..<geo.groups {
                    let wg = weight + grp * cog * K
                    let dy: UnsafePointer<Float>
                    if images.count == 1 {
                        dy = gradOutput + (n0 * geo.outChannels + grp * cog) * HWo
                    } else {
                        packChannels(gradOutput, channels: geo.outChannels, plane: HWo, c0: grp * cog, cn: cog,
                                     images: images, into: packed)
                        dy = UnsafePointer(packed)
                    }
                    if direct {
                        // dx_n[Cin_g, HW] (+)= W_gᵀ · dy_n
                        let dx = gradInput + (n0 * geo.inChannels + grp * geo.inPerGroup) * geo.inPlane
                        sgemm(transA: true, m: K, n: cols, k: cog, a: wg, b: dy, beta: accumulate ? 1 : 0, c: dx)
                    } else {
                        sgemm(transA: true, m: K, n: cols, k: cog, a: wg, b: dy, c: dcol)
                        col2im(geo, col: dcol, group: grp, images: images, gradInput: gradInput,
                               accumulate: accumulate)
                    }
                }
            }
        }
    }

    public func backwardWeight(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        gradWeight: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        if Self.usesDirect(geo) {
            DirectConv.backwardWeight(geo, input: input, gradOutput: gradOutput, gradWeight: gradWeight,
                                      accumulate: accumulate)
            return
        }
        let nb = chunk(geo), K = geo.patchSize, cog = geo.outPerGroup, HWo = geo.outPlane
        let direct = geo.isPointwise && nb == 1
        Scratch.with(direct ? 0 : K * nb * HWo, nb == 1 ? 0 : cog * nb * HWo) { col, packed in
            for n0 in stride(from: 0, to: geo.batch, by: nb) {
                let images = n0..<min(geo.batch, n0 + nb)
                let cols = images.count * HWo
                for grp in 0..<geo.groups {
                    let dy: UnsafePointer<Float>
                    if images.count == 1 {
                        dy = gradOutput + (n0 * geo.outChannels + grp * cog) * HWo
                    } else {
                        packChannels(gradOutput, channels: geo.outChannels, plane: HWo, c0: grp * cog, cn: cog,
                                     images: images, into: packed)
                        dy = UnsafePointer(packed)
                    }
                    let b: UnsafePointer<Float>
                    if direct {
                        b = input + (n0 * geo.inChannels + grp * geo.inPerGroup) * geo.inPlane
                    } else {
                        im2col(geo, input: input, group: grp, images: images, col: col)
                        b = UnsafePointer(col)
                    }
                    // dW_g[Cout_g, K] (+)= dy[Cout_g, cols] · colᵀ
                    let first = n0 == 0 && !accumulate
                    sgemm(transB: true, m: cog, n: K, k: cols, a: dy, b: b, beta: first ? 0 : 1,
                          c: gradWeight + grp * cog * K)
                }
            }
        }
    }
}
