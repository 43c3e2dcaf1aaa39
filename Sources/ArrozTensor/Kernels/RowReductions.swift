// RowReductions: 16-lane sums over contiguous rows for the norm kernels' statistics.
//
// Swift never reassociates Float additions, so `for i in 0..<n { s += p[i] }` runs one dependent add at a
// time (≈ 1 element per 4 cycles). These keep two 8-lane accumulators instead; the order of additions differs
// from the serial loop by rounding only.

/// Σ p[i] for i in 0..<n.
@inlinable
public func rowSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var a = SIMD8<Float>(), b = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
        a += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        b += UnsafeRawPointer(p + i + 8).loadUnaligned(as: SIMD8<Float>.self)
        i += 16
    }
    var s = (a + b).sum()
    while i < n {
        s += p[i]
        i += 1
    }
    return s
}

/// Σ (p[i] − mean)² for i in 0..<n.
@inlinable
public func rowSumSquaredDeviation(_ p: UnsafePointer<Float>, _ n: Int, mean: Float) -> Float {
    let m = SIMD8<Float>(repeating: mean)
    var a = SIMD8<Float>(), b = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
        let u = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) - m
        let v = UnsafeRawPointer(p + i + 8).loadUnaligned(as: SIMD8<Float>.self) - m
        a += u * u
        b += v * v
        i += 16
    }
    var s = (a + b).sum()
    while i < n {
        let d = p[i] - mean
        s += d * d
        i += 1
    }
    return s
}

/// (Σ g[i], Σ g[i]·(x[i] − mean)) for i in 0..<n: the two sums every norm backward needs.
@inlinable
public func rowGradSums(
    _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, mean: Float
) -> (sum: Float, dot: Float) {
    let m = SIMD8<Float>(repeating: mean)
    var sa = SIMD8<Float>(), sb = SIMD8<Float>(), da = SIMD8<Float>(), db = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
        let g0 = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
        let g1 = UnsafeRawPointer(g + i + 8).loadUnaligned(as: SIMD8<Float>.self)
        let x0 = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - m
        let x1 = UnsafeRawPointer(x + i + 8).loadUnaligned(as: SIMD8<Float>.self) - m
        sa += g0
        sb += g1
        da += g0 * x0
        db += g1 * x1
        i += 16
    }
    var s = (sa + sb).sum(), d = (da + db).sum()
    while i < n {
        s += g[i]
        d += g[i] * (x[i] - mean)
        i += 1
    }
    return (s, d)
}
