// AttentionSoftmax: the in-place softmax row kernel of scaled dot-product attention, on `fastExp`.
//
// Scalar code on purpose: the stdlib's generic SIMD helpers (pointwiseMax, clamped, replacing) lower lane by
// lane, while this straight-line loop body auto-vectorises to packed instructions.

/// Softmax of one row in place, p = exp(z − max z) / Σ exp(z − max z).
/// A row that is entirely −∞ (every key masked out) becomes all zeros.
public func softmaxRowInPlace(_ z: UnsafeMutablePointer<Float>, _ n: Int) {
    // Four independent max chains (a single chain waits on each compare).
    var m0 = -Float.infinity, m1 = -Float.infinity, m2 = -Float.infinity, m3 = -Float.infinity
    var i = 0
    while i + 4 <= n {
        m0 = Swift.max(m0, z[i])
        m1 = Swift.max(m1, z[i + 1])
        m2 = Swift.max(m2, z[i + 2])
        m3 = Swift.max(m3, z[i + 3])
        i += 4
    }
    while i < n {
        m0 = Swift.max(m0, z[i])
        i += 1
    }
    let mx = Swift.max(Swift.max(m0, m1), Swift.max(m2, m3))
    guard mx > -.infinity else {
        z.update(repeating: 0, count: n)
        return
    }
    for s in 0..<n { z[s] = fastExp(z[s] - mx) }
    let inv = 1 / rowSum(z, n)
    for s in 0..<n { z[s] *= inv }
}
