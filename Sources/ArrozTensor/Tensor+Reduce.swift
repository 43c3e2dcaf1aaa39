// Tensor+Reduce: sum and mean over axes (keepDims), forward/backward side by side.

extension Tensor {
    /// Shape after reducing `axes` (normalised, sorted); keeps size-1 axes when `keepDims`.
    static func reducedShape(_ shape: [Int], axes: [Int], keepDims: Bool) -> [Int] {
        var out: [Int] = []
        for (i, d) in shape.enumerated() {
            if axes.contains(i) {
                if keepDims { out.append(1) }
            } else {
                out.append(d)
            }
        }
        return out
    }

    func normalizedAxes(_ axes: [Int]?, op: String) -> [Int] {
        guard let axes else { return Array(0..<rank) }
        return Array(Set(axes.map { Shape.axis($0, rank: rank, op: op) })).sorted()
    }

    // MARK: - sum
    // y = Σ_axes x        dx = broadcast(dy)

    /// Sum over `axes` (all axes when nil).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, op: "sum")
        let kept = Tensor.reducedShape(shape, axes: ax, keepDims: true)
        let outShape = Tensor.reducedShape(shape, axes: ax, keepDims: keepDims)
        let s = Storage(count: Shape.count(kept), repeating: 0)
        sumToShapeAccumulate(data, from: shape, to: kept, into: s.buffer)
        return Tensor.result("sum", shape: outShape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                let gk = Tensor(storage: g.storage, shape: kept)
                let tmp = Storage(uninitializedCount: count)
                Tensor.broadcastValues(gk, to: shape, into: tmp.buffer)
                for i in 0..<dst.count { dst[i] += tmp.pointer[i] }
            }
        }
    }

    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (all axes when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, op: "mean")
        let n = ax.reduce(1) { $0 * shape[$1] }
        return sum(axes: ax, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }
}
