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
    public func softmax(axis: Int = -1) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "softmax")
        let (outer, k, inner) = Tensor.splitAround(shape, axis: a)
        let s = Storage(uninitializedCount: count)
        Tensor.softmaxForward(storage.pointer, s.pointer, outer: outer, k: k, inner: inner, log: false)
        return Tensor.result("softmax", shape: shape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                let y = s.pointer, dy = g.storage.pointer
                Tensor.forEachLine(outer: outer, k: k, inner: inner) { base, step in
                    var dot: Float = 0
                    for j in 0..<k { dot += dy[base + j * step] * y[base + j * step] }
                    for j in 0..<k {
                        let i = base + j * step
                        dst[i] += y[i] * (dy[i] - dot)
                    }
                }
            }
        }
    }

    // MARK: - logSoftmax
    // y_k = x_k − m − log Σ_j e^(x_j − m)        dx_k = dy_k − e^(y_k)·Σ_j dy_j

    /// Log-softmax along `axis` (torch.log_softmax), computed in one stable pass.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "logSoftmax")
        let (outer, k, inner) = Tensor.splitAround(shape, axis: a)
        let s = Storage(uninitializedCount: count)
        Tensor.softmaxForward(storage.pointer, s.pointer, outer: outer, k: k, inner: inner, log: true)
        return Tensor.result("logSoftmax", shape: shape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                let y = s.pointer, dy = g.storage.pointer
                Tensor.forEachLine(outer: outer, k: k, inner: inner) { base, step in
                    var total: Float = 0
                    for j in 0..<k { total += dy[base + j * step] }
                    for j in 0..<k {
                        let i = base + j * step
                        dst[i] += dy[i] - Foundation.exp(y[i]) * total
                    }
                }
            }
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

    /// Writes softmax (or log-softmax) of every line of `x` into `y`; lines are K elements `inner` apart.
    static func softmaxForward(
        _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>,
        outer: Int, k: Int, inner: Int, log: Bool
    ) {
        forEachLine(outer: outer, k: k, inner: inner) { base, step in
            var m = -Float.infinity
            for j in 0..<k { m = Swift.max(m, x[base + j * step]) }
            if m == -Float.infinity { m = 0 }  // an all −∞ line gives NaN/−∞ like PyTorch, not a shift by ∞
            var total: Float = 0
            for j in 0..<k {
                let e = Foundation.exp(x[base + j * step] - m)
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
}

/// Softmax along `axis`, free-function spelling.
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor { x.softmax(axis: axis) }
