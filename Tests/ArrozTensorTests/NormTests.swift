// NormTests: layerNorm, layerNorm2d and groupNorm against compositions of core ops, and their gradients.
import ArrozTensor
import ArrozTestSupport
import Testing

/// (x − mean)/√(var + ε) over `axes`, written with core ops only (the reference the fused kernels replace).
///
/// Differentiable all the way through: 1/√(var + ε) is an op on `v`, not a constant made from its values
/// (built from `v.scalars`, the reference's gradient lacked the −x̂·mean(ĝ·x̂) term of the true one).
func referenceNormalize(_ x: Tensor, axes: [Int], eps: Float) -> Tensor {
    let m = x.mean(axes: axes, keepDims: true)
    let d = x - m
    let v = (d * d).mean(axes: axes, keepDims: true)
    return d * (v + eps).pow(-0.5)
}

@Suite struct NormTests {
    @Test func layerNormMatchesReference() {
        var rng = ArrozRandom(seed: 11)
        let x = Tensor.randn([3, 2, 7], rng: &rng) * 3 + 1
        let w = Tensor.randn([7], rng: &rng), b = Tensor.randn([7], rng: &rng)
        let y = layerNorm(x, weight: w, bias: b, eps: 1e-5)
        expectClose(y, referenceNormalize(x, axes: [2], eps: 1e-5) * w + b, rtol: 1e-4, atol: 1e-5)
        expectClose(layerNorm(x), referenceNormalize(x, axes: [2], eps: 1e-5), rtol: 1e-4, atol: 1e-5)
    }

    @Test func layerNormGradients() {
        var rng = ArrozRandom(seed: 12)
        let x = Tensor.randn([4, 6], rng: &rng), w = Tensor.randn([6], rng: &rng),
            b = Tensor.randn([6], rng: &rng)
        expectGradientsMatch([x, w, b]) { t in layerNorm(t[0], weight: t[1], bias: t[2]) }
        expectGradientsMatch([x]) { t in layerNorm(t[0], eps: 1e-3) }
        expectGradientsMatch([x, w]) { t in layerNorm(t[0], weight: t[1]) }
    }

    /// The fused backward against autograd through the core-op composition (mean, square, pow(−½)).
    @Test func layerNormGradientsMatchTheComposition() {
        var rng = ArrozRandom(seed: 20)
        let x = Tensor.randn([3, 2, 13], rng: &rng) * 2 + 0.5
        let w = Tensor.randn([13], rng: &rng), b = Tensor.randn([13], rng: &rng)
        let dy = Tensor.randn([3, 2, 13], rng: &rng)
        func grads(_ f: (Tensor, Tensor, Tensor) -> Tensor) -> [Tensor] {
            let leaves = [x, w, b].map { $0.detached() }
            for t in leaves { t.requiresGrad = true }
            f(leaves[0], leaves[1], leaves[2]).backward(gradient: dy)
            return leaves.compactMap(\.grad)
        }
        let fused = grads { layerNorm($0, weight: $1, bias: $2, eps: 1e-5) }
        let composed = grads { referenceNormalize($0, axes: [2], eps: 1e-5) * $1 + $2 }
        #expect(fused.count == 3 && composed.count == 3)
        for (i, name) in ["dx", "dw", "db"].enumerated() {
            expectClose(fused[i], composed[i], rtol: 1e-4, atol: 1e-5, name)
        }
    }

    /// Rows × width large enough that the backward splits over two workers (partial dw/db sums added up),
    /// against the textbook backward in Double.
    @Test func layerNormBackwardAcrossWorkersMatchesNaive() {
        var rng = ArrozRandom(seed: 14)
        let (R, D) = (64, 640)
        let x = Tensor.randn([R, D], rng: &rng), w = Tensor.randn([D], rng: &rng)
        let b = Tensor.randn([D], rng: &rng), dy = Tensor.randn([R, D], rng: &rng)
        let leaves = [x, w, b].map { $0.detached() }
        for t in leaves { t.requiresGrad = true }
        layerNorm(leaves[0], weight: leaves[1], bias: leaves[2]).backward(gradient: dy)
        let xs = x.scalars.map(Double.init), ws = w.scalars.map(Double.init), gs = dy.scalars.map(Double.init)
        var dx = [Double](repeating: 0, count: R * D), dw = [Double](repeating: 0, count: D)
        var db = [Double](repeating: 0, count: D)
        for r in 0..<R {
            let row = Array(xs[(r * D)..<((r + 1) * D)]), g = Array(gs[(r * D)..<((r + 1) * D)])
            let m = row.reduce(0, +) / Double(D)
            let rs = 1 / (row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(D) + 1e-5).squareRoot()
            let xh = row.map { ($0 - m) * rs }
            let gh = (0..<D).map { g[$0] * ws[$0] }
            let a = gh.reduce(0, +) / Double(D)
            let c = (0..<D).map { gh[$0] * xh[$0] }.reduce(0, +) / Double(D)
            for j in 0..<D {
                dx[r * D + j] = rs * (gh[j] - a - xh[j] * c)
                dw[j] += g[j] * xh[j]
                db[j] += g[j]
            }
        }
        expectClose(leaves[0].grad!.scalars, dx.map(Float.init), rtol: 1e-3, atol: 1e-4, "layerNorm dx")
        expectClose(leaves[1].grad!.scalars, dw.map(Float.init), rtol: 1e-3, atol: 1e-3, "layerNorm dw")
        expectClose(leaves[2].grad!.scalars, db.map(Float.init), rtol: 1e-3, atol: 1e-3, "layerNorm db")
    }

    @Test func layerNorm2dEqualsPermutedLayerNorm() {
        var rng = ArrozRandom(seed: 13)
        let x = Tensor.randn([2, 5, 3, 4], rng: &rng)
        let w = Tensor.randn([5], rng: &rng), b = Tensor.randn([5], rng: &rng)
        let viaPermute = layerNorm(x.permuted([0, 2, 3, 1]), weight: w, bias: b, eps: 1e-6).permuted([
            0, 3, 1, 2,
        ])
        expectClose(layerNorm2d(x, weight: w, bias: b, eps: 1e-6), viaPermute, rtol: 1e-4, atol: 1e-5)
    }

    @Test func layerNorm2dGradients() {
        var rng = ArrozRandom(seed: 14)
        let x = Tensor.randn([2, 4, 3, 3], rng: &rng), w = Tensor.randn([4], rng: &rng),
            b = Tensor.randn([4], rng: &rng)
        expectGradientsMatch([x, w, b]) { t in layerNorm2d(t[0], weight: t[1], bias: t[2]) }
        expectGradientsMatch([x]) { t in layerNorm2d(t[0], eps: 1e-6) }
    }

    @Test func groupNormMatchesReference() {
        var rng = ArrozRandom(seed: 15)
        let x = Tensor.randn([2, 6, 3, 2], rng: &rng) * 2 - 1
        let w = Tensor.randn([6], rng: &rng), b = Tensor.randn([6], rng: &rng)
        let ref = referenceNormalize(x.reshaped([2, 3, 12]), axes: [2], eps: 1e-5).reshaped([2, 6, 3, 2])
        expectClose(
            groupNorm(x, groups: 3, weight: w, bias: b),
            ref * w.reshaped([6, 1, 1]) + b.reshaped([6, 1, 1]), rtol: 1e-4, atol: 1e-5)
        // One group per channel is instance norm; one group is layer norm over (C, H, W).
        let inst = referenceNormalize(x, axes: [2, 3], eps: 1e-5)
        expectClose(groupNorm(x, groups: 6), inst, rtol: 1e-4, atol: 1e-5)
    }

    @Test func groupNormGradients() {
        var rng = ArrozRandom(seed: 16)
        let x = Tensor.randn([2, 4, 3, 2], rng: &rng), w = Tensor.randn([4], rng: &rng),
            b = Tensor.randn([4], rng: &rng)
        expectGradientsMatch([x, w, b]) { t in groupNorm(t[0], groups: 2, weight: t[1], bias: t[2]) }
        expectGradientsMatch([x]) { t in groupNorm(t[0], groups: 1) }
        let x3 = Tensor.randn([3, 4, 5], rng: &rng)
        expectGradientsMatch([x3]) { t in groupNorm(t[0], groups: 4, eps: 1e-3) }
    }

    @Test func groupNormSiLUMatchesComposition() {
        var rng = ArrozRandom(seed: 18)
        // 20 spatial values per channel: the SIMD row sums run a full step and a tail.
        let x = Tensor.randn([2, 6, 4, 5], rng: &rng) * 2 - 0.5
        let w = Tensor.randn([6], rng: &rng), b = Tensor.randn([6], rng: &rng)
        let dy = Tensor.randn([2, 6, 4, 5], rng: &rng)
        func grads(_ f: (Tensor, Tensor, Tensor) -> Tensor) -> (Tensor, [Tensor]) {
            let (xv, wv, bv) = (x.detached(), w.detached(), b.detached())
            for t in [xv, wv, bv] { t.requiresGrad = true }
            // A prior gradient on x: the fused backward must add to it, not overwrite it.
            xv.grad = Tensor.full(x.shape, 0.25)
            let y = f(xv, wv, bv)
            y.backward(gradient: dy)
            return (y.detached(), [xv, wv, bv].compactMap(\.grad))
        }
        let (yf, gf) = grads { groupNormSiLU($0, groups: 3, weight: $1, bias: $2) }
        let (yr, gr) = grads { groupNorm($0, groups: 3, weight: $1, bias: $2).silu() }
        expectClose(yf, yr, rtol: 1e-5, atol: 1e-6)
        #expect(gf.count == 3 && gr.count == 3)
        for (a, r) in zip(gf, gr) { expectClose(a, r, rtol: 1e-4, atol: 1e-5) }
    }

    @Test func groupNormSiLUGradients() {
        var rng = ArrozRandom(seed: 19)
        let x = Tensor.randn([2, 4, 3, 2], rng: &rng), w = Tensor.randn([4], rng: &rng),
            b = Tensor.randn([4], rng: &rng)
        expectGradientsMatch([x, w, b]) { t in groupNormSiLU(t[0], groups: 2, weight: t[1], bias: t[2]) }
        expectGradientsMatch([x]) { t in groupNormSiLU(t[0], groups: 1) }
    }

    @Test func rowReductionsMatchSerialSums() {
        var rng = ArrozRandom(seed: 17)
        for n in [0, 5, 16, 17, 40, 103] {
            let x = Tensor.randn([max(n, 1)], rng: &rng), g = Tensor.randn([max(n, 1)], rng: &rng)
            let xs = Array(x.scalars.prefix(n)).map(Double.init),
                gs = Array(g.scalars.prefix(n)).map(Double.init)
            let mean = xs.reduce(0, +) / Double(max(n, 1))
            #expect(abs(Double(rowSum(x.storage.pointer, n)) - xs.reduce(0, +)) < 1e-4)
            let ssd = xs.map { ($0 - 0.3) * ($0 - 0.3) }.reduce(0, +)
            #expect(abs(Double(rowSumSquaredDeviation(x.storage.pointer, n, mean: 0.3)) - ssd) < 1e-4)
            let (s, d) = rowGradSums(g.storage.pointer, x.storage.pointer, n, mean: Float(mean))
            #expect(abs(Double(s) - gs.reduce(0, +)) < 1e-4)
            #expect(abs(Double(d) - zip(gs, xs).map { $0 * ($1 - Double(Float(mean))) }.reduce(0, +)) < 1e-4)
        }
    }

    @Test func wideRowsMatchReferenceAndGradients() {
        // Rows longer than 16 run the 16-lane statistics paths (plus a tail).
        var rng = ArrozRandom(seed: 18)
        let x = Tensor.randn([3, 37], rng: &rng) * 2 + 1, w = Tensor.randn([37], rng: &rng)
        expectClose(
            layerNorm(x, weight: w), referenceNormalize(x, axes: [1], eps: 1e-5) * w, rtol: 1e-4, atol: 1e-5)
        expectGradientsMatch([x, w]) { t in layerNorm(t[0], weight: t[1]) }
        let xg = Tensor.randn([2, 4, 5, 5], rng: &rng), wg = Tensor.randn([4], rng: &rng)
        expectClose(
            groupNorm(xg, groups: 2),
            referenceNormalize(xg.reshaped([2, 2, 50]), axes: [2], eps: 1e-5)
                .reshaped([2, 4, 5, 5]), rtol: 1e-4, atol: 1e-5)
        expectGradientsMatch([xg, wg]) { t in groupNorm(t[0], groups: 2, weight: t[1]) }
        expectGradientsMatch([xg, wg]) { t in
            batchNorm2d(t[0], runningMean: nil, runningVar: nil, weight: t[1], training: true)
        }
    }

    @Test func layerNorm2dManyPixelBlocksAndParameterOnlyGradients() {
        // 17×17 = 289 pixels: two 256-pixel work blocks per image.
        var rng = ArrozRandom(seed: 19)
        let x = Tensor.randn([2, 3, 17, 17], rng: &rng), w = Tensor.randn([3], rng: &rng),
            b = Tensor.randn([3], rng: &rng)
        expectGradientsMatch([x, w, b], eps: 1e-2) { t in layerNorm2d(t[0], weight: t[1], bias: t[2]) }
        // Only the parameters train (x is a constant input): same parameter gradients.
        let r = Tensor.randn(x.shape, rng: &rng)
        let w1 = w.detached(), b1 = b.detached()
        w1.requiresGrad = true
        b1.requiresGrad = true
        (layerNorm2d(x.detached(), weight: w1, bias: b1) * r).sum().backward()
        let x2 = x.detached(), w2 = w.detached(), b2 = b.detached()
        for t in [x2, w2, b2] { t.requiresGrad = true }
        (layerNorm2d(x2, weight: w2, bias: b2) * r).sum().backward()
        expectClose(w1.grad!, w2.grad!, rtol: 1e-5, atol: 1e-5)
        expectClose(b1.grad!, b2.grad!, rtol: 1e-5, atol: 1e-5)
    }
}
