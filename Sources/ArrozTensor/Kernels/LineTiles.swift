// LineTiles: softmax-family kernels for an axis that is not the last one, vectorised across neighbouring lines.
//
// Layout (outer, K, inner): line (o, j) holds the K elements x[o, 0..<K, j], `inner` apart. Walking one line
// at a time touches a new cache line per element; these kernels instead take a tile of up to 64 neighbouring
// lines and sweep k outermost, so every inner loop runs over contiguous memory. `Tensor.forEachLine` (one line
// at a time) is the reference they are tested against, and the kernel used when inner = 1.
import Foundation

/// The (outer, K, inner) view of a tensor around one axis.
struct LineLayout {
    let outer: Int, k: Int, inner: Int
    static let tile = 64

    /// Calls `body(base, width, firstLine)` for each tile of `width` ≤ 64 neighbouring lines, in parallel.
    ///
    /// Element (kk, j) of the tile is at `base + kk·inner + j`; its line is `firstLine + j`.
    func forEachTile(_ body: (_ base: Int, _ width: Int, _ firstLine: Int) -> Void) {
        let tiles = (inner + Self.tile - 1) / Self.tile
        parallelFor(outer * tiles, grain: Swift.max(1, 32768 / Swift.max(k * Self.tile, 1))) { r in
            for t in r {
                let o = t / tiles, j0 = (t - o * tiles) * Self.tile
                body(o * k * inner + j0, Swift.min(Self.tile, inner - j0), o * inner + j0)
            }
        }
    }

    // MARK: - softmax / log-softmax forward
    // m = max_k x,  lse = m + log Σ_k e^(x − m);   softmax = e^(x − lse),  log-softmax = x − lse

    func softmaxForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, log: Bool) {
        forEachTile { base, w, _ in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * Self.tile) { buf in
                guard let m = buf.baseAddress else { return }
                let s = m + Self.tile
                for j in 0..<w { m[j] = -Float.infinity; s[j] = 0 }
                for kk in 0..<k {
                    let row = x + base + kk * inner
                    for j in 0..<w { m[j] = Swift.max(m[j], row[j]) }
                }
                for j in 0..<w where m[j] == -Float.infinity { m[j] = 0 }
                for kk in 0..<k {
                    let row = x + base + kk * inner, out = y + base + kk * inner
                    for j in 0..<w {
                        let e = vexp(row[j] - m[j])
                        out[j] = e
                        s[j] += e
                    }
                }
                if log {
                    for j in 0..<w { s[j] = m[j] + Foundation.log(s[j]) }
                    for kk in 0..<k {
                        let row = x + base + kk * inner, out = y + base + kk * inner
                        for j in 0..<w { out[j] = row[j] - s[j] }
                    }
                } else {
                    for j in 0..<w { s[j] = 1 / s[j] }
                    for kk in 0..<k {
                        let out = y + base + kk * inner
                        for j in 0..<w { out[j] *= s[j] }
                    }
                }
            }
        }
    }

    // MARK: - backward
    // softmax:      dx = y·(dy − Σ_k dy·y)
    // log-softmax:  dx = dy − e^y·Σ_k dy

    func softmaxBackward(
        _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, log: Bool
    ) {
        forEachTile { base, w, _ in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.tile) { buf in
                guard let acc = buf.baseAddress else { return }
                for j in 0..<w { acc[j] = 0 }
                for kk in 0..<k {
                    let yr = y + base + kk * inner, gr = dy + base + kk * inner
                    if log {
                        for j in 0..<w { acc[j] += gr[j] }
                    } else {
                        for j in 0..<w { acc[j] += gr[j] * yr[j] }
                    }
                }
                for kk in 0..<k {
                    let yr = y + base + kk * inner, gr = dy + base + kk * inner, d = dx + base + kk * inner
                    if log {
                        for j in 0..<w { d[j] += gr[j] - vexp(yr[j]) * acc[j] }
                    } else {
                        for j in 0..<w { d[j] += yr[j] * (gr[j] - acc[j]) }
                    }
                }
            }
        }
    }

    // MARK: - line sums
    // s_line = Σ_k x

    func lineSums(_ x: UnsafePointer<Float>, into s: UnsafeMutablePointer<Float>) {
        forEachTile { base, w, line in
            for j in 0..<w { s[line + j] = 0 }
            for kk in 0..<k {
                let row = x + base + kk * inner
                for j in 0..<w { s[line + j] += row[j] }
            }
        }
    }
}
