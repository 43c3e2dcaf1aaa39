// Strided iteration: walks a shape row by row (last axis innermost) with per-operand strides.
// Every broadcasting kernel and the axis reductions are built on this one loop.

/// Collapses adjacent axes that are contiguous for every operand, so the inner loop runs as long as possible.
/// `strides[k]` are operand k's strides over `shape` (0 on broadcast axes).
func collapseAxes(_ shape: [Int], _ strides: [[Int]]) -> ([Int], [[Int]]) {
    var outShape: [Int] = []
    var outStrides = [[Int]](repeating: [], count: strides.count)
    for axis in 0..<shape.count {
        if shape[axis] == 1 { continue }
        if let last = outShape.last {
            let mergeable = strides.indices.allSatisfy { k in
                strides[k][axis] * shape[axis] == outStrides[k].last ?? -1
            }
            if mergeable {
                outShape[outShape.count - 1] = last * shape[axis]
                for k in strides.indices { outStrides[k][outStrides[k].count - 1] = strides[k][axis] }
                continue
            }
        }
        outShape.append(shape[axis])
        for k in strides.indices { outStrides[k].append(strides[k][axis]) }
    }
    if outShape.isEmpty {
        outShape = [1]
        for k in strides.indices { outStrides[k] = [0] }
    }
    return (outShape, outStrides)
}

/// Calls `body(rowOffsets, innerCount, innerStrides)` once per row of the collapsed iteration space.
/// `rowOffsets[k]` is operand k's element offset at the row start. Always inlined, so that `body`'s loop is
/// compiled together with the caller's element function (vectorised, no call per element).
@inline(__always)
func forEachRow(
    _ shape: [Int], _ strides: [[Int]], _ body: (_ offsets: [Int], _ n: Int, _ inner: [Int]) -> Void
) {
    let (s, st) = collapseAxes(shape, strides)
    let rank = s.count
    let n = s[rank - 1]
    let inner = st.map { $0[rank - 1] }
    let rows = s.dropLast().reduce(1, *)
    var index = [Int](repeating: 0, count: max(rank - 1, 0))
    var offsets = [Int](repeating: 0, count: strides.count)
    for _ in 0..<rows {
        body(offsets, n, inner)
        // advance the multi-index over the outer axes
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            for k in st.indices { offsets[k] += st[k][axis] }
            if index[axis] < s[axis] { break }
            for k in st.indices { offsets[k] -= st[k][axis] * s[axis] }
            index[axis] = 0
            axis -= 1
        }
    }
}

/// Sums `g` (shape `from`) down to `to` (a shape that broadcasts to `from`), accumulating into `dst`.
/// This is the backward of broadcasting.
func sumToShapeAccumulate(
    _ g: UnsafeBufferPointer<Float>, from: [Int], to: [Int], into dst: UnsafeMutableBufferPointer<Float>
) {
    if from == to {
        for i in 0..<dst.count { dst[i] += g[i] }
        return
    }
    let gs = Shape.strides(from)
    let ds = Shape.broadcastStrides(to, to: from)
    forEachRow(from, [gs, ds]) { off, n, inner in
        let (gi, di) = (inner[0], inner[1])
        if di == 0 {
            var acc: Float = 0
            for j in 0..<n { acc += g[off[0] + j * gi] }
            dst[off[1]] += acc
        } else {
            for j in 0..<n { dst[off[1] + j * di] += g[off[0] + j * gi] }
        }
    }
}
