// FastMath: branch-free exp (full range) and erf that the compiler vectorises (libm's expf/erff are opaque calls).
//
// The activations, softmax and losses run these per element; `Foundation.exp` / `erf` are the references
// (FastMathTests checks the error bounds over the whole float range and the edge cases: ±∞, NaN, denormals).

// MARK: - exp
// eˣ = 2ⁿ·eʳ,  n = round(x/ln 2),  r = x − n·ln 2 ∈ [−ln2/2, ln2/2] (Cody–Waite two-constant split),
// eʳ ≈ 1 + r + r²·P(r) with the Cephes `expf` minimax polynomial (≤ 2 ulp), 2ⁿ built in the exponent bits
// as 2^⌊n/2⌋ · 2^(n−⌊n/2⌋) so results down to the denormals and up to overflow (∞) come out right.

/// eˣ to about 2 ulp over the whole float range, without branches or calls (vectorisable).
///
/// ∞ above 88.73, denormals down to −103.97 and 0 below, NaN kept — libm's edge behaviour, which the ops
/// (`exp()`, sigmoid, softmax, losses) need for PyTorch parity. `fastExp` (Kernels/FastExp.swift) is the
/// attention variant: it flushes everything below −87.33 to 0 and saturates above 88.3.
@inline(__always) public func vexp(_ x: Float) -> Float {
    var xc = x < -103.972077 ? -103.972077 : x
    xc = xc > 88.8 ? 88.8 : xc
    // n = round(x·log₂e) via the 1.5·2²³ shifter; its low mantissa bits hold n as an integer
    let shifted = xc * 1.44269504088896341 + 12_582_912.0
    let n = shifted - 12_582_912.0
    var r = xc - n * 0.693359375
    r -= n * -2.12194440e-4
    var p: Float = 1.9875691500e-4
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    p = p * r * r + r + 1
    let ni = Int32(bitPattern: shifted.bitPattern &- 0x4B40_0000)
    let n1 = ni &>> 1, n2 = ni &- n1
    let s1 = Float(bitPattern: UInt32(bitPattern: (n1 &+ 127) &<< 23))
    let s2 = Float(bitPattern: UInt32(bitPattern: (n2 &+ 127) &<< 23))
    let y = p * s1 * s2
    return x < -103.972077 ? 0 : y
}

/// σ(x) = 1/(1 + e⁻ˣ) with `vexp`; saturates cleanly to 0 and 1 (e⁻ˣ = ∞ gives 0, not NaN).
@inline(__always) public func fastSigmoid(_ x: Float) -> Float { 1 / (1 + vexp(-x)) }

// MARK: - erf
// erf x = sign(x)·(1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−x²)),  t = 1/(1 + p|x|)
// (Abramowitz & Stegun 7.1.26, |error| ≤ 1.5e−7)

/// erf(x) given `expNegSq` = e^(−x²) already computed (GELU's backward shares it with the density).
@inline(__always) func erfWithExp(_ x: Float, _ expNegSq: Float) -> Float {
    let a = x < 0 ? -x : x
    let t = 1 / (1 + 0.3275911 * a)
    var poly: Float = 1.061405429
    poly = poly * t - 1.453152027
    poly = poly * t + 1.421413741
    poly = poly * t - 0.284496736
    poly = poly * t + 0.254829592
    let e = 1 - poly * t * expNegSq
    return x < 0 ? -e : e
}

/// erf(x) to 5e−7 absolute error in Float arithmetic (1.5e−7 in exact arithmetic), vectorisable.
@inline(__always) public func fastErf(_ x: Float) -> Float {
    erfWithExp(x, vexp(-x * x))
}
