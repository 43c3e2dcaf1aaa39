// ConvGradTests: autograd of conv2d, convTranspose2d, avgPool2d and the upsamplers vs central differences,
// plus convTranspose2d against its scatter definition.
import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct ConvGradTests {
    @Test func conv2dGradients() {
        var rng = ArrozRandom(seed: 11)
        let x = Tensor.randn([2, 3, 5, 4], rng: &rng), w = Tensor.randn([4, 3, 3, 3], rng: &rng)
        let b = Tensor.randn([4], rng: &rng)
        expectGradientsMatch([x, w, b]) { t in conv2d(t[0], weight: t[1], bias: t[2], padding: 1) }
        expectGradientsMatch([x, w]) { t in conv2d(t[0], weight: t[1], stride: 2) }
        expectGradientsMatch([x, w, b]) { t in
            conv2d(
                t[0], weight: t[1], bias: t[2], stride: (2, 1),
                padding: (top: 0, bottom: 2, left: 1, right: 0))
        }
        expectGradientsMatch([x, w]) { t in conv2d(t[0], weight: t[1], stride: (1, 2), padding: (2, 1)) }
    }

    @Test func groupedAndDepthwiseGradients() {
        var rng = ArrozRandom(seed: 12)
        let x = Tensor.randn([2, 4, 4, 5], rng: &rng)
        let dw = Tensor.randn([4, 1, 3, 3], rng: &rng), b = Tensor.randn([4], rng: &rng)
        expectGradientsMatch([x, dw, b]) { t in conv2d(t[0], weight: t[1], bias: t[2], padding: 1, groups: 4)
        }
        // Paella v3: groups = C with 2C inputs.
        let paella = Tensor.randn([2, 2, 3, 3], rng: &rng)
        expectGradientsMatch([x, paella]) { t in conv2d(t[0], weight: t[1], padding: 1, groups: 2) }
        // Wide groups go through im2col + sgemm per group.
        let x2 = Tensor.randn([1, 12, 3, 4], rng: &rng), wg = Tensor.randn([10, 6, 3, 3], rng: &rng)
        expectGradientsMatch([x2, wg]) { t in conv2d(t[0], weight: t[1], padding: 1, groups: 2) }
        // Depthwise with stride 2 and a channel multiplier of 2.
        let dm = Tensor.randn([8, 1, 3, 3], rng: &rng)
        expectGradientsMatch([x, dm]) { t in conv2d(t[0], weight: t[1], stride: 2, padding: 1, groups: 4) }
    }

    @Test func pointwiseGradients() {
        var rng = ArrozRandom(seed: 13)
        let x = Tensor.randn([3, 4, 2, 3], rng: &rng), w = Tensor.randn([5, 4, 1, 1], rng: &rng)
        let b = Tensor.randn([5], rng: &rng)
        expectGradientsMatch([x, w, b]) { t in conv2d(t[0], weight: t[1], bias: t[2]) }
    }

    @Test func convGradientsAccumulateOverReuse() {
        // x used twice: the second backward adds into the gradient the first one wrote.
        var rng = ArrozRandom(seed: 14)
        let x = Tensor.randn([1, 2, 4, 4], rng: &rng), w = Tensor.randn([2, 2, 3, 3], rng: &rng)
        expectGradientsMatch([x, w]) { t in
            conv2d(t[0], weight: t[1], padding: 1) + conv2d(t[0] * 2, weight: t[1], padding: 1)
        }
        expectGradientsMatch([x, w]) { t in
            convTranspose2d(t[0], weight: t[1], stride: 2, padding: 1) * 2
                + convTranspose2d(t[0], weight: t[1], stride: 2, padding: 1)
        }
    }

    @Test func convTransposeGradients() {
        var rng = ArrozRandom(seed: 15)
        let x = Tensor.randn([2, 3, 3, 4], rng: &rng), b = Tensor.randn([2], rng: &rng)
        let w4 = Tensor.randn([3, 2, 4, 4], rng: &rng), w2 = Tensor.randn([3, 2, 2, 2], rng: &rng)
        let w3 = Tensor.randn([3, 2, 3, 3], rng: &rng)
        expectGradientsMatch([x, w4, b]) { t in
            convTranspose2d(t[0], weight: t[1], bias: t[2], stride: 2, padding: 1)
        }
        expectGradientsMatch([x, w2, b]) { t in convTranspose2d(t[0], weight: t[1], bias: t[2], stride: 2) }
        expectGradientsMatch([x, w3]) { t in
            convTranspose2d(t[0], weight: t[1], stride: 2, padding: 1, outputPadding: 1)
        }
        let xg = Tensor.randn([1, 4, 3, 3], rng: &rng), wg = Tensor.randn([4, 3, 3, 3], rng: &rng)
        expectGradientsMatch([xg, wg]) { t in convTranspose2d(t[0], weight: t[1], stride: 2, groups: 2) }
    }

    @Test(arguments: [(4, 2, 1, 0, 1), (2, 2, 0, 0, 1), (3, 2, 1, 1, 1), (3, 1, 1, 0, 2), (4, 2, 1, 0, 2)])
    func convTransposeMatchesScatterDefinition(_ k: Int, _ s: Int, _ p: Int, _ op: Int, _ groups: Int) {
        // y[n, g·Cout_g + oc, iy·s − p + ky, ix·s − p + kx] += x[n, ci, iy, ix] · w[ci, oc, ky, kx]
        var rng = ArrozRandom(seed: UInt64(k * 100 + s * 10 + p + op))
        let (N, Cin, H, W, coutg) = (2, 4, 3, 4, 3)
        let x = Tensor.randn([N, Cin, H, W], rng: &rng), w = Tensor.randn([Cin, coutg, k, k], rng: &rng)
        let y = convTranspose2d(x, weight: w, stride: s, padding: p, outputPadding: op, groups: groups)
        let (Hy, Wy) = ((H - 1) * s - 2 * p + k + op, (W - 1) * s - 2 * p + k + op)
        #expect(y.shape == [N, coutg * groups, Hy, Wy])
        var ref = [Float](repeating: 0, count: N * coutg * groups * Hy * Wy)
        for n in 0..<N {
            for ci in 0..<Cin {
                let grp = ci / (Cin / groups)
                for iy in 0..<H {
                    for ix in 0..<W {
                        for oc in 0..<coutg {
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let oy = iy * s - p + ky, ox = ix * s - p + kx
                                    guard oy >= 0 && oy < Hy && ox >= 0 && ox < Wy else { continue }
                                    ref[((n * coutg * groups + grp * coutg + oc) * Hy + oy) * Wy + ox] +=
                                        x[n, ci, iy, ix] * w[ci, oc, ky, kx]
                                }
                            }
                        }
                    }
                }
            }
        }
        expectClose(
            y.scalars, ref, rtol: 1e-4, atol: 1e-4, "convTranspose2d k\(k) s\(s) p\(p) op\(op) g\(groups)")
    }

    @Test func poolAndUpsampleGradients() {
        var rng = ArrozRandom(seed: 16)
        let x = Tensor.randn([2, 2, 5, 6], rng: &rng)
        expectGradientsMatch([x]) { t in avgPool2d(t[0], kernel: 2) }
        expectGradientsMatch([x]) { t in avgPool2d(t[0], kernel: 3, stride: 2, padding: 1) }
        expectGradientsMatch([x]) { t in upsampleNearest(t[0], scale: 2) }
        expectGradientsMatch([x]) { t in upsampleNearest(t[0], size: (7, 4)) }
        expectGradientsMatch([x]) { t in upsampleBilinear(t[0], size: (9, 13)) }
        expectGradientsMatch([x]) { t in upsampleBilinear(t[0], size: (3, 4)) }
    }

    @Test func poolAndUpsampleValues() {
        let x = Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], shape: [1, 1, 4, 4])
        expectClose(avgPool2d(x, kernel: 2), [3.5, 5.5, 11.5, 13.5])
        let u = upsampleNearest(Tensor([1, 2, 3, 4], shape: [1, 1, 2, 2]), scale: 2)
        expectClose(u, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        // align_corners=False: src = max((d + ½)·½ − ½, 0) → 0, 0.25, 0.75, 1.25 (clamped to the last pixel).
        let b = upsampleBilinear(Tensor([0, 1], shape: [1, 1, 1, 2]), size: (1, 4))
        expectClose(b, [0, 0.25, 0.75, 1])
    }
}
