// Tensor+Shape: reshape (shares storage), permute and transpose (copy), forward/backward side by side.

extension Tensor {
    // MARK: - reshape
    // y = x viewed with a new shape    dx = dy viewed with x's shape

    /// Same data, new shape; one axis may be −1 (inferred). Shares storage (like a PyTorch view).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshape: cannot infer \(newShape) from \(shape)")
            s[i] = count / known
        }
        precondition(Shape.count(s) == count, "reshape: \(shape) (\(count) elements) to \(newShape)")
        return Tensor.result("reshape", shape: s, storage: storage, inputs: [self]) { [self] g in
            accumulateGrad(g)
        }
    }

    /// Flattens axes `start...end` into one.
    public func flattened(from start: Int = 0, to end: Int = -1) -> Tensor {
        let a = Shape.axis(start, rank: rank, op: "flatten"), b = Shape.axis(end, rank: rank, op: "flatten")
        let merged = shape[a...b].reduce(1, *)
        return reshaped(Array(shape[..<a]) + [merged] + Array(shape[(b + 1)...]))
    }

    /// Inserts a size-1 axis at `axis`.
    public func unsqueezed(_ axis: Int) -> Tensor {
        var s = shape
        s.insert(1, at: axis < 0 ? axis + rank + 1 : axis)
        return reshaped(s)
    }

    /// Removes a size-1 axis.
    public func squeezed(_ axis: Int) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "squeeze")
        precondition(shape[a] == 1, "squeeze: axis \(axis) of \(shape) is not 1")
        var s = shape
        s.remove(at: a)
        return reshaped(s)
    }

    // MARK: - permute
    // y[perm(i)] = x[i]     dx = permute(dy, inverse(perm))

    /// Reorders axes: output axis k is input axis `order[k]`. Copies.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.count == rank && Set(order) == Set(0..<rank), "permute: order \(order) for \(shape)")
        let outShape = order.map { shape[$0] }
        let s = Storage(uninitializedCount: count)
        Tensor.permuteKernel(data, shape: shape, order: order, into: s.buffer, accumulate: false)
        var inverse = [Int](repeating: 0, count: rank)
        for (k, a) in order.enumerated() { inverse[a] = k }
        return Tensor.result("permute", shape: outShape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                Tensor.permuteKernel(g.data, shape: outShape, order: inverse, into: dst, accumulate: true)
            }
        }
    }

    /// Swaps two axes. Copies.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(Shape.axis(a, rank: rank, op: "transpose"), Shape.axis(b, rank: rank, op: "transpose"))
        return permuted(order)
    }

    /// out[j] (row-major over permuted shape) = x[i]; the source is read with permuted strides.
    static func permuteKernel(
        _ x: UnsafeBufferPointer<Float>, shape: [Int], order: [Int],
        into dst: UnsafeMutableBufferPointer<Float>, accumulate: Bool
    ) {
        let outShape = order.map { shape[$0] }
        let inStrides = Shape.strides(shape)
        let src = order.map { inStrides[$0] }
        let so = Shape.strides(outShape)
        guard dst.count > 0 else { return }
        forEachRow(outShape, [src, so]) { off, n, inner in
            let si = inner[0]
            if accumulate {
                for j in 0..<n { dst[off[1] + j] += x[off[0] + j * si] }
            } else {
                for j in 0..<n { dst[off[1] + j] = x[off[0] + j * si] }
            }
        }
    }
}
