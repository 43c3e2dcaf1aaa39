// StridedCopy: copy (or accumulate) one strided view into another — the kernel under slice, concat, flip, pad.

/// For every multi-index `i` of `shape`: `dst[dstBase + i·dstStrides] (+)= src[srcBase + i·srcStrides]`.
///
/// Strides may be negative (flips) or scaled (stepped slices). With `accumulate`, destinations must be distinct
/// for distinct `i` (true for every caller: each is a bijection onto its image).
func stridedCopy(
    _ src: UnsafePointer<Float>, base srcBase: Int, strides srcStrides: [Int],
    into dst: UnsafeMutablePointer<Float>, base dstBase: Int, strides dstStrides: [Int],
    shape: [Int], accumulate: Bool
) {
    guard Shape.count(shape) > 0 else { return }
    forEachRow(shape, [srcStrides, dstStrides]) { off, n, inner in
        let s = src + (srcBase + off[0]), d = dst + (dstBase + off[1])
        let (si, di) = (inner[0], inner[1])
        if accumulate {
            for j in 0..<n { d[j * di] += s[j * si] }
        } else if si == 1 && di == 1 {
            d.update(from: s, count: n)
        } else {
            for j in 0..<n { d[j * di] = s[j * si] }
        }
    }
}
