// Tensor+Moments: variance and standard deviation over axes (fused two-pass), forward/backward side by side.

extension Tensor {
    // MARK: - variance
    // μ = mean_axes x,  d = x − μ,  v = Σ d² / (n − δ)   (δ = 1 when unbiased)
    // dv/dx = 2·d / (n − δ)        (the Σ d = 0 term from μ's dependence on x vanishes)

    /// Variance over `axes` (all when nil); `unbiased` divides by n − 1 (torch.var's default correction).
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        let ax = normalizedAxes(axes, op: "variance")
        let kept = Tensor.reducedShape(shape, axes: ax, keepDims: true)
        let outShape = Tensor.reducedShape(shape, axes: ax, keepDims: keepDims)
        let n = ax.reduce(1) { $0 * shape[$1] }
        let denom = Float(n - (unbiased ? 1 : 0))
        // μ, kept shape
        let mu = Storage(count: Shape.count(kept), repeating: 0)
        sumToShapeAccumulate(data, from: shape, to: kept, into: mu.buffer)
        for i in 0..<mu.count { mu.pointer[i] /= Float(Swift.max(n, 1)) }
        // d = x − μ, input shape
        let d = Storage(uninitializedCount: count)
        Tensor.broadcastValues(Tensor(storage: mu, shape: kept), to: shape, into: d.buffer)
        let x = storage.pointer
        for i in 0..<count { d.pointer[i] = x[i] - d.pointer[i] }
        let d2 = Storage(uninitializedCount: count)
        for i in 0..<count { d2.pointer[i] = d.pointer[i] * d.pointer[i] }
        let v = Storage(count: Shape.count(kept), repeating: 0)
        sumToShapeAccumulate(UnsafeBufferPointer(d2.buffer), from: shape, to: kept, into: v.buffer)
        for i in 0..<v.count { v.pointer[i] /= denom }
        return Tensor.result("variance", shape: outShape, storage: v, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                let gb = Storage(uninitializedCount: count)
                Tensor.broadcastValues(Tensor(storage: g.storage, shape: kept), to: shape, into: gb.buffer)
                for i in 0..<dst.count { dst[i] += gb.pointer[i] * 2 * d.pointer[i] / denom }
            }
        }
    }

    /// Standard deviation over `axes`, √variance.
    public func std(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        variance(axes: axes, keepDims: keepDims, unbiased: unbiased).sqrt()
    }
}
