// Tensor+Binary: broadcasting add, sub, mul, div (forward/backward pairs) and the scalar forms.

// MARK: - Broadcast driver

extension Tensor {
    /// Applies `f` elementwise over the broadcast of `a` and `b` into a fresh storage.
    ///
    /// Always inlined, so that `f` (`+`, `*`, …) is a known function in every loop below and the loops
    /// vectorise; called through a closure, each element paid an indirect call.
    @inline(__always)
    static func broadcastForward(
        _ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Float
    ) -> (shape: [Int], storage: Storage) {
        let shape = a.shape == b.shape ? a.shape : Shape.broadcast(a.shape, b.shape, op: op)
        let out = Storage(uninitializedCount: Shape.count(shape))
        let pa = a.storage.pointer, pb = b.storage.pointer, po = out.pointer
        if a.shape == b.shape {
            parallelFor(out.count, grain: 1 << 16) { r in
                for i in r { po[i] = f(pa[i], pb[i]) }
            }
        } else if b.count == 1 {
            let s = pb[0]
            for i in 0..<out.count { po[i] = f(pa[i], s) }
        } else if a.count == 1 {
            let s = pa[0]
            for i in 0..<out.count { po[i] = f(s, pb[i]) }
        } else if out.count > 0 {
            let sa = Shape.broadcastStrides(a.shape, to: shape)
            let sb = Shape.broadcastStrides(b.shape, to: shape)
            let so = Shape.strides(shape)
            forEachRow(shape, [sa, sb, so]) { off, n, inner in
                let (ia, ib) = (inner[0], inner[1])
                let ra = pa + off[0], rb = pb + off[1], ro = po + off[2]
                // Rows against a per-row constant (a bias [N, C, 1, 1] over [N, C, H, W]) or contiguous
                // rows get unit-stride loops; other strides the general one.
                if ia == 1 && ib == 0 {
                    let s = rb[0]
                    for j in 0..<n { ro[j] = f(ra[j], s) }
                } else if ia == 0 && ib == 1 {
                    let s = ra[0]
                    for j in 0..<n { ro[j] = f(s, rb[j]) }
                } else if ia == 1 && ib == 1 {
                    for j in 0..<n { ro[j] = f(ra[j], rb[j]) }
                } else {
                    for j in 0..<n { ro[j] = f(ra[j * ia], rb[j * ib]) }
                }
            }
        }
        return (shape, out)
    }

    /// Accumulates `d(out)/d(input) * g`, computed in the output shape by `local`, then summed to `input`'s shape.
    static func broadcastBackward(
        _ input: Tensor, outShape: [Int], _ local: (UnsafeMutableBufferPointer<Float>) -> Void
    ) {
        guard input.requiresGrad else { return }
        let tmp = Storage(uninitializedCount: Shape.count(outShape))
        local(tmp.buffer)
        input.accumulateGrad { dst in
            sumToShapeAccumulate(UnsafeBufferPointer(tmp.buffer), from: outShape, to: input.shape, into: dst)
        }
    }

    /// Values of `t` broadcast to `shape` as a buffer-filling helper for backward passes.
    static func broadcastValues(_ t: Tensor, to shape: [Int], into dst: UnsafeMutableBufferPointer<Float>) {
        if t.shape == shape {
            dst.baseAddress?.update(from: t.storage.pointer, count: t.count)
            return
        }
        let st = Shape.broadcastStrides(t.shape, to: shape)
        let so = Shape.strides(shape)
        let p = t.storage.pointer
        forEachRow(shape, [st, so]) { off, n, inner in
            for j in 0..<n { dst[off[1] + j] = p[off[0] + j * inner[0]] }
        }
    }
}

// MARK: - add / sub / mul / div
// z = a + b   dz/da = 1, dz/db = 1
// z = a − b   dz/da = 1, dz/db = −1
// z = a · b   dz/da = b, dz/db = a
// z = a / b   dz/da = 1/b, dz/db = −a/b²

public func + (a: Tensor, b: Tensor) -> Tensor {
    let (shape, s) = Tensor.broadcastForward(a, b, op: "add", +)
    return Tensor.result("add", shape: shape, storage: s, inputs: [a, b]) { g in
        for x in [a, b] where x.requiresGrad {
            x.accumulateGrad { dst in sumToShapeAccumulate(g.data, from: shape, to: x.shape, into: dst) }
        }
    }
}

public func - (a: Tensor, b: Tensor) -> Tensor {
    let (shape, s) = Tensor.broadcastForward(a, b, op: "sub", -)
    return Tensor.result("sub", shape: shape, storage: s, inputs: [a, b]) { g in
        a.accumulateGrad { dst in sumToShapeAccumulate(g.data, from: shape, to: a.shape, into: dst) }
        Tensor.broadcastBackward(b, outShape: shape) { t in
            for i in 0..<t.count { t[i] = -g.data[i] }
        }
    }
}

public func * (a: Tensor, b: Tensor) -> Tensor {
    let (shape, s) = Tensor.broadcastForward(a, b, op: "mul", *)
    return Tensor.result("mul", shape: shape, storage: s, inputs: [a, b]) { g in
        Tensor.broadcastBackward(a, outShape: shape) { t in
            Tensor.broadcastValues(b, to: shape, into: t)
            for i in 0..<t.count { t[i] *= g.data[i] }
        }
        Tensor.broadcastBackward(b, outShape: shape) { t in
            Tensor.broadcastValues(a, to: shape, into: t)
            for i in 0..<t.count { t[i] *= g.data[i] }
        }
    }
}

public func / (a: Tensor, b: Tensor) -> Tensor {
    let (shape, s) = Tensor.broadcastForward(a, b, op: "div", /)
    return Tensor.result("div", shape: shape, storage: s, inputs: [a, b]) { g in
        Tensor.broadcastBackward(a, outShape: shape) { t in
            Tensor.broadcastValues(b, to: shape, into: t)
            for i in 0..<t.count { t[i] = g.data[i] / t[i] }
        }
        Tensor.broadcastBackward(b, outShape: shape) { t in
            // −a/b² · g = −z/b · g
            Tensor.broadcastValues(b, to: shape, into: t)
            for i in 0..<t.count { t[i] = -g.data[i] * s.pointer[i] / t[i] }
        }
    }
}

public prefix func - (a: Tensor) -> Tensor { a * -1 }

// MARK: - Scalar forms
// z = a·s + c : dz/da = s

extension Tensor {
    /// `self * scale + shift` elementwise, one pass (the scalar forms of +, −, ·, / use it).
    public func affine(scale: Float, shift: Float) -> Tensor {
        let s = Storage(uninitializedCount: count)
        let p = storage.pointer, o = s.pointer
        parallelFor(count, grain: 1 << 16) { r in
            for i in r { o[i] = p[i] * scale + shift }
        }
        return Tensor.result("affine", shape: shape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                let gp = g.data
                for i in 0..<dst.count { dst[i] += gp[i] * scale }
            }
        }
    }
}

public func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
public func + (s: Float, a: Tensor) -> Tensor { a.affine(scale: 1, shift: s) }
public func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
public func - (s: Float, a: Tensor) -> Tensor { a.affine(scale: -1, shift: s) }
public func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s, shift: 0) }
public func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s, shift: 0) }
public func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s, shift: 0) }
public func / (s: Float, a: Tensor) -> Tensor { Tensor(scalar: s) / a }
