// Winograd: the F(2×2, 3×3) transforms (Lavin & Gray 2015, "Fast Algorithms for Convolutional Neural
// Networks") for 3×3 stride-1 convolutions: 16 multiplies per 2×2 output tile instead of 36.
//
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 −1
//     −1]
//   forward          Y_tile = Aᵀ [ Σ_ci U[co,ci] ⊙ V[ci] ] A      U = G g Gᵀ,  V = Bᵀ d B  (d: 4×4 input
//     tile)
//   weight gradient  dg = Gᵀ [ Σ_tiles Z[co] ⊙ V[ci] ] G          Z = A dY_tile Aᵀ  (dY_tile: 2×2)
// Transformed arrays are laid out [ξ = 4a+b (16)][channel][tile], so the Σ over channels (or tiles) is one
// sgemm per ξ. Every transform is separable: one pass along x per row, then one along y, each written as
// arrays over the tiles of a row so the loops vectorise.

/// Tiles of one image: `rows × cols` 2×2 output tiles covering `Ho × Wo`.
struct WinogradTiling {
    let rows: Int
    let cols: Int
    var perImage: Int { rows * cols }

    init(_ geo: ConvGeometry) {
        rows = (geo.outHeight + 1) / 2
        cols = (geo.outWidth + 1) / 2
    }
}

enum Winograd {
    // U[ξ][o][i] = (G g Gᵀ)[ξ],  g = w[o,i]:  t = G g (rows g0, ½(g0 + g1 + g2), ½(g0 − g1 + g2), g2 over the
    // kernel's rows), then U = t Gᵀ (the same on each row's three columns).
    // The flipped kernel of the input gradient needs no second transform: G·J₃ = P·G with P swapping rows 0
    // and 3,
    // so G rot180(g) Gᵀ = P U Pᵀ, i.e. U'[a][b] = U[σa][σb] with σ = (0 3) — see `flipped(_:)`.
    /// Transforms the 3×3 kernels of `weight` `[Cout, Cin, 3, 3]` into `u` `[16][Cout][Cin]`.
    ///
    /// Blocks of 256 kernels are transposed into tap-major rows `g[k][·]` in a stack buffer, so every step
    /// below
    /// is an elementwise loop over 256 contiguous floats (vectorised), with the block in L1.
    static func transformWeights(
        _ weight: UnsafePointer<Float>, cout: Int, cin: Int, into u: UnsafeMutablePointer<Float>
    ) {
        let OI = cout * cin, B = 256
        parallelFor((OI + B - 1) / B, grain: 16) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 21 * B) { buf in
                let g = buf.baseAddress!, t = g + 9 * B
                buf.initialize(repeating: 0)  // the SIMD tail of a short last block reads lanes past n
                for block in range {
                    let oi0 = block * B, n = min(B, OI - oi0)
                    for l in 0..<n {
                        let src = weight + (oi0 + l) * 9
                        for k in 0..<9 { g[k * B + l] = src[k] }
                    }
                    // t = G g: four rows of three taps. Eight kernels per step (explicit SIMD: with this
                    // many pointers LLVM leaves the loops scalar); lanes past n are computed, never stored.
                    let n8 = (n + 7) & ~7
                    for x in 0..<3 {
                        let (r0, r1, r2) = (g + x * B, g + (3 + x) * B, g + (6 + x) * B)
                        let (t0, t1, t2, t3) = (t + x * B, t + (3 + x) * B, t + (6 + x) * B, t + (9 + x) * B)
                        for l in stride(from: 0, to: n8, by: 8) {
                            let (a0, a1, a2) = (load8(r0 + l), load8(r1 + l), load8(r2 + l))
                            store(a0, t0 + l)
                            store(0.5 * (a0 + a1 + a2), t1 + l)
                            store(0.5 * (a0 - a1 + a2), t2 + l)
                            store(a2, t3 + l)
                        }
                    }
                    // U = t Gᵀ, row by row.
                    for a in 0..<4 {
                        let (c0, c1, c2) = (t + 3 * a * B, t + (3 * a + 1) * B, t + (3 * a + 2) * B)
                        let (u0, u1) = (u + 4 * a * OI + oi0, u + (4 * a + 1) * OI + oi0)
                        let (u2, u3) = (u + (4 * a + 2) * OI + oi0, u + (4 * a + 3) * OI + oi0)
                        var l = 0
                        while l + 8 <= n {
                            let (a0, a1, a2) = (load8(c0 + l), load8(c1 + l), load8(c2 + l))
                            store(a0, u0 + l)
                            store(0.5 * (a0 + a1 + a2), u1 + l)
                            store(0.5 * (a0 - a1 + a2), u2 + l)
                            store(a2, u3 + l)
                            l += 8
                        }
                        for l in l..<n {
                            u0[l] = c0[l]
                            u1[l] = 0.5 * (c0[l] + c1[l] + c2[l])
                            u2[l] = 0.5 * (c0[l] - c1[l] + c2[l])
                            u3[l] = c2[l]
                        }
                    }
                }
            }
        }
    }

    /// Index of the transformed flipped kernel: U'[ξ] = U[flipped(ξ)] (see above).
    @inline(__always) static func flipped(_ xi: Int) -> Int {
        let a = xi / 4, b = xi % 4
        return (a == 0 ? 3 : a == 3 ? 0 : a) * 4 + (b == 0 ? 3 : b == 3 ? 0 : b)
    }

    // V[4a+b][c][tile] = (Bᵀ d B)[a][b],  d = x[n, c, 2ty−pt ..< 2ty−pt+4, 2tx−pl ..< 2tx−pl+4] (0 outside)
    /// Input tiles of images `images` into `v` `[16][C][ld]`, tile index `j·perImage + ty·cols + tx`.
    static func transformInput(
        _ geo: ConvGeometry, _ input: UnsafePointer<Float>, images: Range<Int>,
        into v: UnsafeMutablePointer<Float>,
        ld: Int
    ) {
        let tiling = WinogradTiling(geo), TW = tiling.cols, TH = tiling.rows
        let (C, H, W, pt, pl) = (geo.inChannels, geo.inHeight, geo.inWidth, geo.padTop, geo.padLeft)
        let rowsNeeded = 2 * TH + 2, PW = 2 * TW + 2, H1 = (TH + 1) * TW
        parallelFor(images.count * C, grain: max(1, 2048 / max(geo.inPlane, 1))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: rowsNeeded * (4 * TW + PW)) { scratch in
                let r = scratch.baseAddress!, padded = r + rowsNeeded * 4 * TW
                // padded[pr·PW + x + pl] = plane[pr − pt][x] for rows and columns inside the image, zero
                // elsewhere. Every plane writes the same positions, so the zeros are written once. All rows
                // are copied before the x pass reads any: reading straight after the copy's stores (at
                // another alignment) stalls on store-to-load forwarding.
                let copy = min(W, PW - pl)
                padded.update(repeating: 0, count: rowsNeeded * PW)
                let rowsIn = max(0, pt)..<min(rowsNeeded, H + pt)
                for task in range {
                    let j = task / C, c = task % C
                    let plane = input + ((images.lowerBound + j) * C + c) * geo.inPlane
                    // Inline copies: a memmove call per short row costs more than the copy.
                    for pr in rowsIn {
                        let src = plane + (pr - pt) * W, dst = padded + pr * PW + pl
                        var x = 0
                        while x + 8 <= copy {
                            store(load8(src + x), dst + x)
                            x += 8
                        }
                        for x in x..<copy { dst[x] = src[x] }
                    }
                    // Along x, per padded row, with d_k = prow[2tx + k] (the tile's four columns):
                    //   R0 = d0 − d2,  R1 = d1 + d2,  R2 = d2 − d1,  R3 = d1 − d3
                    for pr in 0..<rowsNeeded {
                        // R_b of row pr goes to row pr/2 of E_b (even pr) or O_b (odd pr), see below.
                        let rr = r + (pr & 1) * H1 + (pr >> 1) * TW, prow = padded + pr * PW
                        let (R0, R1, R2, R3) = (rr, rr + 2 * H1, rr + 4 * H1, rr + 6 * H1)
                        // Eight (then four) tiles at once: the even/odd lanes of prow[2tx ..< 2tx + 16] are
                        // d0/d1, those of prow[2tx + 2 ..< 2tx + 18] are d2/d3 (the loads stay inside
                        // the row's PW floats).
                        var tx = 0
                        while tx + 8 <= TW {
                            let a = load16(prow + 2 * tx), b = load16(prow + 2 * tx + 2)
                            let (d0, d1, d2, d3) = (a.evenHalf, a.oddHalf, b.evenHalf, b.oddHalf)
                            store(d0 - d2, R0 + tx)
                            store(d1 + d2, R1 + tx)
                            store(d2 - d1, R2 + tx)
                            store(d1 - d3, R3 + tx)
                            tx += 8
                        }
                        if tx + 4 <= TW {
                            let a = load8(prow + 2 * tx), b = load8(prow + 2 * tx + 2)
                            let (d0, d1, d2, d3) = (a.evenHalf, a.oddHalf, b.evenHalf, b.oddHalf)
                            store(d0 - d2, R0 + tx)
                            store(d1 + d2, R1 + tx)
                            store(d2 - d1, R2 + tx)
                            store(d1 - d3, R3 + tx)
                            tx += 4
                        }
                        for tx in tx..<TW {
                            let d0 = prow[2 * tx], d1 = prow[2 * tx + 1]
                            let d2 = prow[2 * tx + 2], d3 = prow[2 * tx + 3]
                            R0[tx] = d0 - d2
                            R1[tx] = d1 + d2
                            R2[tx] = d2 - d1
                            R3[tx] = d1 - d3
                        }
                    }
                    // Along y. With E_b[m] = R_b[2m] and O_b[m] = R_b[2m + 1] (rows of TW), tile row ty of
                    // V[a][b] for a = 0…3 is E[ty] − E[ty+1], O[ty] + E[ty+1], E[ty+1] − O[ty],
                    // O[ty] − O[ty+1]: over the whole plane, one flat loop per stream (i < TH·TW, E[i + TW]).
                    let n = TH * TW
                    for b in 0..<4 {
                        let E = r + 2 * b * H1, O = E + H1, E1 = E + TW, O1 = O + TW
                        let base = j * tiling.perImage
                        let (v0, v1) = (v + (b * C + c) * ld + base, v + ((4 + b) * C + c) * ld + base)
                        let (v2, v3) = (v + ((8 + b) * C + c) * ld + base, v + ((12 + b) * C + c) * ld + base)
                        var i = 0
                        while i + 8 <= n {
                            let (e, o, e1, o1) = (load8(E + i), load8(O + i), load8(E1 + i), load8(O1 + i))
                            store(e - e1, v0 + i)
                            store(o + e1, v1 + i)
                            store(e1 - o, v2 + i)
                            store(o - o1, v3 + i)
                            i += 8
                        }
                        for i in i..<n {
                            v0[i] = E[i] - E1[i]
                            v1[i] = O[i] + E1[i]
                            v2[i] = E1[i] - O[i]
                            v3[i] = O[i] - O1[i]
                        }
                    }
                }
            }
        }
    }

    // y[2ty+r, 2tx+s] (+)= (Aᵀ m A)[r][s] + bias,  m[a][b] = M[4a+b][co][tile]
    //   sₐ: s0[b] = m0b + m1b + m2b,  s1[b] = m1b − m2b − m3b;   y[r][0] = s_r0 + s_r1 + s_r2,  y[r][1] =
    //     s_r1 − s_r2 − s_r3
    /// Output tiles `m` `[16][Cout][ld]` back to `output` `[N, Cout, Ho, Wo]` for images `images`.
    static func transformOutput(
        _ geo: ConvGeometry, _ m: UnsafePointer<Float>, ld: Int, images: Range<Int>,
        into output: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, accumulate: Bool
    ) {
        let tiling = WinogradTiling(geo), TW = tiling.cols, TH = tiling.rows, n = TH * TW
        let (Co, Ho, Wo) = (geo.outChannels, geo.outHeight, geo.outWidth)
        parallelFor(images.count * Co, grain: max(1, 2048 / max(geo.outPlane, 1))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * n) { scratch in
                // y planes [4][TH·TW]: output rows 2ty (even, odd columns) and 2ty + 1 (even, odd).
                let y = scratch.baseAddress!
                for task in range {
                    let j = task / Co, co = task % Co
                    let plane = output + ((images.lowerBound + j) * Co + co) * geo.outPlane
                    let b0 = bias?[co] ?? 0
                    // m[ξ][i] = q[ξ·S + i] over the image's tiles i, in one flat pass per plane.
                    let q = m + co * ld + j * tiling.perImage, S = Co * ld
                    var i = 0
                    while i + 8 <= n {
                        @inline(__always) func mk(_ k: Int) -> SIMD8<Float> { load8(q + k * S + i) }
                        let s00 = mk(0) + mk(4) + mk(8), s01 = mk(1) + mk(5) + mk(9)
                        let s02 = mk(2) + mk(6) + mk(10), s03 = mk(3) + mk(7) + mk(11)
                        let s10 = mk(4) - mk(8) - mk(12), s11 = mk(5) - mk(9) - mk(13)
                        let s12 = mk(6) - mk(10) - mk(14), s13 = mk(7) - mk(11) - mk(15)
                        store(s00 + s01 + s02, y + i)
                        store(s01 - s02 - s03, y + n + i)
                        store(s10 + s11 + s12, y + 2 * n + i)
                        store(s11 - s12 - s13, y + 3 * n + i)
                        i += 8
                    }
                    for i in i..<n {
                        let s00 = q[i] + q[4 * S + i] + q[8 * S + i]
                        let s01 = q[S + i] + q[5 * S + i] + q[9 * S + i]
                        let s02 = q[2 * S + i] + q[6 * S + i] + q[10 * S + i]
                        let s03 = q[3 * S + i] + q[7 * S + i] + q[11 * S + i]
                        let s10 = q[4 * S + i] - q[8 * S + i] - q[12 * S + i]
                        let s11 = q[5 * S + i] - q[9 * S + i] - q[13 * S + i]
                        let s12 = q[6 * S + i] - q[10 * S + i] - q[14 * S + i]
                        let s13 = q[7 * S + i] - q[11 * S + i] - q[15 * S + i]
                        y[i] = s00 + s01 + s02
                        y[n + i] = s01 - s02 - s03
                        y[2 * n + i] = s10 + s11 + s12
                        y[3 * n + i] = s11 - s12 - s13
                    }
                    for ty in 0..<TH {
                        for r in 0..<2 where 2 * ty + r < Ho {
                            let row = plane + (2 * ty + r) * Wo, ye = y + 2 * r * n + ty * TW, yo = ye + n
                            // Even columns from ye, odd from yo: eight of each interleave into 16 outputs.
                            var x = 0
                            let bias = SIMD16<Float>(repeating: b0)
                            while x + 16 <= Wo {
                                let e = load8(ye + x / 2), o = load8(yo + x / 2)
                                var out = interleave(e, o) + bias
                                if accumulate { out += load16(row + x) }
                                store(out, row + x)
                                x += 16
                            }
                            if accumulate {
                                for x in x..<Wo { row[x] += (x & 1 == 0 ? ye[x >> 1] : yo[x >> 1]) + b0 }
                            } else {
                                for x in x..<Wo { row[x] = (x & 1 == 0 ? ye[x >> 1] : yo[x >> 1]) + b0 }
                            }
                        }
                    }
                }
            }
        }
    }

    // Z[4a+b][co][tile] = (A g Aᵀ)[a][b],  g = dy[n, co, 2ty ..< 2ty+2, 2tx ..< 2tx+2] (0 beyond Ho, Wo)
    //   rows of A g: h0 = g0, h1 = g0 + g1, h2 = g0 − g1, h3 = −g1;  each h = (p, q) → (p, p + q, p − q, −q)
    /// Output-gradient tiles of images `images` into `z` `[16][Cout][ld]`.
    static func transformGradOutput(
        _ geo: ConvGeometry, _ gradOutput: UnsafePointer<Float>, images: Range<Int>,
        into z: UnsafeMutablePointer<Float>, ld: Int
    ) {
        let tiling = WinogradTiling(geo), TW = tiling.cols, TH = tiling.rows
        let (Co, Ho, Wo) = (geo.outChannels, geo.outHeight, geo.outWidth)
        parallelFor(images.count * Co, grain: max(1, 2048 / max(geo.outPlane, 1))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * TW * TH) { scratch in
                // Per tile row ty: p0, q0, p1, q1 rows of TW (even/odd columns of output rows 2ty, 2ty + 1).
                let g = scratch.baseAddress!
                for task in range {
                    let j = task / Co, co = task % Co
                    let plane = gradOutput + ((images.lowerBound + j) * Co + co) * geo.outPlane
                    for ty in 0..<TH {
                        for r in 0..<2 {
                            let p = g + (4 * ty + 2 * r) * TW, q = p + TW
                            let oy = 2 * ty + r
                            if oy >= Ho {
                                p.update(repeating: 0, count: 2 * TW)
                                continue
                            }
                            let row = plane + oy * Wo
                            var tx = 0
                            while 2 * tx + 16 <= Wo && tx + 8 <= TW {
                                let d = load16(row + 2 * tx)
                                store(d.evenHalf, p + tx)
                                store(d.oddHalf, q + tx)
                                tx += 8
                            }
                            for tx in tx..<TW {
                                p[tx] = row[2 * tx]
                                q[tx] = 2 * tx + 1 < Wo ? row[2 * tx + 1] : 0
                            }
                        }
                    }
                    // Stream by stream (a outer, tile rows inner): each Z[4a+b][co] run is written in order.
                    for a in 0..<4 {
                        // Row a of A·g is α·g0 + β·g1.
                        let (al, be): (Float, Float) =
                            a == 0 ? (1, 0) : a == 1 ? (1, 1) : a == 2 ? (1, -1) : (0, -1)
                        let w0 = z + ((4 * a) * Co + co) * ld + j * tiling.perImage, w1 = w0 + Co * ld
                        let w2 = w1 + Co * ld, w3 = w2 + Co * ld
                        for ty in 0..<TH {
                            let (p0, q0, p1, q1) = (g + 4 * ty * TW, g + (4 * ty + 1) * TW,
                                                    g + (4 * ty + 2) * TW, g + (4 * ty + 3) * TW)
                            let (z0, z1, z2, z3) = (w0 + ty * TW, w1 + ty * TW, w2 + ty * TW, w3 + ty * TW)
                            var tx = 0
                            while tx + 8 <= TW {
                                let p = al * load8(p0 + tx) + be * load8(p1 + tx)
                                let q = al * load8(q0 + tx) + be * load8(q1 + tx)
                                store(p, z0 + tx)
                                store(p + q, z1 + tx)
                                store(p - q, z2 + tx)
                                store(-q, z3 + tx)
                                tx += 8
                            }
                            for tx in tx..<TW {
                                let p = al * p0[tx] + be * p1[tx], q = al * q0[tx] + be * q1[tx]
                                z0[tx] = p
                                z1[tx] = p + q
                                z2[tx] = p - q
                                z3[tx] = -q
                            }
                        }
                    }
                }
            }
        }
    }
}
