// Tensor+Pad: constant padding on any axes, and 2-D zero/reflect/replicate padding (F.pad) on the last two axes.

/// How `pad2d` fills the border (torch.nn.functional.pad modes 'constant' (0), 'reflect', 'replicate').
public enum PadMode: Sendable {
    case zeros, reflect, replicate
}

extension Tensor {
    // MARK: - constant padding
    // y[i + before] = x[i], y = value elsewhere        dx[i] = dy[i + before]

    /// Pads every axis by `pads[axis]` elements before and after, filling with `value` (F.pad, 'constant').
    public func padded(_ pads: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        precondition(
            pads.count == rank && pads.allSatisfy { $0.before >= 0 && $0.after >= 0 },
            "padded: need \(rank) non-negative (before, after) pairs for \(shape), got \(pads)")
        let outShape = zip(shape, pads).map { $0 + $1.before + $1.after }
        let outStrides = Shape.strides(outShape)
        let base = zip(pads, outStrides).reduce(0) { $0 + $1.0.before * $1.1 }
        let s = Storage(count: Shape.count(outShape), repeating: value)
        let own = strides
        stridedCopy(
            storage.pointer, base: 0, strides: own, into: s.pointer, base: base,
            strides: outStrides, shape: shape, accumulate: false)
        return Tensor.result("pad", shape: outShape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                guard let d = dst.baseAddress else { return }
                stridedCopy(
                    g.storage.pointer, base: base, strides: outStrides, into: d, base: 0,
                    strides: own, shape: shape, accumulate: true)
            }
        }
    }

    // MARK: - pad2d
    // y[…, oh, ow] = x[…, ρ(oh − top), γ(ow − left)]   (ρ, γ map border indices: 0, mirror or clamp)
    // dx[…, ρ(i), γ(j)] += dy[…, i, j]                 (several outputs may read one input: accumulate)

    /// Pads the last two axes (H, W of NCHW) like `F.pad(x, (left, right, top, bottom), mode)`.
    ///
    /// `.reflect` mirrors without repeating the edge and needs each pad < that axis' size (as PyTorch).
    public func pad2d(left: Int, right: Int, top: Int, bottom: Int, mode: PadMode = .zeros) -> Tensor {
        precondition(rank >= 2, "pad2d: need at least 2 axes, got \(shape)")
        let (h, w) = (shape[rank - 2], shape[rank - 1])
        precondition(
            [left, right, top, bottom].allSatisfy { $0 >= 0 },
            "pad2d: negative padding (\(left), \(right), \(top), \(bottom)) for \(shape)")
        if mode == .reflect {
            precondition(
                left < w && right < w && top < h && bottom < h,
                "pad2d: reflect padding (\(left), \(right), \(top), \(bottom)) must be < input size \(h)×\(w)"
            )
        }
        if mode == .replicate {
            precondition(h > 0 && w > 0, "pad2d: replicate padding of an empty plane \(shape)")
        }
        if mode == .zeros {
            var pads = [(before: Int, after: Int)](repeating: (0, 0), count: rank)
            pads[rank - 2] = (top, bottom)
            pads[rank - 1] = (left, right)
            return padded(pads)
        }
        let (oh, ow) = (h + top + bottom, w + left + right)
        let rows = (0..<oh).map { Tensor.borderIndex($0 - top, size: h, mode: mode) }
        let cols = (0..<ow).map { Tensor.borderIndex($0 - left, size: w, mode: mode) }
        let planes = count / Swift.max(h * w, 1)
        var outShape = shape
        outShape[rank - 2] = oh
        outShape[rank - 1] = ow
        let s = Storage(uninitializedCount: Shape.count(outShape))
        let x = storage.pointer, y = s.pointer
        parallelFor(planes, grain: Swift.max(1, 16384 / Swift.max(oh * ow, 1))) { r in
            for p in r {
                let xp = x + p * h * w, yp = y + p * oh * ow
                for i in 0..<oh {
                    let src = xp + rows[i] * w, dst = yp + i * ow
                    for j in 0..<ow { dst[j] = src[cols[j]] }
                }
            }
        }
        return Tensor.result("pad2d", shape: outShape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                guard let dx = dst.baseAddress else { return }
                let dy = g.storage.pointer
                parallelFor(planes, grain: Swift.max(1, 16384 / Swift.max(oh * ow, 1))) { r in
                    for p in r {
                        let dxp = dx + p * h * w, dyp = dy + p * oh * ow
                        for i in 0..<oh {
                            let d = dxp + rows[i] * w, src = dyp + i * ow
                            for j in 0..<ow { d[cols[j]] += src[j] }
                        }
                    }
                }
            }
        }
    }

    /// Source index for padded position `i` (may be outside `0..<size`) under `mode` (.reflect or .replicate).
    static func borderIndex(_ i: Int, size: Int, mode: PadMode) -> Int {
        switch mode {
        case .reflect:
            if size == 1 { return 0 }
            var k = i
            if k < 0 { k = -k }
            if k >= size { k = 2 * (size - 1) - k }
            return k
        case .replicate, .zeros:
            return Swift.min(Swift.max(i, 0), size - 1)
        }
    }
}
