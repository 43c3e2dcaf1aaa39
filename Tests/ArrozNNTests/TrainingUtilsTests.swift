// TrainingUtilsTests: clipGradNorm vs torch, LR schedules vs torch/transformers, EMA against its closed form.
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

@Suite struct TrainingUtilsTests {
    @Test(arguments: [1, 100])
    func clipGradNormMatchesPyTorch(maxNorm: Int) {
        // torch.nn.utils.clip_grad_norm_([a, b], max_norm)
        let a = Tensor.zeros([2, 3], requiresGrad: true), b = Tensor.zeros([4], requiresGrad: true)
        let unused = Tensor.zeros([3], requiresGrad: true)
        a.grad = NNFixtures.tensor("clip.g0.in")
        b.grad = NNFixtures.tensor("clip.g1.in")
        let total = clipGradNorm([a, b, unused], maxNorm: Float(maxNorm))
        expectClose([total], NNFixtures.values("clip.max\(maxNorm).total").map(Float.init), "total norm")
        if let ga = a.grad, let gb = b.grad {
            expectClose(ga, NNFixtures.tensor("clip.max\(maxNorm).g0"), "g0")
            expectClose(gb, NNFixtures.tensor("clip.max\(maxNorm).g1"), "g1")
        }
        #expect(unused.grad == nil)
        if maxNorm == 1 {
            let after = clipGradNorm([a, b], maxNorm: 1e9)
            #expect(abs(after - 1) < 1e-5)  // clipped to max_norm/(total + 1e-6)
        }
    }

    @Test func clipGradNormWithoutGradientsIsZero() {
        #expect(clipGradNorm([Tensor.zeros([2], requiresGrad: true)], maxNorm: 1) == 0)
    }

    @Test func oneCycleMatchesPyTorchSeedSchedule() {
        // OneCycleLR(max_lr=3e-4, total_steps=50, pct_start=0.1, div_factor=25, final_div_factor=1/25,
        //            anneal_strategy='linear', three_phase=False); AdamW β₁ cycles 0.95 → 0.85 → 0.95
        let s = OneCycleLR(
            maxLR: 3e-4, totalSteps: 50, pctStart: 0.1, divFactor: 25, finalDivFactor: 1.0 / 25)
        let lrs = NNFixtures.values("onecycle.seed.lr"), betas = NNFixtures.values("onecycle.seed.beta1")
        #expect(lrs.count == 50)
        expectClose((0..<lrs.count).map { s.lr(at: $0) }, lrs.map(Float.init), rtol: 1e-6, atol: 0, "lr")
        expectClose(
            (0..<betas.count).map { s.momentum(at: $0) ?? 0 }, betas.map(Float.init), rtol: 1e-6,
            atol: 0, "beta1")
        let opt = AdamW(tensors: [Tensor.zeros([1], requiresGrad: true)])
        s.apply(to: opt, step: 2)
        #expect(abs(opt.lr - Float(lrs[2])) < 1e-9 && abs(opt.beta1 - Float(betas[2])) < 1e-6)
    }

    @Test func oneCycleMatchesPyTorchDefaults() {
        // OneCycleLR(max_lr=1e-2, total_steps=17, anneal_strategy='linear'), steps 0...17
        let s = OneCycleLR(maxLR: 1e-2, totalSteps: 17)
        let lrs = NNFixtures.values("onecycle.default.lr"),
            betas = NNFixtures.values("onecycle.default.beta1")
        #expect(lrs.count == 18)
        expectClose((0..<lrs.count).map { s.lr(at: $0) }, lrs.map(Float.init), rtol: 1e-5, atol: 1e-12, "lr")
        expectClose(
            (0..<betas.count).map { s.momentum(at: $0) ?? 0 }, betas.map(Float.init), rtol: 1e-6,
            atol: 0, "beta1")
    }

    @Test func warmupCosineMatchesTransformers() {
        // transformers.get_cosine_with_min_lr_schedule_with_warmup(opt(lr=1e-3), 5, 20, min_lr=1e-4)
        let s = WarmupSchedule(baseLR: 1e-3, warmupSteps: 5, decay: .cosine(totalSteps: 20, minLR: 1e-4))
        let lrs = NNFixtures.values("cosine.lr")
        expectClose((0...20).map { s.lr(at: $0) }, lrs[0...20].map(Float.init), rtol: 1e-5, atol: 1e-10)
        #expect(s.lr(at: 30) == 1e-4)  // stays at the floor after the end (transformers would cycle back up)
    }

    @Test func warmupConstant() {
        let s = WarmupSchedule(baseLR: 3e-4, warmupSteps: 4)
        expectClose(
            (0..<7).map { s.lr(at: $0) }, [0, 0.75e-4, 1.5e-4, 2.25e-4, 3e-4, 3e-4, 3e-4], rtol: 1e-6)
    }

    @Test func emaCopiesBeforeStartThenFollowsClosedForm() {
        var rng = ArrozRandom(seed: 5)
        let model = Linear(2, 2, rng: &rng)
        let ema = EMA(model, decay: 0.9, startStep: 3)
        // steps 0, 1, 2 copy whatever the model holds
        for step in 0..<3 {
            Init.constant(model.weight, Float(step + 10))
            ema.update(model, step: step)
            #expect(ema.shadow[0].tensor.scalars == [Float](repeating: Float(step + 10), count: 4))
        }
        // then with a constant target p: ē_k = p + β^k·(e₀ − p)
        let e0: Float = 12, p: Float = 2
        Init.constant(model.weight, p)
        for k in 1...20 {
            ema.update(model, step: 2 + k)
            let expected = p + pow(0.9, Float(k)) * (e0 - p)
            expectClose(ema.shadow[0].tensor, [Float](repeating: expected, count: 4), rtol: 1e-5, "k=\(k)")
        }
        let target = Linear(2, 2, rng: &rng)
        ema.copy(into: target)
        #expect(target.weight.scalars == ema.shadow[0].tensor.scalars)
        #expect(target.bias?.scalars == ema.shadow[1].tensor.scalars)
    }

    @Test func emaCopiesBuffersInsteadOfAveraging() {
        final class WithBuffer: Layer {
            var isTraining = true
            let w = Tensor([0], requiresGrad: true), count = Tensor([0])
            func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
                visit("w", w)
                visit("count", count)
            }
        }
        let m = WithBuffer()
        let ema = EMA(m, decay: 0.5)
        m.w.assign([4])
        m.count.assign([4])
        ema.update(m, step: 0)
        #expect(ema.shadow[0].tensor.scalars == [2] && ema.shadow[1].tensor.scalars == [4])
    }
}
