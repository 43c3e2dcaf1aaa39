// Tensor+Softmax: fused, max-shifted softmax and log-softmax along one axis, forward/backward side by side.
import Foundation

extension Tensor {
    /// Views `shape` around `axis` as (outer, K, inner): the axis has K entries `inner` apart.
    static func splitAround(_ shape: [Int], axis: Int) -> (outer: Int, k: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    // MARK: - softmax
    // y_k = e^(x_k − m) / Σ_j e^(x_j − m),  m = max_j x_j        dx_k = y_k·(dy_k − Σ_j dy_j·y_j)

    /// Softmax along `axis` (torch.softmax), shifted by the maximum so large logits cannot overflow.
    public func softmax(axis: Int = -1) -> Tensor { softmaxFamily(axis: axis, log: false) }

    // MARK: - logSoftmax
    // y_k = x_k − m − log Σ_j e^(x_j − m)        dx_k = dy_k − e^(y_k)·Σ_j dy_j

    /// Log-softmax along `axis` (torch.log_softmax), computed in one stable pass.
    public func logSoftmax(axis: Int = -1) -> Tensor { softmaxFamily(axis: axis, log: true) }

    private func softmaxFamily(axis: Int, log: Bool) -> Tensor {
        let name = log ? "logSoftmax" : "softmax"
        let a = Shape.axis(axis, rank: rank, op: name)
        let (outer, k, inner) = Tensor.splitAround(shape, axis: a)
        let s = Storage(uninitializedCount: count)
        Tensor.softmaxForward(storage.pointer, s.pointer, outer: outer, k: k, inner: inner, log: log)
        return Tensor.result(name, shape: shape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                guard let dx = dst.baseAddress else { return }
                Tensor.softmaxBackward(
                    s.pointer, g.storage.pointer, dx, outer: outer, k: k, inner: inner, log: log)
            }
        }
    }

    /// Softmax (or log-softmax) of every line: SIMD rows for the last axis, tiles of lines for any other axis.
    static func softmaxForward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, outer: Int, k: Int, inner: Int, log: Bool
    ) {
        if inner == 1 {
            softmaxRowsForward(x, y, rows: outer, k: k, log: log)
        } else {
            LineLayout(outer: outer, k: k, inner: inner).softmaxForward(x, y, log: log)
        }
    }

    /// Accumulates the softmax (or log-softmax) input gradient from its output `y` and output gradient `dy`.
    static func softmaxBackward(
        _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
        outer: Int, k: Int, inner: Int, log: Bool
    ) {
        if inner == 1 {
            softmaxRowsBackward(y, dy, dx, rows: outer, k: k, log: log)
        } else {
            LineLayout(outer: outer, k: k, inner: inner).softmaxBackward(y, dy, dx, log: log)
        }
    }

    /// Calls `body(firstIndex, step)` for every line of K elements along the split axis, in parallel.
    static func forEachLine(outer: Int, k: Int, inner: Int, _ body: (_ base: Int, _ step: Int) -> Void) {
        let lines = outer * inner
        parallelFor(lines, grain: Swift.max(1, 4096 / Swift.max(k, 1))) { r in
            for line in r {
                let o = line / inner, j = line - o * inner
                body(o * k * inner + j, inner)
            }
        }
    }

    /// One line at a time, scalar loops: the reference for the row and tiled kernels.
    static func softmaxForwardLines(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, outer: Int, k: Int, inner: Int, log: Bool
    ) {
        forEachLine(outer: outer, k: k, inner: inner) { base, step in
            var m = -Float.infinity
            for j in 0..<k { m = Swift.max(m, x[base + j * step]) }
            if m == -Float.infinity { m = 0 }  // an all −∞ line gives NaN/−∞ like PyTorch, not a shift by ∞
            var total: Float = 0
            for j in 0..<k {
                let e = vexp(x[base + j * step] - m)
                y[base + j * step] = e
                total += e
            }
            if log {
                let lse = m + Foundation.log(total)
                for j in 0..<k { y[base + j * step] = x[base + j * step] - lse }
            } else {
                let inv = 1 / total
                for j in 0..<k { y[base + j * step] *= inv }
            }
        }
    }

    /// Softmax or log-softmax along `axis` computed one line at a time (no tiling, no graph) — the naive
    /// reference the tuned kernels are tested against.
    public func softmaxReference(axis: Int, log: Bool) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "softmaxReference")
        let (outer, k, inner) = Tensor.splitAround(shape, axis: a)
        let s = Storage(uninitializedCount: count)
        Tensor.softmaxForwardLines(storage.pointer, s.pointer, outer: outer, k: k, inner: inner, log: log)
        return Tensor(storage: s, shape: shape)
    }
}

/// Softmax along `axis`, free-function spelling.
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor { x.softmax(axis: axis) }
