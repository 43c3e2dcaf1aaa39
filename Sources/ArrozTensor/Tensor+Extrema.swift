// Tensor+Extrema: max / min over axes (gradient to the arg-extremum), argmax / argmin along an axis.

extension Tensor {
    /// For each group of elements reduced together, the flat index of its extremum.
    ///
    /// The first one wins on ties, and a NaN wins, as in PyTorch. `sign` = 1 finds maxima, −1 minima. Returns the kept-dims shape and the indices.
    func argExtremum(axes: [Int], sign: Float, op: String) -> (kept: [Int], index: [Int]) {
        precondition(count > 0, "\(op): empty tensor \(shape)")
        let kept = Tensor.reducedShape(shape, axes: axes, keepDims: true)
        var index = [Int](repeating: -1, count: Shape.count(kept))
        var best = [Float](repeating: 0, count: index.count)
        let x = storage.pointer
        let outStrides = Shape.broadcastStrides(kept, to: shape)
        index.withUnsafeMutableBufferPointer { idx in
            best.withUnsafeMutableBufferPointer { b in
                forEachRow(shape, [strides, outStrides]) { off, n, inner in
                    let (xs, os) = (inner[0], inner[1])
                    for j in 0..<n {
                        let xi = off[0] + j * xs, oi = off[1] + j * os
                        let v = sign * x[xi]
                        if idx[oi] < 0 || v > b[oi] || (v.isNaN && !b[oi].isNaN) {
                            b[oi] = v
                            idx[oi] = xi
                        }
                    }
                }
            }
        }
        return (kept, index)
    }

    // MARK: - max / min over axes
    // y = max_axes x       dx[argmax] += dy   (the whole gradient goes to the first maximal element)

    /// Maximum over `axes` (all when nil); the gradient flows to the (first) maximal element of each group.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extremum(axes: axes, keepDims: keepDims, sign: 1, op: "max")
    }

    /// Minimum over `axes` (all when nil); the gradient flows to the (first) minimal element of each group.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extremum(axes: axes, keepDims: keepDims, sign: -1, op: "min")
    }

    public func max(axis: Int, keepDims: Bool = false) -> Tensor { max(axes: [axis], keepDims: keepDims) }
    public func min(axis: Int, keepDims: Bool = false) -> Tensor { min(axes: [axis], keepDims: keepDims) }

    private func extremum(axes: [Int]?, keepDims: Bool, sign: Float, op: String) -> Tensor {
        let ax = normalizedAxes(axes, op: op)
        let (kept, index) = argExtremum(axes: ax, sign: sign, op: op)
        let outShape = Tensor.reducedShape(shape, axes: ax, keepDims: keepDims)
        let s = Storage(uninitializedCount: Shape.count(kept))
        let x = storage.pointer
        for (o, i) in index.enumerated() { s.pointer[o] = x[i] }
        return Tensor.result(op, shape: outShape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                let gp = g.data
                for (o, i) in index.enumerated() { dst[i] += gp[o] }
            }
        }
    }

    // MARK: - argmax / argmin (not differentiable)

    /// Index of the (first) maximum along `axis`, as floats; the axis is removed unless `keepDims`.
    public func argmax(axis: Int, keepDims: Bool = false) -> Tensor {
        argIndex(axis: axis, keepDims: keepDims, sign: 1, op: "argmax")
    }

    /// Index of the (first) minimum along `axis`, as floats; the axis is removed unless `keepDims`.
    public func argmin(axis: Int, keepDims: Bool = false) -> Tensor {
        argIndex(axis: axis, keepDims: keepDims, sign: -1, op: "argmin")
    }

    private func argIndex(axis: Int, keepDims: Bool, sign: Float, op: String) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: op)
        let (_, index) = argExtremum(axes: [a], sign: sign, op: op)
        let stride = strides[a], n = shape[a]
        let out = index.map { Float(($0 / stride) % n) }
        return Tensor(out, shape: Tensor.reducedShape(shape, axes: [a], keepDims: keepDims))
    }
}
