// Tensor+Select: maximum, minimum, select (torch.where), maskedFill and lerp — broadcasting, with gradients.

// MARK: - Three-way broadcast driver

extension Tensor {
    /// Applies `f(c, a, b)` elementwise over the broadcast of three tensors into a fresh storage.
    static func broadcastForward3(
        _ c: Tensor, _ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float, Float) -> Float
    ) -> (shape: [Int], storage: Storage) {
        let same = c.shape == a.shape && a.shape == b.shape
        let shape =
            same ? a.shape : Shape.broadcast(Shape.broadcast(c.shape, a.shape, op: op), b.shape, op: op)
        let out = Storage(uninitializedCount: Shape.count(shape))
        let pc = c.storage.pointer, pa = a.storage.pointer, pb = b.storage.pointer, po = out.pointer
        if same {
            parallelFor(out.count, grain: 1 << 15) { r in
                for i in r { po[i] = f(pc[i], pa[i], pb[i]) }
            }
        } else if out.count > 0 {
            let sc = Shape.broadcastStrides(c.shape, to: shape)
            let sa = Shape.broadcastStrides(a.shape, to: shape)
            let sb = Shape.broadcastStrides(b.shape, to: shape)
            forEachRow(shape, [sc, sa, sb, Shape.strides(shape)]) { off, n, inner in
                let (ic, ia, ib) = (inner[0], inner[1], inner[2])
                for j in 0..<n {
                    po[off[3] + j] = f(pc[off[0] + j * ic], pa[off[1] + j * ia], pb[off[2] + j * ib])
                }
            }
        }
        return (shape, out)
    }
}

// MARK: - maximum / minimum
// z = max(a, b)    dz/da = 1 if a > b, ½ if a = b, else 0    (ties split, as torch.maximum)
// z = min(a, b)    dz/da = 1 if a < b, ½ if a = b, else 0

/// Elementwise maximum with broadcasting (NaN propagates).
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { extremum(a, b, name: "maximum", sign: 1) }

/// Elementwise minimum with broadcasting (NaN propagates).
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { extremum(a, b, name: "minimum", sign: -1) }

/// max (sign = 1) or min (sign = −1) of two broadcast tensors; `sign·a > sign·b` picks `a`.
private func extremum(_ a: Tensor, _ b: Tensor, name: String, sign: Float) -> Tensor {
    let (shape, s) = Tensor.broadcastForward(a, b, op: name) { x, y in
        if x.isNaN || y.isNaN { return .nan }
        return sign * x >= sign * y ? x : y
    }
    return Tensor.result(name, shape: shape, storage: s, inputs: [a, b]) { g in
        // share[i] = ∂z/∂a: 1, ½ or 0
        let av = Storage(uninitializedCount: Shape.count(shape))
        let bv = Storage(uninitializedCount: Shape.count(shape))
        Tensor.broadcastValues(a, to: shape, into: av.buffer)
        Tensor.broadcastValues(b, to: shape, into: bv.buffer)
        let gp = g.data
        Tensor.broadcastBackward(a, outShape: shape) { t in
            for i in 0..<t.count {
                let x = sign * av.pointer[i], y = sign * bv.pointer[i]
                t[i] = x > y ? gp[i] : (x == y ? 0.5 * gp[i] : 0)
            }
        }
        Tensor.broadcastBackward(b, outShape: shape) { t in
            for i in 0..<t.count {
                let x = sign * av.pointer[i], y = sign * bv.pointer[i]
                t[i] = y > x ? gp[i] : (x == y ? 0.5 * gp[i] : 0)
            }
        }
    }
}

// MARK: - select (torch.where)
// z = cond ≠ 0 ? a : b        dz/da = [cond ≠ 0],  dz/db = [cond = 0],  no gradient to cond

/// `cond ≠ 0 ? a : b` elementwise, with all three broadcast together (torch.where).
public func select(_ cond: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    let (shape, s) = Tensor.broadcastForward3(cond, a, b, op: "select") { c, x, y in c != 0 ? x : y }
    return Tensor.result("select", shape: shape, storage: s, inputs: [a, b]) { g in
        let cv = Storage(uninitializedCount: Shape.count(shape))
        Tensor.broadcastValues(cond, to: shape, into: cv.buffer)
        let gp = g.data
        Tensor.broadcastBackward(a, outShape: shape) { t in
            for i in 0..<t.count { t[i] = cv.pointer[i] != 0 ? gp[i] : 0 }
        }
        Tensor.broadcastBackward(b, outShape: shape) { t in
            for i in 0..<t.count { t[i] = cv.pointer[i] != 0 ? 0 : gp[i] }
        }
    }
}

extension Tensor {
    // MARK: - maskedFill
    // y = mask ≠ 0 ? v : x        dy/dx = [mask = 0]

    /// Replaces elements where `mask` (broadcast to this shape) is non-zero by `value` (Tensor.masked_fill).
    public func maskedFill(mask: Tensor, value: Float) -> Tensor {
        let m = Storage(uninitializedCount: count)
        precondition(
            Shape.broadcast(mask.shape, shape, op: "maskedFill") == shape,
            "maskedFill: mask \(mask.shape) does not broadcast to \(shape)")
        Tensor.broadcastValues(mask, to: shape, into: m.buffer)
        let s = Storage(uninitializedCount: count)
        let p = storage.pointer, mp = m.pointer, o = s.pointer
        parallelFor(count, grain: 1 << 15) { r in
            for i in r { o[i] = mp[i] != 0 ? value : p[i] }
        }
        return Tensor.result("maskedFill", shape: shape, storage: s, inputs: [self]) { [self] g in
            accumulateGrad { dst in
                let gp = g.data
                for i in 0..<dst.count where mp[i] == 0 { dst[i] += gp[i] }
            }
            withExtendedLifetime(m) {}
        }
    }
}

// MARK: - lerp
// z = a + w·(b − a)     dz/da = 1 − w,  dz/db = w,  dz/dw = b − a

/// Linear interpolation `a + weight·(b − a)` with broadcasting (torch.lerp).
public func lerp(_ a: Tensor, _ b: Tensor, weight w: Float) -> Tensor {
    let (shape, s) = Tensor.broadcastForward(a, b, op: "lerp") { x, y in x + w * (y - x) }
    return Tensor.result("lerp", shape: shape, storage: s, inputs: [a, b]) { g in
        let gp = g.data
        Tensor.broadcastBackward(a, outShape: shape) { t in
            for i in 0..<t.count { t[i] = gp[i] * (1 - w) }
        }
        Tensor.broadcastBackward(b, outShape: shape) { t in
            for i in 0..<t.count { t[i] = gp[i] * w }
        }
    }
}

/// Linear interpolation with a tensor weight, all three broadcast together (torch.lerp).
public func lerp(_ a: Tensor, _ b: Tensor, weight w: Tensor) -> Tensor {
    let (shape, s) = Tensor.broadcastForward3(w, a, b, op: "lerp") { t, x, y in x + t * (y - x) }
    return Tensor.result("lerp", shape: shape, storage: s, inputs: [a, b, w]) { g in
        let n = Shape.count(shape)
        let av = Storage(uninitializedCount: n), bv = Storage(uninitializedCount: n)
        let wv = Storage(uninitializedCount: n)
        Tensor.broadcastValues(a, to: shape, into: av.buffer)
        Tensor.broadcastValues(b, to: shape, into: bv.buffer)
        Tensor.broadcastValues(w, to: shape, into: wv.buffer)
        let gp = g.data
        Tensor.broadcastBackward(a, outShape: shape) { t in
            for i in 0..<n { t[i] = gp[i] * (1 - wv.pointer[i]) }
        }
        Tensor.broadcastBackward(b, outShape: shape) { t in
            for i in 0..<n { t[i] = gp[i] * wv.pointer[i] }
        }
        Tensor.broadcastBackward(w, outShape: shape) { t in
            for i in 0..<n { t[i] = gp[i] * (bv.pointer[i] - av.pointer[i]) }
        }
    }
}
