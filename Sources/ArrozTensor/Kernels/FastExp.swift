// FastExp: a branch-free exp that LLVM vectorises, and the softmax row kernel built on it.
//
// Written as scalar code on purpose: the stdlib's generic SIMD helpers (pointwiseMax, clamped, replacing)
// lower lane by lane, while this straight-line loop body auto-vectorises to packed instructions.
import Foundation

/// exp(x): Cephes `expf` range reduction and degree-5 polynomial (relative error ≈ 2e-7 on [−87, 88]).
///
/// Matches Cephes `expf.c` (S. Moshier), as used by ncnn/NEON_mathfun: with n = round(x·log₂e) and
/// r = x − n·ln2 (ln2 split in two for precision), exp(x) = 2ⁿ·P(r). n comes from the 1.5·2²³ trick, so no
/// floor or float→int conversion is needed. Inputs below −87.33 (including −∞) give exactly 0, as masked
/// attention scores must; inputs above 88.3 saturate at exp(88.3).
@inlinable @inline(__always)
public func fastExp(_ v: Float) -> Float {
    let x = Swift.min(Swift.max(v, -87.33), 88.3)
    let t = x * 1.442_695_04 + 12_582_912  // 1.5·2²³: the low mantissa bits of t hold n
    let n = t - 12_582_912
    let r = x - n * 0.693_359_375 - n * -2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_6e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_1e-1
    let y = p * (r * r) + r + 1
    let bits = (t.bitPattern &- Float(12_582_912).bitPattern &+ 127) &<< 23  // 2ⁿ as a float bit pattern
    let e = y * Float(bitPattern: bits)
    return v < -87.33 ? 0 : e
}

/// Softmax of one row in place, p = exp(z − max z) / Σ exp(z − max z).
/// A row that is entirely −∞ (every key masked out) becomes all zeros.
@inlinable
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
