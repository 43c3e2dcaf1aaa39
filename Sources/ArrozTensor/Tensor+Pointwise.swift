// Tensor+Pointwise: the chunked elementwise driver behind exp, log, silu, gelu, … (one closure call per chunk).

extension Tensor {
    /// Forward kernel: writes `y[i]` for `i` in the range from `x`.
    public typealias PointwiseForward = (
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>
    ) -> Void
    /// Backward kernel: accumulates `dx[i] += dy[i] · ∂y/∂x (x[i], y[i])` over the range.
    public typealias PointwiseBackward = (
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
        _ dx: UnsafeMutablePointer<Float>, _ range: Range<Int>
    ) -> Void

    /// Applies an elementwise op given as a pair of chunk kernels, in parallel over big tensors.
    ///
    /// Unlike `unary`, the kernels own the inner loop, so the per-element math inlines and vectorises.
    public func pointwise(
        _ name: String, forward: PointwiseForward, backward: @escaping PointwiseBackward
    ) -> Tensor {
        let s = Storage(uninitializedCount: count)
        let p = UnsafePointer(storage.pointer), o = s.pointer
        parallelFor(count, grain: 1 << 14) { r in forward(p, o, r) }
        return Tensor.result(name, shape: shape, storage: s, inputs: [self]) { [self, s] g in
            let y = UnsafePointer(s.pointer)
            let x = UnsafePointer(storage.pointer)
            accumulateGrad { dst in
                let dy = UnsafePointer(g.storage.pointer)
                guard let dx = dst.baseAddress else { return }
                parallelFor(dst.count, grain: 1 << 14) { r in backward(x, y, dy, dx, r) }
            }
        }
    }
}
