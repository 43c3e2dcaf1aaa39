// GemmConvBackend: convolution as im2col + one sgemm per chunk of images and group (Caffe/PyTorch "slow
// conv").

/// im2col + sgemm, batched: the column matrix of several images is built at once so each sgemm is large.
///
///   forward         Y_g[Cout_g, nb·HWo]  = W_g[Cout_g, K] · col_g[K, nb·HWo]              K = Cin_g·kh·kw
///   backwardInput   dcol_g[K, nb·HWo]    = W_gᵀ · dY_g,  then col2im (scatter-add onto dx)
///   backwardWeight  dW_g[Cout_g, K]     += dY_g · col_gᵀ
/// 1×1 stride-1 unpadded convolutions skip im2col (the input already is the column matrix). Convolutions
/// whose
/// groups hold few channels (depthwise, Paella's 2-in-1-out) run on `DirectConv` instead: their sgemms would
/// be too thin to pay.
///
/// Threads: with a batch to share, chunks of images run in parallel, one worker thread each, with serial
/// sgemm and serial im2col; a single chunk runs parallel im2col and an sgemm split across the threads
/// (`sgemm` in Gemm.swift) instead.
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

    /// Images per chunk for `geo`, and how many workers share the chunks.
    func plan(_ geo: ConvGeometry) -> (images: Int, workers: Int) {
        let perImage = geo.patchSize * geo.outPlane
        let byBudget = max(1, columnBudget / max(perImage, 1))
        let byWidth = (minColumns + geo.outPlane - 1) / geo.outPlane
        var nb = max(1, min(geo.batch, max(byBudget, byWidth)))
        let threads = Threads.count
        if threads > 1 && geo.batch > 1 { nb = min(nb, (geo.batch + threads - 1) / threads) }
        let chunks = (geo.batch + nb - 1) / nb
        return (nb, max(1, min(threads, chunks)))
    }

    static func usesDirect(_ geo: ConvGeometry) -> Bool { DirectConv.suits(geo) }

    /// Whether a chunk's sgemm reads the input (or writes the gradient) in place: a 1×1 conv on one image needs
    /// no im2col columns.
    private static func inPlace(_ geo: ConvGeometry, _ plan: (images: Int, workers: Int)) -> Bool {
        geo.isPointwise && plan.images == 1
    }

    /// Runs `body(worker, images, …)` over chunks of `nb` images: spread over `workers` threads (their loops and
    /// sgemms then stay on their thread, see `ParallelRegion`) or, with one worker, one after another (parallel
    /// inside). Each worker borrows two scratch buffers: the im2col columns (none when ``inPlace(_:_:)``) and
    /// the channel-packed sgemm result (none for one image).
    private func eachChunk(
        _ geo: ConvGeometry, _ plan: (images: Int, workers: Int),
        _ body: (_ worker: Int, Range<Int>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) {
        let chunks = (geo.batch + plan.images - 1) / plan.images
        let cols = plan.images * geo.outPlane
        let columns = Self.inPlace(geo, plan) ? 0 : geo.patchSize * cols
        let packed = plan.images == 1 ? 0 : geo.outPerGroup * cols
        // One worker per thread (plan.workers ≤ Threads.count); sgemm inside a parallel region stays serial.
        parallelFor(plan.workers) { workers in
            for w in workers {
                Scratch.with(columns, packed) { a, b in
                    for c in stride(from: w, to: chunks, by: plan.workers) {
                        let images = (c * plan.images)..<min(geo.batch, (c + 1) * plan.images)
                        body(w, images, a, b)
                    }
                }
            }
        }
    }

    public func forward(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        if Self.usesDirect(geo) {
            DirectConv.forward(geo, input: input, weight: weight, bias: bias, output: output)
            return
        }
        let p = plan(geo), K = geo.patchSize, cog = geo.outPerGroup, HWo = geo.outPlane
        let direct = Self.inPlace(geo, p)
        eachChunk(geo, p) {
            _, images, col, packed in
            let n0 = images.lowerBound, cols = images.count * HWo
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
                    if let bias {
                        for co in 0..<cog {
                            let row = y + co * HWo, v = bias[grp * cog + co]
                            for i in 0..<HWo { row[i] += v }
                        }
                    }
                } else {
                    sgemm(m: cog, n: cols, k: K, a: wg, b: b, c: packed)
                    unpackChannels(
                        packed, channels: geo.outChannels, plane: HWo, c0: grp * cog, cn: cog,
                        images: images, into: output, bias: bias)
                }
            }
        }
    }

    public func backwardInput(
        _ geo: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        if Self.usesDirect(geo) {
            DirectConv.backwardInput(
                geo, gradOutput: gradOutput, weight: weight, gradInput: gradInput,
                accumulate: accumulate)
            return
        }
        let p = plan(geo), K = geo.patchSize, cog = geo.outPerGroup, HWo = geo.outPlane
        let direct = Self.inPlace(geo, p)
        eachChunk(geo, p) {
            _, images, dcol, packed in
            let n0 = images.lowerBound, cols = images.count * HWo
            for grp in 0..<geo.groups {
                let wg = weight + grp * cog * K
                let dy: UnsafePointer<Float>
                if images.count == 1 {
                    dy = gradOutput + (n0 * geo.outChannels + grp * cog) * HWo
                } else {
                    packChannels(
                        gradOutput, channels: geo.outChannels, plane: HWo, c0: grp * cog, cn: cog,
                        images: images, into: packed)
                    dy = UnsafePointer(packed)
                }
                if direct {
                    // dx_n[Cin_g, HW] (+)= W_gᵀ · dy_n
                    let dx = gradInput + (n0 * geo.inChannels + grp * geo.inPerGroup) * geo.inPlane
                    sgemm(transA: true, m: K, n: cols, k: cog, a: wg, b: dy, beta: accumulate ? 1 : 0, c: dx)
                } else {
                    sgemm(transA: true, m: K, n: cols, k: cog, a: wg, b: dy, c: dcol)
                    col2im(
                        geo, col: dcol, group: grp, images: images, gradInput: gradInput,
                        accumulate: accumulate)
                }
            }
        }
    }

    public func backwardWeight(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        gradWeight: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        if Self.usesDirect(geo) {
            DirectConv.backwardWeight(
                geo, input: input, gradOutput: gradOutput, gradWeight: gradWeight,
                accumulate: accumulate)
            return
        }
        if geo.batch == 0 {  // an empty batch contributes nothing
            if !accumulate { gradWeight.update(repeating: 0, count: geo.weightCount) }
            return
        }
        let p = plan(geo), K = geo.patchSize, cog = geo.outPerGroup, HWo = geo.outPlane
        let direct = Self.inPlace(geo, p)
        // Worker 0 sums straight into gradWeight; the others into partial sums added at the end.
        Scratch.with((p.workers - 1) * geo.weightCount) { partials in
            eachChunk(geo, p) {
                worker, images, col, packed in
                let n0 = images.lowerBound, cols = images.count * HWo
                let dw = worker == 0 ? gradWeight : partials + (worker - 1) * geo.weightCount
                let first = images.lowerBound == worker * p.images && (worker > 0 || !accumulate)
                for grp in 0..<geo.groups {
                    let dy: UnsafePointer<Float>
                    if images.count == 1 {
                        dy = gradOutput + (n0 * geo.outChannels + grp * cog) * HWo
                    } else {
                        packChannels(
                            gradOutput, channels: geo.outChannels, plane: HWo, c0: grp * cog, cn: cog,
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
                    sgemm(
                        transB: true, m: cog, n: K, k: cols, a: dy, b: b, beta: first ? 0 : 1,
                        c: dw + grp * cog * K)
                }
            }
            for w in 1..<max(p.workers, 1) {
                let part = partials + (w - 1) * geo.weightCount
                for i in 0..<geo.weightCount { gradWeight[i] += part[i] }
            }
        }
    }
}
