// RowKernels: softmax-family kernels over contiguous rows (the last axis), with SIMD-friendly reductions.
//
// Float sums do not auto-vectorise (strict IEEE order), so the reductions keep eight partial accumulators by
// hand; the elementwise passes are plain loops the compiler vectorises. `Tensor.softmaxForwardLines` is the
// one-line-at-a-time reference these are tested against.
import Foundation

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// max of `p[0..<n]` (n ≥ 1), in four independent chains.
///
/// Scalar on purpose: the stdlib's generic `pointwiseMax` lowers lane by lane. (`rowSum` lives in
/// RowReductions.swift.)
@inline(__always) func rowMax(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var m0 = -Float.infinity, m1 = -Float.infinity, m2 = -Float.infinity, m3 = -Float.infinity
    var i = 0
    while i + 4 <= n {
        m0 = Swift.max(m0, p[i])
        m1 = Swift.max(m1, p[i + 1])
        m2 = Swift.max(m2, p[i + 2])
        m3 = Swift.max(m3, p[i + 3])
        i += 4
    }
    while i < n {
        m0 = Swift.max(m0, p[i])
        i += 1
    }
    return Swift.max(Swift.max(m0, m1), Swift.max(m2, m3))
}

/// Σ a[i]·b[i] over 0..<n.
@inline(__always) func rowDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var i = 0
    var s8 = SIMD8<Float>(repeating: 0)
    while i + 8 <= n {
        s8 += load8(a + i) * load8(b + i)
        i += 8
    }
    var s = s8.sum()
    while i < n {
        s += a[i] * b[i]
        i += 1
    }
    return s
}

// MARK: - softmax / log-softmax over rows
// m = max x,  e = e^(x − m),  softmax = e / Σe,  log-softmax = x − m − log Σe

func softmaxRowsForward(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, k: Int, log: Bool
) {
    guard k > 0 else { return }
    parallelFor(rows, grain: Swift.max(1, 8192 / k)) { r in
        for row in r {
            let xr = x + row * k, yr = y + row * k
            var m = rowMax(xr, k)
            if m == -Float.infinity { m = 0 }  // an all −∞ row gives NaN/−∞ like PyTorch, not a shift by ∞
            for j in 0..<k { yr[j] = vexp(xr[j] - m) }
            let total = rowSum(UnsafePointer(yr), k)
            if log {
                let lse = m + Foundation.log(total)
                for j in 0..<k { yr[j] = xr[j] - lse }
            } else {
                let inv = 1 / total
                for j in 0..<k { yr[j] *= inv }
            }
        }
    }
}

// MARK: - backward
// softmax:      dx = y·(dy − Σ dy·y)
// log-softmax:  dx = dy − e^y·Σ dy

func softmaxRowsBackward(
    _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
    rows: Int, k: Int, log: Bool
) {
    guard k > 0 else { return }
    parallelFor(rows, grain: Swift.max(1, 8192 / k)) { r in
        for row in r {
            let yr = y + row * k, gr = dy + row * k, d = dx + row * k
            if log {
                let total = rowSum(gr, k)
                for j in 0..<k { d[j] += gr[j] - vexp(yr[j]) * total }
            } else {
                let dot = rowDot(gr, yr, k)
                for j in 0..<k { d[j] += yr[j] * (gr[j] - dot) }
            }
        }
    }
}
