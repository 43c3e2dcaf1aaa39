// Winograd+WeightGrad: the last step of the Winograd weight gradient, dU [16][Cout][Cin] back to 3×3 kernels.

extension Winograd {
    // dg = Gᵀ dU G:  rows t0 = u0 + ½(u1 + u2),  t1 = ½(u1 − u2),  t2 = ½(u1 + u2) + u3, then the same on
    // columns
    /// Folds `du` `[16][Cout][Cin]` into `gradWeight` `[Cout, Cin, 3, 3]` (adding when `accumulate`).
    static func transformWeightGrad(
        _ du: UnsafePointer<Float>, cout: Int, cin: Int, into gradWeight: UnsafeMutablePointer<Float>,
        accumulate: Bool
    ) {
        typealias V16 = SIMD16<Float>
        let OI = cout * cin
        parallelFor((OI + 15) / 16, grain: 256) { range in
            for block in range {
                let oi0 = block * 16, lanes = min(16, OI - oi0)
                @inline(__always) func u(_ a: Int, _ b: Int) -> V16 {
                    let p = du + (4 * a + b) * OI + oi0
                    if lanes == 16 { return UnsafeRawPointer(p).loadUnaligned(as: V16.self) }
                    var v = V16()
                    for l in 0..<lanes { v[l] = p[l] }
                    return v
                }
                // Rows of Gᵀ dU (3×4), then each row (a0, a1, a2, a3) → (a0 + ½(a1 + a2), ½(a1 − a2), ½(a1 +
                // a2) + a3).
                for r in 0..<3 {
                    var a = (V16(), V16(), V16(), V16())
                    switch r {
                    case 0:
                        a = (
                            u(0, 0) + 0.5 * (u(1, 0) + u(2, 0)), u(0, 1) + 0.5 * (u(1, 1) + u(2, 1)),
                            u(0, 2) + 0.5 * (u(1, 2) + u(2, 2)), u(0, 3) + 0.5 * (u(1, 3) + u(2, 3))
                        )
                    case 1:
                        a = (
                            0.5 * (u(1, 0) - u(2, 0)), 0.5 * (u(1, 1) - u(2, 1)),
                            0.5 * (u(1, 2) - u(2, 2)), 0.5 * (u(1, 3) - u(2, 3))
                        )
                    default:
                        a = (
                            0.5 * (u(1, 0) + u(2, 0)) + u(3, 0), 0.5 * (u(1, 1) + u(2, 1)) + u(3, 1),
                            0.5 * (u(1, 2) + u(2, 2)) + u(3, 2), 0.5 * (u(1, 3) + u(2, 3)) + u(3, 3)
                        )
                    }
                    let c0 = a.0 + 0.5 * (a.1 + a.2), c1 = 0.5 * (a.1 - a.2), c2 = 0.5 * (a.1 + a.2) + a.3
                    for l in 0..<lanes {
                        let dst = gradWeight + (oi0 + l) * 9 + 3 * r
                        if accumulate {
                            dst[0] += c0[l]
                            dst[1] += c1[l]
                            dst[2] += c2[l]
                        } else {
                            dst[0] = c0[l]
                            dst[1] = c1[l]
                            dst[2] = c2[l]
                        }
                    }
                }
            }
        }
    }
}
