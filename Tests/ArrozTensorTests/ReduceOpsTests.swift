// ReduceOpsTests: max/min/argmax over axes, variance, softmax and log-softmax — values and gradients.
import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct ReduceOpsTests {
    @Test func maxMinValuesAndArgmax() {
        let x = Tensor([3, 7, 1, 9, 2, 7, 0, 4, 8, 5, 6, 2], shape: [2, 2, 3])
        expectClose(x.max(axis: -1), [7, 9, 8, 6])
        expectClose(x.min(axes: [0, 2]), [0, 2])
        expectClose(x.max(axes: [1], keepDims: true), [9, 7, 7, 5, 6, 8])
        #expect(x.max(axes: [1], keepDims: true).shape == [2, 1, 3])
        #expect(x.max().item == 9)
        expectClose(x.argmax(axis: 2), [1, 0, 2, 1])
        expectClose(x.argmin(axis: 0), [1, 1, 0, 1, 0, 1])
        // first index on ties, as torch.argmax on CPU
        expectClose(Tensor([1, 5, 5, 2]).argmax(axis: 0), [1])
    }

    @Test func maxMinGradientsGoToTheExtremum() {
        let x = Tensor([1, 5, 5, 2], shape: [2, 2], requiresGrad: true)
        x.max(axis: 1).sum().backward()
        expectClose(x.grad ?? x, [0, 1, 1, 0])
        var rng = ArrozRandom(seed: 21)
        let y = Tensor.randn([2, 3, 4], rng: &rng)
        expectGradientsMatch([y]) { t in t[0].max(axes: [0, 2]) }
        expectGradientsMatch([y]) { t in t[0].min(axis: 1, keepDims: true) }
        expectGradientsMatch([y]) { t in t[0].max() }
    }

    @Test func varianceMatchesTwoPassReference() {
        var rng = ArrozRandom(seed: 22)
        let x = Tensor.randn([3, 4, 2], rng: &rng)
        for (axes, unbiased) in [([1], true), ([0, 2], false), ([0, 1, 2], true)] {
            // naive: Σ(x − mean)² / (n − δ), from the composite ops
            let n = axes.reduce(1) { $0 * x.shape[$1] }
            let d = x - x.mean(axes: axes, keepDims: true)
            let naive = (d * d).sum(axes: axes) / Float(n - (unbiased ? 1 : 0))
            expectClose(x.variance(axes: axes, unbiased: unbiased), naive, atol: 1e-6, "variance \(axes)")
            expectGradientsMatch([x]) { t in t[0].variance(axes: axes, keepDims: true, unbiased: unbiased) }
        }
        // torch.tensor([1., 2, 3, 4]).var() = 1.6667, .var(unbiased=False) = 1.25
        expectClose(Tensor([1, 2, 3, 4]).variance(), [1.6666666])
        expectClose(Tensor([1, 2, 3, 4]).variance(unbiased: false), [1.25])
        expectClose(Tensor([1, 2, 3, 4]).std(unbiased: false), [Float(1.25).squareRoot()])
    }

    @Test func softmaxMatchesNaiveOnEveryAxis() {
        var rng = ArrozRandom(seed: 23)
        let x = Tensor.randn([2, 3, 4], std: 3, rng: &rng)
        for axis in [0, 1, 2, -1] {
            let e = x.exp()
            let naive = e / e.sum(axis: axis, keepDims: true)
            expectClose(x.softmax(axis: axis), naive, atol: 1e-6, "softmax axis \(axis)")
            expectClose(x.logSoftmax(axis: axis), naive.log(), atol: 1e-5, "logSoftmax axis \(axis)")
            expectGradientsMatch([x]) { t in t[0].softmax(axis: axis) }
            expectGradientsMatch([x]) { t in t[0].logSoftmax(axis: axis) }
        }
    }

    /// The tiled (axis not last) and SIMD-row (last axis) kernels against the one-line-at-a-time reference.
    @Test func tiledSoftmaxMatchesLineReference() {
        var rng = ArrozRandom(seed: 24)
        let x = Tensor.randn([2, 5, 70], std: 4, rng: &rng)
        for log in [false, true] {
            let tiled = log ? x.logSoftmax(axis: 1) : x.softmax(axis: 1)
            expectClose(tiled, x.softmaxReference(axis: 1, log: log), rtol: 1e-6, atol: 1e-7, "log \(log)")
        }
        // the SIMD row kernel (last axis), rows longer than 8 with a remainder
        let rows = Tensor.randn([3, 21], std: 4, rng: &rng)
        for log in [false, true] {
            let fast = log ? rows.logSoftmax(axis: -1) : rows.softmax(axis: -1)
            expectClose(
                fast, rows.softmaxReference(axis: -1, log: log), rtol: 1e-6, atol: 1e-7, "rows \(log)")
        }
        expectGradientsMatch([rows]) { t in t[0].softmax(axis: -1) }
        expectGradientsMatch([rows]) { t in t[0].logSoftmax(axis: -1) }
        let small = Tensor.randn([2, 3, 2, 2], rng: &rng)
        expectGradientsMatch([small]) { t in t[0].softmax(axis: 1) }
        expectGradientsMatch([small]) { t in t[0].logSoftmax(axis: 0) }
    }

    @Test func softmaxIsStableForHugeLogits() {
        let x = Tensor([1000, 1001, 1002, -1000], shape: [1, 4])
        // torch.softmax(torch.tensor([1000., 1001, 1002, -1000]), 0)
        expectClose(x.softmax(axis: 1), [0.09003057, 0.24472847, 0.66524096, 0], atol: 1e-6)
        expectClose(x.logSoftmax(axis: 1), [-2.4076059, -1.4076059, -0.4076059, -2002.4076], rtol: 1e-5)
    }
}
