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
// erf x ≈ x·P(x²)/Q(x²) on x clamped to [−4, 4] (erf(±4) rounds to ±1 in Float), P of degree 6 and Q of
// degree 4 in x²: the odd rational minimax form Eigen and XLA use for float erf. No exp and no branch, so a
// loop over it vectorises; 10 fused multiply-adds (`muladd`: Swift does not contract a·b + c on its own) and
// one divide, against ≈ 30 operations for Abramowitz & Stegun 7.1.26 with an exp, which the engine used
// before (a GELU loop over 885k floats: 1.08 → 0.35 ms on one core).

/// erf(x) to 4.2e−7 absolute error (3.1e−7 relative below 1) in Float arithmetic, vectorisable; ±1 at ±∞,
/// NaN kept, erf(−0) = −0. The engine's one erf: GELU's forward and backward both use it.
@inline(__always) public func fastErf(_ a: Float) -> Float {
    let x = a < -4 ? -4 : (a > 4 ? 4 : a)  // written with compares so NaN stays NaN
    let x2 = x * x
    var p = muladd(x2, -2.72614225801306e-10, 2.77068142495902e-08)
    p = muladd(x2, p, -2.10102402082508e-06)
    p = muladd(x2, p, -5.69250639462346e-05)
    p = muladd(x2, p, -7.34990630326855e-04)
    p = muladd(x2, p, -2.95459980854025e-03)
    p = muladd(x2, p, -1.60960333262415e-02)
    var q = muladd(x2, -1.45660718464996e-05, -2.13374055278905e-04)
    q = muladd(x2, q, -1.68282697438203e-03)
    q = muladd(x2, q, -7.37332916720468e-03)
    q = muladd(x2, q, -1.42647390514189e-02)
    return x * p / q
}

/// a·b + c in one rounding (FMA). Vectorises to `vfmadd` in release builds (haswell target).
@inline(__always) public func muladd(_ a: Float, _ b: Float, _ c: Float) -> Float { c.addingProduct(a, b) }
