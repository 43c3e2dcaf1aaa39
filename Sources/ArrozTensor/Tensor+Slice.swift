// Tensor+Slice: expand, slice (narrow), split, chunk and flip — movement ops that copy, with gradients.

extension Tensor {
    // MARK: - expand
    // y = x broadcast to `shape`          dx = dy summed over the broadcast axes

    /// Broadcasts to `newShape` (torch.expand; −1 keeps an axis).
    ///
    /// Copies.
    public func expanded(to newShape: [Int]) -> Tensor {
        precondition(newShape.count >= rank, "expand: \(shape) to fewer axes \(newShape)")
        let lead = newShape.count - rank
        let target = newShape.enumerated().map { i, d in d == -1 && i >= lead ? shape[i - lead] : d }
        precondition(
            Shape.broadcast(shape, target, op: "expand") == target,
            "expand: \(shape) does not expand to \(newShape)")
        let s = Storage(uninitializedCount: Shape.count(target))
        Tensor.broadcastValues(self, to: target, into: s.buffer)
        return Tensor.result("expand", shape: target, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in sumToShapeAccumulate(g.data, from: target, to: shape, into: dst) }
        }
    }

    // MARK: - slice
    // y[…, j, …] = x[…, start + j·step, …]        dx[…, start + j·step, …] += dy[…, j, …]

    /// Elements `start..<end` by `step` along `axis`, copied.
    ///
    /// Python slicing: negative indices count from the end and out-of-range bounds are clamped.
    public func slice(axis: Int, start: Int = 0, end: Int? = nil, step: Int = 1) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "slice")
        precondition(step > 0, "slice: step \(step) must be positive (use flipped(axes:) to reverse)")
        let n = shape[a]
        func clampIndex(_ i: Int) -> Int { Swift.min(Swift.max(i < 0 ? i + n : i, 0), n) }
        let lo = clampIndex(start), hi = Swift.max(lo, clampIndex(end ?? n))
        var outShape = shape
        outShape[a] = (hi - lo + step - 1) / step
        var srcStrides = strides
        srcStrides[a] *= step
        let base = lo * strides[a]
        let outStrides = Shape.strides(outShape)
        let s = Storage(uninitializedCount: Shape.count(outShape))
        stridedCopy(
            storage.pointer, base: base, strides: srcStrides, into: s.pointer, base: 0,
            strides: outStrides, shape: outShape, accumulate: false)
        return Tensor.result("slice", shape: outShape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                guard let d = dst.baseAddress else { return }
                stridedCopy(
                    g.storage.pointer, base: 0, strides: outStrides, into: d, base: base,
                    strides: srcStrides, shape: outShape, accumulate: true)
            }
        }
    }

    /// `length` elements from `start` along `axis` (torch.narrow).
    public func narrow(axis: Int, start: Int, length: Int) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "narrow")
        precondition(
            start >= 0 && length >= 0 && start + length <= shape[a],
            "narrow: \(start)..<\(start + length) out of range for axis \(axis) of \(shape)")
        return slice(axis: a, start: start, end: start + length)
    }

    // MARK: - split / chunk (slices; gradients flow through each piece)

    /// Consecutive pieces of `sizes` along `axis`; the sizes must add up to the axis length.
    public func split(sizes: [Int], axis: Int) -> [Tensor] {
        let a = Shape.axis(axis, rank: rank, op: "split")
        precondition(
            sizes.reduce(0, +) == shape[a] && sizes.allSatisfy { $0 >= 0 },
            "split: sizes \(sizes) do not add up to axis \(axis) of \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: a, start: start, end: start + size)
        }
    }

    /// Up to `n` pieces of ⌈len/n⌉ along `axis`, the last one smaller (torch.chunk).
    public func chunk(_ n: Int, axis: Int) -> [Tensor] {
        let a = Shape.axis(axis, rank: rank, op: "chunk")
        precondition(n > 0, "chunk: \(n) chunks")
        let len = shape[a]
        let size = Swift.max(1, (len + n - 1) / n)
        let sizes = stride(from: 0, to: len, by: size).map { Swift.min(size, len - $0) }
        return split(sizes: sizes.isEmpty ? [0] : sizes, axis: a)
    }

    // MARK: - flip
    // y[…, j, …] = x[…, n − 1 − j, …]        dx = flip(dy)

    /// Reverses the order of elements along `axes` (torch.flip).
    ///
    /// Copies.
    public func flipped(axes: [Int]) -> Tensor {
        let ax = Set(axes.map { Shape.axis($0, rank: rank, op: "flip") })
        var srcStrides = strides
        var base = 0
        for a in ax {
            base += (shape[a] - 1) * strides[a]
            srcStrides[a] = -strides[a]
        }
        if count == 0 { base = 0 }
        let own = strides
        let s = Storage(uninitializedCount: count)
        stridedCopy(
            storage.pointer, base: base, strides: srcStrides, into: s.pointer, base: 0,
            strides: own, shape: shape, accumulate: false)
        return Tensor.result("flip", shape: shape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                guard let d = dst.baseAddress else { return }
                stridedCopy(
                    g.storage.pointer, base: 0, strides: own, into: d, base: base,
                    strides: srcStrides, shape: shape, accumulate: true)
            }
        }
    }
}
