// BatchNormGRNTests: batchNorm2d (batch and running statistics, running updates, gradients) and GRN
// (both layouts against a core-op composition, gradients).
import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct BatchNormGRNTests {
    @Test func batchNormTrainingNormalisesAndUpdatesRunningStats() {
        var rng = ArrozRandom(seed: 31)
        let x = Tensor.randn([3, 2, 2, 2], rng: &rng) * 2 + 0.5
        let w = Tensor.randn([2], rng: &rng), b = Tensor.randn([2], rng: &rng)
        let rm = Tensor([0.1, -0.2]), rv = Tensor([1.5, 0.5])
        let y = batchNorm2d(
            x, runningMean: rm, runningVar: rv, weight: w, bias: b, training: true, momentum: 0.1)
        // Reference: normalise over (N, H, W) per channel with the biased variance.
        let ref =
            referenceNormalize(x, axes: [0, 2, 3], eps: 1e-5) * w.reshaped([2, 1, 1]) + b.reshaped([2, 1, 1])
        expectClose(y, ref, rtol: 1e-4, atol: 1e-5)
        // Running stats: (1 − m)·old + m·batch, variance unbiased (M = 12 values per channel).
        let mean = x.mean(axes: [0, 2, 3]).scalars
        let d = x - x.mean(axes: [0, 2, 3], keepDims: true)
        let unbiased = (d * d).sum(axes: [0, 2, 3]).scalars.map { $0 / 11 }
        expectClose(rm, [0.9 * 0.1 + 0.1 * mean[0], 0.9 * -0.2 + 0.1 * mean[1]], rtol: 1e-5, atol: 1e-6)
        expectClose(
            rv, [0.9 * 1.5 + 0.1 * unbiased[0], 0.9 * 0.5 + 0.1 * unbiased[1]], rtol: 1e-5, atol: 1e-6)
        // Keras-style momentum 0.01 moves the statistics 1 % of the way.
        let rm2 = Tensor([0, 0]), rv2 = Tensor([1, 1])
        _ = batchNorm2d(x, runningMean: rm2, runningVar: rv2, training: true, momentum: 0.01, eps: 1e-3)
        expectClose(rm2, mean.map { 0.01 * $0 }, rtol: 1e-5, atol: 1e-7)
    }

    @Test func batchNormEvalUsesRunningStatsAndLeavesThem() {
        var rng = ArrozRandom(seed: 32)
        let x = Tensor.randn([2, 3, 2], rng: &rng)
        let rm = Tensor([0.5, -1, 2]), rv = Tensor([4, 0.25, 1])
        let y = batchNorm2d(x, runningMean: rm, runningVar: rv, training: false, eps: 0)
        let expected = (x - rm.reshaped([3, 1])) / Tensor([2, 0.5, 1], shape: [3, 1])
        expectClose(y, expected, rtol: 1e-5, atol: 1e-6)
        #expect(rm.scalars == [0.5, -1, 2] && rv.scalars == [4, 0.25, 1])
    }

    @Test func batchNormGradients() {
        var rng = ArrozRandom(seed: 33)
        let x = Tensor.randn([3, 2, 2, 2], rng: &rng), w = Tensor.randn([2], rng: &rng),
            b = Tensor.randn([2], rng: &rng)
        expectGradientsMatch([x, w, b]) { t in
            batchNorm2d(t[0], runningMean: nil, runningVar: nil, weight: t[1], bias: t[2], training: true)
        }
        let rm = Tensor([0.3, -0.1]), rv = Tensor([0.8, 1.7])
        expectGradientsMatch([x, w, b]) { t in
            batchNorm2d(t[0], runningMean: rm, runningVar: rv, weight: t[1], bias: t[2], training: false)
        }
    }

    /// GRN written with core ops on NHWC, line for line as Paella's module.
    func referenceGRN(_ x: Tensor, _ gamma: Tensor, _ beta: Tensor) -> Tensor {
        let sq = (x * x).sum(axes: [1, 2], keepDims: true)  // [N, 1, 1, C]
        let G = Tensor(sq.scalars.map { $0.squareRoot() }, shape: sq.shape)
        let Nx = G / (G.mean(axes: [3], keepDims: true) + 1e-6)
        return gamma * (x * Nx) + beta + x
    }

    @Test func grnMatchesReferenceInBothLayouts() {
        var rng = ArrozRandom(seed: 34)
        let x = Tensor.randn([2, 3, 2, 5], rng: &rng)  // NHWC, C = 5
        let gamma = Tensor.randn([1, 1, 1, 5], rng: &rng), beta = Tensor.randn([1, 1, 1, 5], rng: &rng)
        let ref = referenceGRN(x, gamma, beta)
        expectClose(grn(x, gamma: gamma, beta: beta, channelsLast: true), ref, rtol: 1e-4, atol: 1e-5)
        let nchw = grn(x.permuted([0, 3, 1, 2]), gamma: gamma, beta: beta)
        expectClose(nchw.permuted([0, 2, 3, 1]), ref, rtol: 1e-4, atol: 1e-5)
        // Zero-initialised γ, β (PyTorch's init) make GRN the identity.
        expectClose(grn(x, gamma: Tensor.zeros([5]), beta: Tensor.zeros([5]), channelsLast: true), x)
    }

    @Test func grnGradients() {
        var rng = ArrozRandom(seed: 35)
        let x = Tensor.randn([2, 3, 2, 2], rng: &rng)
        let gamma = Tensor.randn([3], rng: &rng), beta = Tensor.randn([3], rng: &rng)
        expectGradientsMatch([x, gamma, beta]) { t in grn(t[0], gamma: t[1], beta: t[2]) }
        let xl = Tensor.randn([1, 2, 3, 4], rng: &rng)
        let gl = Tensor.randn([1, 1, 1, 4], rng: &rng), bl = Tensor.randn([1, 1, 1, 4], rng: &rng)
        expectGradientsMatch([xl, gl, bl]) { t in grn(t[0], gamma: t[1], beta: t[2], channelsLast: true) }
    }
}
