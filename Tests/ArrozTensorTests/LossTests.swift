// LossTests: cross-entropy (smoothing, weights, ignore, spatial), MSE, L1, BCE-with-logits, embedding, dropout.
import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct LossTests {
    /// Cross-entropy from composite ops: −Σ_k q_k log_softmax(x)_k, the naive reference for the fused kernel.
    func naiveCrossEntropy(_ x: Tensor, _ t: Tensor, eps: Float) -> Tensor {
        let k = x.shape[1]
        let logp = x.logSoftmax(axis: 1)
        // one-hot along axis 1: x is [N, K, inner…], t is [N, inner…]
        let inner = x.count / (x.shape[0] * k)
        let onehot = Tensor.zeros(x.shape)
        for i in 0..<t.count {
            let (n, j) = (i / inner, i % inner)
            onehot.mutableData[(n * k + Int(t.data[i])) * inner + j] = 1
        }
        let q = onehot * (1 - eps) + eps / Float(k)
        return -(q * logp).sum(axis: 1)
    }

    @Test func crossEntropyMatchesNaiveAndTorch() {
        let x = Tensor([1, 2, 3, 0.5, -1, 2], shape: [2, 3])
        let t = Tensor([2, 0])
        // F.cross_entropy(torch.tensor([[1., 2, 3], [0.5, -1, 2]]), torch.tensor([2, 0])) = 1.0744586
        expectClose(crossEntropy(x, t), [1.0744586], atol: 1e-6)
        // ... label_smoothing=0.1 -> 1.1244586
        expectClose(crossEntropy(x, t, labelSmoothing: 0.1), [1.1244586], atol: 1e-6)
        for eps: Float in [0, 0.1] {
            expectClose(
                crossEntropy(x, t, labelSmoothing: eps, reduction: .none), naiveCrossEntropy(x, t, eps: eps),
                atol: 1e-5, "eps \(eps)")
        }
        var rng = ArrozRandom(seed: 41)
        let logits = Tensor.randn([2, 4, 3], rng: &rng)
        let targets = Tensor.randint([2, 3], low: 0, high: 4, rng: &rng)
        let w = Tensor.uniform([2, 3], low: 0.3, high: 1, rng: &rng)
        expectClose(
            crossEntropy(logits, targets, labelSmoothing: 0.1, reduction: .none),
            naiveCrossEntropy(logits, targets, eps: 0.1), atol: 1e-5, "spatial")
        // many lines per tile (tiled kernel, partial last tile)
        let wide = Tensor.randn([2, 5, 70], std: 3, rng: &rng)
        let wideT = Tensor.randint([2, 70], low: 0, high: 5, rng: &rng)
        expectClose(
            crossEntropy(wide, wideT, labelSmoothing: 0.2, reduction: .none),
            naiveCrossEntropy(wide, wideT, eps: 0.2), rtol: 1e-5, atol: 1e-5, "wide")
        for reduction in [LossReduction.mean, .sum, .none] {
            expectGradientsMatch([logits, w]) { p in
                crossEntropy(p[0], targets, labelSmoothing: 0.1, weights: p[1], reduction: reduction)
            }
        }
    }

    @Test func crossEntropyIgnoreIndexAndWeights() {
        let x = Tensor([1, 2, 3, 0.5, -1, 2, 0, 0, 1], shape: [3, 3])
        let t = Tensor([2, -100, 1])
        let per = crossEntropy(x, t, ignoreIndex: -100, reduction: .none)
        #expect(per.data[1] == 0)
        let mean = crossEntropy(x, t, ignoreIndex: -100)
        expectClose(mean, [(per.data[0] + per.data[2]) / 2], atol: 1e-6)
        let w = Tensor([2, 5, 0.5])
        let weighted = crossEntropy(x, t, weights: w, ignoreIndex: -100, reduction: .sum)
        expectClose(weighted, [2 * per.data[0] + 0.5 * per.data[2]], atol: 1e-5)
    }

    @Test func regressionLossesAndBCE() {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2]), b = Tensor([0, 2, 5, 3], shape: [2, 2])
        expectClose(mseLoss(a, b), [(1 + 0 + 4 + 1) / 4])
        expectClose(l1Loss(a, b, reduction: .sum), [4])
        expectClose(mseLoss(a, b, reduction: .none), [1, 0, 4, 1])
        // F.binary_cross_entropy_with_logits(torch.tensor([-100., -1, 0, 2, 100]), torch.tensor([0., 1, .5, 0, 1]))
        let x = Tensor([-100, -1, 0, 2, 100]), t = Tensor([0, 1, 0.5, 0, 1])
        expectClose(
            bceWithLogits(x, t, reduction: .none), [0, 1.3132617, 0.6931472, 2.126928, 0], atol: 1e-6)
        var rng = ArrozRandom(seed: 42)
        let p = awayFromZero([2, 3], rng: &rng), q = Tensor.randn([2, 3], rng: &rng)
        let tt = Tensor.uniform([2, 3], rng: &rng)
        expectGradientsMatch([p, q]) { v in mseLoss(v[0], v[1]) }
        expectGradientsMatch([p, q]) { v in l1Loss(v[0], v[1], reduction: .none) }
        expectGradientsMatch([p, tt]) { v in bceWithLogits(v[0], v[1], reduction: .sum) }
    }

    @Test func embeddingLooksUpAndScatterAdds() {
        let w = Tensor((0..<8).map(Float.init), shape: [4, 2], requiresGrad: true)
        let ids = Tensor([3, 1, 3], shape: [1, 3])
        let e = embedding(indices: ids, weight: w)
        #expect(e.shape == [1, 3, 2])
        expectClose(e, [6, 7, 2, 3, 6, 7])
        e.sum().backward()
        expectClose(w.grad ?? w, [0, 0, 1, 1, 0, 0, 2, 2])
        var rng = ArrozRandom(seed: 43)
        let v = Tensor.randn([5, 3], rng: &rng)
        expectGradientsMatch([v]) { t in
            embedding(indices: Tensor([4, 0, 4, 2], shape: [2, 2]), weight: t[0])
        }
    }

    @Test func dropoutIsInvertedAndSeeded() {
        var rng = ArrozRandom(seed: 44)
        let x = Tensor.ones([1000])
        var r1 = ArrozRandom(seed: 5), r2 = ArrozRandom(seed: 5)
        let y = dropout(x, p: 0.25, training: true, rng: &r1)
        #expect(y.scalars == dropout(x, p: 0.25, training: true, rng: &r2).scalars)
        let kept = y.scalars.filter { $0 != 0 }
        #expect(kept.allSatisfy { abs($0 - 4.0 / 3) < 1e-6 })
        #expect(abs(Float(kept.count) / 1000 - 0.75) < 0.05)
        #expect(dropout(x, p: 0.25, training: false, rng: &rng) === x)
        #expect(dropout(x, p: 1, training: true, rng: &rng).scalars.allSatisfy { $0 == 0 })
        let z = Tensor.randn([2, 3], rng: &rng)
        expectGradientsMatch([z]) { t in
            var r = ArrozRandom(seed: 9)  // the same mask on every call
            return dropout(t[0], p: 0.5, training: true, rng: &r)
        }
    }
}

@Suite struct OpsMisuseTests {
    /// Misuse stops with a precondition (the message names the op); these run in a child process.
    @Test func badIndicesAndShapesStop() async {
        await #expect(processExitsWith: .failure) {
            _ = crossEntropy(Tensor.zeros([2, 3]), Tensor([5, 0]))
        }
        await #expect(processExitsWith: .failure) {
            _ = crossEntropy(Tensor.zeros([2, 3]), Tensor([.nan, 0]))
        }
        await #expect(processExitsWith: .failure) {
            _ = embedding(indices: Tensor([.infinity]), weight: Tensor.zeros([4, 2]))
        }
        await #expect(processExitsWith: .failure) {
            _ = concat([Tensor.zeros([2, 3]), Tensor.zeros([3, 2])], axis: 0)
        }
        await #expect(processExitsWith: .failure) {
            _ = Tensor.zeros([1, 1, 2, 2]).pad2d(left: 2, right: 0, top: 0, bottom: 0, mode: .reflect)
        }
    }
}
