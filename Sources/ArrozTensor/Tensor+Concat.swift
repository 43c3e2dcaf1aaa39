// Tensor+Concat: concatenation along an axis (torch.cat), forward/backward side by side.

// MARK: - concat
// y = [x₀ | x₁ | …] along `axis`        dxᵢ = the matching block of dy

/// Joins tensors along `axis`; all other axes must agree.
///
/// Copies.
public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat: no tensors")
    let first = tensors[0]
    let a = Shape.axis(axis, rank: first.rank, op: "concat")
    for t in tensors {
        precondition(
            t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
            "concat: shapes \(tensors.map(\.shape)) differ off axis \(axis)")
    }
    var outShape = first.shape
    outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
    let outStrides = Shape.strides(outShape)
    var bases: [Int] = []
    var offset = 0
    for t in tensors {
        bases.append(offset * outStrides[a])
        offset += t.shape[a]
    }
    let s = Storage(uninitializedCount: Shape.count(outShape))
    for (t, base) in zip(tensors, bases) {
        stridedCopy(
            t.storage.pointer, base: 0, strides: t.strides, into: s.pointer, base: base,
            strides: outStrides, shape: t.shape, accumulate: false)
    }
    return Tensor.result("concat", shape: outShape, storage: s, inputs: tensors) { g in
        for (t, base) in zip(tensors, bases) where t.requiresGrad {
            t.accumulateGrad { dst in
                guard let d = dst.baseAddress else { return }
                stridedCopy(
                    g.storage.pointer, base: base, strides: outStrides, into: d, base: 0,
                    strides: t.strides, shape: t.shape, accumulate: true)
            }
        }
    }
}

/// Joins tensors along a new axis `axis` (torch.stack).
public func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "stack: no tensors")
    let r = tensors[0].rank
    let a = axis < 0 ? axis + r + 1 : axis
    precondition(a >= 0 && a <= r, "stack: axis \(axis) for rank \(r)")
    return concat(tensors.map { $0.unsqueezed(a) }, axis: a)
}
