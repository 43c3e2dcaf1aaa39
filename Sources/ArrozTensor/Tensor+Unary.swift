// Tensor+Unary: the generic elementwise unary driver that every pointwise op (exp, tanh, silu, …) is built on.

extension Tensor {
    /// Applies `f` elementwise; backward multiplies the output gradient by `df(x, y)` (y = f(x)).
    ///
    /// Ops define `f` and `df` side by side, with the derivative written as math above them (house rule 2).

    public func unary(
        _ name: String, _ f: @escaping (Float) -> Float, _ df: @escaping (_ x: Float, _ y: Float) -> Float
    ) -> Tensor {
        let s = Storage(uninitializedCount: count)
        let p = storage.pointer, o = s.pointer
        parallelFor(count, grain: 1 << 15) { r in
            for i in r { o[i] = f(p[i]) }
        }
        return Tensor.result(name, shape: shape, storage: s, inputs: [self]) { [self, s] g in
            let o = s.pointer
            accumulateGrad { dst in
                let gp = g.storage.pointer
                parallelFor(dst.count, grain: 1 << 15) { r in
                    for i in r { dst[i] += gp[i] * df(p[i], o[i]) }
                }
            }
        }
    }
}
