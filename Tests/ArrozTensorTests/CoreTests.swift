// CoreTests: broadcasting arithmetic, reductions, reshape/permute, matmul/linear — values and gradients.
import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct CoreTests {
    @Test func broadcastAddMulValues() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = Tensor([10, 20, 30], shape: [3])
        expectClose(a + b, [11, 22, 33, 14, 25, 36])
        let c = Tensor([2, 3], shape: [2, 1])
        expectClose(a * c, [2, 4, 6, 12, 15, 18])
        expectClose(a / c - 1, [-0.5, 0, 0.5, 4.0 / 3 - 1, 5.0 / 3 - 1, 1])
    }

    @Test func binaryGradients() {
        var rng = ArrozRandom(seed: 1)
        let a = Tensor.randn([2, 3, 4], rng: &rng)
        let b = Tensor.randn([3, 1], rng: &rng)
        let c = Tensor.uniform([4], low: 1, high: 2, rng: &rng)
        expectGradientsMatch([a, b, c]) { t in (t[0] + t[1]) * t[2] - t[0] / t[2] }
        expectGradientsMatch([a]) { t in -(t[0] * 3 + 1) }
    }

    @Test func sumMeanGradients() {
        var rng = ArrozRandom(seed: 2)
        let x = Tensor.randn([2, 3, 4], rng: &rng)
        expectClose(x.sum(axes: [0, 2]), [x.sum(axis: 0).sum(axis: 1).scalars].flatMap { $0 }, atol: 1e-5)
        expectGradientsMatch([x]) { t in t[0].sum(axes: [1], keepDims: true) * t[0] }
        expectGradientsMatch([x]) { t in t[0].mean(axes: [0, 2]) }
    }

    @Test func permuteAndReshape() {
        let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        let y = x.permuted([2, 0, 1])
        #expect(y.shape == [4, 2, 3])
        #expect(y[1, 1, 2] == x[1, 2, 1])
        var rng = ArrozRandom(seed: 3)
        let z = Tensor.randn([2, 3, 4], rng: &rng)
        expectGradientsMatch([z]) { t in t[0].permuted([1, 2, 0]).reshaped([3, -1]) * t[0].reshaped([3, 8]) }
    }

    @Test func sgemmMatchesNaive() {
        var rng = ArrozRandom(seed: 4)
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let (m, n, k) = (5, 7, 3)
            let a = Tensor.randn([m * k], rng: &rng), b = Tensor.randn([k * n], rng: &rng)
            let c1 = Tensor.zeros([m * n]), c2 = Tensor.zeros([m * n])
            sgemm(transA: ta, transB: tb, m: m, n: n, k: k, a: a.storage.pointer, b: b.storage.pointer,
                  c: c1.storage.pointer)
            sgemmNaive(transA: ta, transB: tb, m: m, n: n, k: k, a: a.storage.pointer, b: b.storage.pointer,
                       c: c2.storage.pointer)
            expectClose(c1, c2, rtol: 1e-5, atol: 1e-5, "sgemm ta=\(ta) tb=\(tb)")
        }
    }

    /// Products large enough to split across threads (along N when C is wide, along M when tall), with row
    /// strides wider than the rows and beta = 1, against the naive loop.
    @Test func splitSgemmMatchesNaive() {
        if Threads.count < 2 { Threads.set(2) }
        var rng = ArrozRandom(seed: 41)
        for (m, n, k) in [(40, 530, 37), (530, 40, 37)] {
            #expect(m * n * k >= sgemmSplitWork)
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let (ra, ca) = ta ? (k, m) : (m, k), (rb, cb) = tb ? (n, k) : (k, n)
                let a = Tensor.randn([ra, ca + 3], rng: &rng), b = Tensor.randn([rb, cb + 5], rng: &rng)
                let c0 = Tensor.randn([m, n + 2], rng: &rng)
                let c1 = Tensor(c0.scalars, shape: c0.shape)
                sgemm(
                    transA: ta, transB: tb, m: m, n: n, k: k, a: a.storage.pointer, lda: ca + 3,
                    b: b.storage.pointer, ldb: cb + 5, beta: 1, c: c1.storage.pointer, ldc: n + 2)
                // Naive on packed copies, then C + product, with the padding columns untouched.
                let ap = Tensor(a.scalars.enumerated().filter { $0.offset % (ca + 3) < ca }.map(\.element))
                let bp = Tensor(b.scalars.enumerated().filter { $0.offset % (cb + 5) < cb }.map(\.element))
                let prod = Tensor.zeros([m * n])
                sgemmNaive(
                    transA: ta, transB: tb, m: m, n: n, k: k, a: ap.storage.pointer, b: bp.storage.pointer,
                    c: prod.storage.pointer)
                var want = c0.scalars
                let p = prod.scalars
                for i in 0..<m { for j in 0..<n { want[i * (n + 2) + j] += p[i * n + j] } }
                expectClose(c1, Tensor(want, shape: c0.shape), rtol: 1e-4, atol: 1e-4, "split sgemm \(m)×\(n)×\(k) ta=\(ta) tb=\(tb)")
            }
        }
    }

    @Test func matmulAndLinearGradients() {
        var rng = ArrozRandom(seed: 5)
        let a = Tensor.randn([2, 3, 4], rng: &rng), w = Tensor.randn([4, 5], rng: &rng)
        expectGradientsMatch([a, w]) { t in matmul(t[0], t[1]) }
        let b = Tensor.randn([2, 4, 5], rng: &rng)
        expectGradientsMatch([a, b]) { t in matmul(t[0], t[1]) }
        let bt = Tensor.randn([2, 5, 4], rng: &rng), at = Tensor.randn([2, 4, 3], rng: &rng)
        expectGradientsMatch([at, bt]) { t in bmm(t[0], t[1], transA: true, transB: true) }
        expectGradientsMatch([a, bt]) { t in bmm(t[0], t[1], transB: true) }
        let wl = Tensor.randn([6, 4], rng: &rng), bl = Tensor.randn([6], rng: &rng)
        expectGradientsMatch([a, wl, bl]) { t in linear(t[0], weight: t[1], bias: t[2]) }
    }

    @Test func randomIsDeterministic() {
        var r1 = ArrozRandom(seed: 42), r2 = ArrozRandom(seed: 42)
        #expect(Tensor.randn([100], rng: &r1).scalars == Tensor.randn([100], rng: &r2).scalars)
        var r = ArrozRandom(seed: 9)
        let x = Tensor.randn([20_000], rng: &r)
        let mean = x.mean().item
        let variance = (x * x).mean().item - mean * mean
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }

    @Test func noGradRecordsNothing() {
        let x = Tensor([1, 2, 3], requiresGrad: true)
        let y = withNoGrad { x * 2 }
        #expect(!y.requiresGrad)
        let z = (x * x).sum()
        z.backward()
        expectClose(x.grad!, [2, 4, 6])
    }
}
