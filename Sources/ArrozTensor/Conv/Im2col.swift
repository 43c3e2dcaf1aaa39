// Im2col: unfold image patches into a column matrix (im2col) and fold column gradients back (col2im).

/// Unfolds the input channels of group `group` for images `images` into `col` `[Cin_g·kh·kw, nb·Ho·Wo]`:
///   col[(ci,ky,kx), (j,oy,ox)] = x[n0+j, group·Cin_g+ci, oy·sh−pt+ky, ox·sw−pl+kx]   (0 in the padding)
/// Rows run in parallel; only padding cells are zero-filled. Matches Caffe's `im2col_cpu`, batched.
func im2col(
    _ g: ConvGeometry, input: UnsafePointer<Float>, group: Int, images: Range<Int>,
    col: UnsafeMutablePointer<Float>
) {
    let nb = images.count, (Ho, Wo) = (g.outHeight, g.outWidth), (H, W) = (g.inHeight, g.inWidth)
    let (kh, kw, sh, sw, pt, pl) = (g.kernelHeight, g.kernelWidth, g.strideH, g.strideW, g.padTop, g.padLeft)
    let ld = nb * g.outPlane
    let tasks = g.patchSize * nb
    parallelFor(tasks, grain: max(1, 8192 / max(g.outPlane, 1))) { range in
        for t in range {
            let row = t / nb, j = t % nb
            let ci = row / (kh * kw), ky = (row / kw) % kh, kx = row % kw
            let src = input + ((images.lowerBound + j) * g.inChannels + group * g.inPerGroup + ci) * g.inPlane
            let dst = col + row * ld + j * g.outPlane
            // Output columns whose tap lands inside the image: ox·sw − pl + kx ∈ [0, W).
            let oxLo = min(Wo, max(0, (pl - kx + sw - 1) / sw))
            let oxHi = max(oxLo, min(Wo, floorDiv(W - 1 + pl - kx, sw) + 1))
            for oy in 0..<Ho {
                let d = dst + oy * Wo
                let iy = oy * sh - pt + ky
                if iy < 0 || iy >= H {
                    d.update(repeating: 0, count: Wo)
                    continue
                }
                let s = src + iy * W - pl + kx
                if oxLo > 0 { d.update(repeating: 0, count: oxLo) }
                if sw == 1 {
                    (d + oxLo).update(from: s + oxLo, count: oxHi - oxLo)
                } else {
                    for ox in oxLo..<oxHi { d[ox] = s[ox * sw] }
                }
                if oxHi < Wo { (d + oxHi).update(repeating: 0, count: Wo - oxHi) }
            }
        }
    }
}

/// Folds `col` `[Cin_g·kh·kw, nb·Ho·Wo]` back onto the input gradient of group `group` (the adjoint of
/// `im2col`): dx[n0+j, group·Cin_g+ci, iy, ix] += Σ_{ky,kx,oy,ox reading (iy,ix)} col[(ci,ky,kx), (j,oy,ox)].
/// Parallel over input planes, each owned by one thread, so no atomics. Overwrites when `!accumulate`.
func col2im(
    _ g: ConvGeometry, col: UnsafePointer<Float>, group: Int, images: Range<Int>,
    gradInput: UnsafeMutablePointer<Float>, accumulate: Bool
) {
    let nb = images.count, (Wo, Ho) = (g.outWidth, g.outHeight), (H, W) = (g.inHeight, g.inWidth)
    let (kh, kw, sh, sw, pt, pl) = (g.kernelHeight, g.kernelWidth, g.strideH, g.strideW, g.padTop, g.padLeft)
    let ld = nb * g.outPlane
    parallelFor(nb * g.inPerGroup, grain: max(1, 4096 / max(g.inPlane * g.kernelArea, 1))) {
        range in
        for t in range {
            let j = t / g.inPerGroup, ci = t % g.inPerGroup
            let dst =
                gradInput + ((images.lowerBound + j) * g.inChannels + group * g.inPerGroup + ci) * g.inPlane
            if !accumulate { dst.update(repeating: 0, count: g.inPlane) }
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let src = col + ((ci * kh + ky) * kw + kx) * ld + j * g.outPlane
                    let oxLo = min(Wo, max(0, (pl - kx + sw - 1) / sw))
                    let oxHi = max(oxLo, min(Wo, floorDiv(W - 1 + pl - kx, sw) + 1))
                    for oy in 0..<Ho {
                        let iy = oy * sh - pt + ky
                        if iy < 0 || iy >= H { continue }
                        let d = dst + iy * W - pl + kx, s = src + oy * Wo
                        if sw == 1 {
                            for ox in oxLo..<oxHi { d[ox] += s[ox] }
                        } else {
                            for ox in oxLo..<oxHi { d[ox * sw] += s[ox] }
                        }
                    }
                }
            }
        }
    }
}

/// Gathers channels `c0..<c0+cn` of images `images` from `[N, C, plane]` into `[cn, nb·plane]`, one matrix
/// for a batched sgemm.
func packChannels(
    _ src: UnsafePointer<Float>, channels: Int, plane: Int, c0: Int, cn: Int, images: Range<Int>,
    into dst: UnsafeMutablePointer<Float>
) {
    let nb = images.count
    parallelFor(cn * nb, grain: max(1, 16384 / max(plane, 1))) { range in
        for t in range {
            let c = t / nb, j = t % nb
            (dst + c * nb * plane + j * plane).update(
                from: src + ((images.lowerBound + j) * channels + c0 + c) * plane, count: plane)
        }
    }
}

/// The inverse of `packChannels`: `[cn, nb·plane]` back into channels `c0..<c0+cn` of `[N, C, plane]`,
/// adding `bias[c0+c]` on the way when given.
func unpackChannels(
    _ src: UnsafePointer<Float>, channels: Int, plane: Int, c0: Int, cn: Int, images: Range<Int>,
    into dst: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?
) {
    let nb = images.count
    parallelFor(cn * nb, grain: max(1, 16384 / max(plane, 1))) { range in
        for t in range {
            let c = t / nb, j = t % nb
            let s = src + c * nb * plane + j * plane
            let d = dst + ((images.lowerBound + j) * channels + c0 + c) * plane
            if let bias {
                let b = bias[c0 + c]
                for i in 0..<plane { d[i] = s[i] + b }
            } else {
                d.update(from: s, count: plane)
            }
        }
    }
}

/// ⌊a / b⌋ for b > 0 (Swift's `/` truncates toward zero).
@inline(__always) func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
