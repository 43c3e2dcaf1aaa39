// OptimizerTests: AdamW, Adam and Keras-style Adam against 10 PyTorch/numpy steps; zeroGrad; skipped params.
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct OptimizerTests {
    /// Runs 10 steps with the fixture's gradients and compares parameters and moments.
    func check(
        _ prefix: String, rtol: Float = 2e-5, atol: Float = 1e-6,
        _ make: ([NamedParameter]) -> AdamFamilyOptimizer
    ) {
        let w = NNFixtures.tensor("\(prefix).init.w", requiresGrad: true)
        let b = NNFixtures.tensor("\(prefix).init.b", requiresGrad: true)
        let opt = make([(name: "w", tensor: w), (name: "b", tensor: b)])
        for k in 0..<10 {
            w.grad = NNFixtures.tensor("\(prefix).grad\(k).w")
            b.grad = NNFixtures.tensor("\(prefix).grad\(k).b")
            opt.step()
            opt.zeroGrad()
            #expect(w.grad == nil && b.grad == nil)
        }
        expectClose(w, NNFixtures.tensor("\(prefix).final.w"), rtol: rtol, atol: atol, "\(prefix) w")
        expectClose(b, NNFixtures.tensor("\(prefix).final.b"), rtol: rtol, atol: atol, "\(prefix) b")
        for (i, name) in ["w", "b"].enumerated() {
            #expect(opt.states[i].step == 10)
            expectClose(
                opt.states[i].expAvg, NNFixtures.tensor("\(prefix).exp_avg.\(name)"), rtol: rtol,
                atol: atol, "\(prefix) exp_avg \(name)")
            expectClose(
                opt.states[i].expAvgSq, NNFixtures.tensor("\(prefix).exp_avg_sq.\(name)"), rtol: rtol,
                atol: 1e-8, "\(prefix) exp_avg_sq \(name)")
        }
    }

    @Test func adamWMatchesPyTorch() {
        // torch.optim.AdamW(ps, lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1), 10 steps
        check("adamw") { AdamW($0, lr: 1e-2, weightDecay: 0.1) }
    }

    @Test func adamMatchesPyTorch() {
        // torch.optim.Adam(ps, lr=1e-2, weight_decay=0.05), 10 steps
        check("adam") { Adam($0, lr: 1e-2, weightDecay: 0.05) }
    }

    @Test func kerasAdamMatchesTensorFlowFormula() {
        // numpy float64 of tf.keras Adam's ResourceApplyAdam, lr 1e-2, epsilon 1e-7
        check("keras") { Adam.keras($0, lr: 1e-2) }
    }

    @Test func adamWDefaultsArePyTorchs() {
        let opt = AdamW(tensors: [Tensor.zeros([2], requiresGrad: true)])
        #expect(opt.lr == 1e-3 && opt.beta1 == 0.9 && opt.beta2 == 0.999 && opt.eps == 1e-8)
        #expect(opt.weightDecay == 0.01 && opt.parameters[0].name == "0")
    }

    @Test func parametersWithoutGradientAreSkipped() {
        let a = Tensor([1, 2], requiresGrad: true), b = Tensor([3, 4], requiresGrad: true)
        let opt = AdamW(tensors: [a, b], lr: 0.1)
        a.grad = Tensor([1, -1])
        opt.step()
        #expect(b.scalars == [3, 4] && opt.states[1].step == 0)
        #expect(opt.states[0].step == 1)
        // first step moves each element by lr·sign(g) (plus decoupled decay θ·lr·λ): 1·(1 − 1e-3) − 0.1
        expectClose(a, [0.999 - 0.1, 1.998 + 0.1], rtol: 1e-5)
    }

    @Test func adamWTrainsALinearLayerDown() {
        var rng = ArrozRandom(seed: 1)
        let layer = Linear(3, 2, rng: &rng)
        let x = Tensor.randn([8, 3], rng: &rng), target = Tensor.randn([8, 2], rng: &rng)
        let opt = AdamW(layer, lr: 0.05)
        #expect(opt.parameters.map(\.name) == ["weight", "bias"])
        func loss() -> Tensor {
            let d = layer(x) - target
            return (d * d).mean()
        }
        let first = loss().item
        for _ in 0..<50 {
            opt.zeroGrad()
            loss().backward()
            opt.step()
        }
        #expect(loss().item < first * 0.7)
    }

    @Test func largeTensorsSplitOverThreadsGiveTheSameBits() {
        // 120 000 elements take the threaded path; each copy of the 3-element pattern must match the small run.
        let pattern: [Float] = [0.5, -1.25, 2], grads: [Float] = [0.1, -0.3, 0.02]
        let copies = 40_000
        let small = Tensor(pattern, requiresGrad: true)
        let big = Tensor(Array([[Float]](repeating: pattern, count: copies).joined()), requiresGrad: true)
        let optSmall = AdamW(tensors: [small], lr: 0.01), optBig = AdamW(tensors: [big], lr: 0.01)
        for step in 0..<3 {
            let g = grads.map { $0 * Float(step + 1) }
            small.grad = Tensor(g)
            big.grad = Tensor(Array([[Float]](repeating: g, count: copies).joined()))
            optSmall.step()
            optBig.step()
        }
        let b = big.scalars, s = small.scalars
        #expect((0..<b.count).allSatisfy { b[$0] == s[$0 % 3] })
        #expect(s != pattern)
    }

    @Test func tiedWeightsAreUpdatedOnce() {
        final class Tied: Layer {
            var isTraining = true
            let w = Tensor([1, 2], requiresGrad: true)
            func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
                visit("embed.weight", w)
                visit("head.weight", w)
            }
        }
        let m = Tied()
        let opt = AdamW(m, lr: 0.1, weightDecay: 0)
        #expect(opt.parameters.map(\.name) == ["embed.weight"])
        m.w.grad = Tensor([1, 1])
        opt.step()
        expectClose(m.w, [0.9, 1.9], rtol: 1e-5)  // one step of lr·sign(g), not two
    }
}
