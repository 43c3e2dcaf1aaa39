// FastExp: a vectorised exp for softmax rows (8 lanes at a time), and its scalar reference.
import Foundation

/// exp of 8 lanes: Cephes `expf` range reduction and degree-5 polynomial (relative error ≈ 2e-7 on [−87, 88]).
///
/// Matches Cephes `expf.c` (S. Moshier), as used by ncnn/NEON_mathfun: with n = round(x·log₂e) and
/// r = x − n·ln2 (ln2 split in two for precision), exp(x) = 2ⁿ·P(r). Lanes below −87.33 (including −∞) give
/// exactly 0, as masked scores must; lanes above 88.3 saturate at exp(88.3).
@inlinable
public func simdExp(_ v: SIMD8<Float>) -> SIMD8<Float> {
    let x = v.clamped(lowerBound: SIMD8(repeating: -87.33), upperBound: SIMD8(repeating: 88.3))
    // n = round(x·log₂e) by the 1.5·2²³ trick (no floor instruction on baseline x86-64): the low mantissa
    // bits of t hold n, so n's integer bits come from a subtraction of bit patterns.
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let t = x * 1.442_695_04 + magic
    let n = t - magic
    let r = x - n * 0.693_359_375 - n * -2.121_944_4e-4
    let z = r * r
    var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_6e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_1e-1
    let y = p * z + r + 1
    let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
    let scaled = y * unsafeBitCast((ni &+ 127) &<< 23, to: SIMD8<Float>.self)
    return scaled.replacing(with: 0, where: v .< -87.33)
}

/// Softmax of one row in place, p = exp(z − max z) / Σ exp(z − max z), 8 lanes at a time.
/// A row that is entirely −∞ (every key masked out) becomes all zeros.
@inlinable
public func softmaxRowInPlace(_ z: UnsafeMutablePointer<Float>, _ n: Int) {
    var mx = -Float.infinity
    for s in 0..<n { mx = Swift.max(mx, z[s]) }
    guard mx > -.infinity else {
        z.update(repeating: 0, count: n)
        return
    }
    let m = SIMD8<Float>(repeating: mx)
    var acc = SIMD8<Float>()
    var s = 0
    while s + 8 <= n {
        let e = simdExp(UnsafeRawPointer(z + s).loadUnaligned(as: SIMD8<Float>.self) - m)
        UnsafeMutableRawPointer(z + s).storeBytes(of: e, as: SIMD8<Float>.self)
        acc += e
        s += 8
    }
    var sum = acc.sum()
    while s < n {
        let e = Foundation.exp(z[s] - mx)
        z[s] = e
        sum += e
        s += 1
    }
    let inv = 1 / sum
    for i in 0..<n { z[i] *= inv }
}
