// GuidanceTests: CFG's closed form, batching, live scale changes, cancellation and seeded determinism.
import ArrozDiffusion
import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct GuidanceTests {
    /// Unconditional N(0, s²) (the all-zero uncond row), conditional N(μ_c, s²). With equal variances the
    /// guided denoiser D_u + w·(D_c − D_u) = μ_g + κ·(x − a·μ_g) is the exact denoiser of N(w·μ_c, s²),
    /// so guided sampling must behave exactly as unguided sampling of that Gaussian: mean w·μ_c, and the
    /// variance that 20 DDIM steps give for s = 0.5 (numpy, exact propagation,
    /// `Tests/Fixtures/diffusion_reference.py`: 0.21691516199532862, against s² = 0.25).
    @Test(arguments: [Prediction.epsilon, .x0])
    func guidedMeanIsClosedForm(prediction: Prediction) {
        let p = Diffuzz()
        let oracle = GaussianOracle(p, mean: 0, std: 0.5, prediction: prediction)
        let (muC, w): (Float, Float) = (0.4, 3)
        let n = 8000
        let sampler = DDIMSampler(process: p, steps: 20)
        var rng = ArrozRandom(seed: 9)
        let x = oracle.marginal(n, at: sampler.grid[0], mean: w * muC, rng: &rng)
        let cond = Tensor(shape: [n, 1], repeating: muC)
        let out = sampler.sample(
            oracle.model(cond: cond, controls: SamplerControls(guidanceScale: w)),
            from: x, rng: &rng)!
        let (m, v) = moments(out.sample)
        #expect(abs(m - w * muC) < 0.04, "guided mean \(m), want \(w * muC)")
        #expect(abs(v / 0.21691516 - 1) < 0.05, "variance \(v)")
        #expect(oracle.calls == 20, "one denoiser call per step")
        #expect(oracle.rowsSeen.allSatisfy { $0 == 2 * n }, "cond and uncond stacked into 2N rows")
    }

    @Test func cfgFormulaAndScaleOneShortcut() {
        expectClose(
            classifierFreeGuidance(cond: Tensor([1, 2]), uncond: Tensor([0.5, 4]), scale: 3),
            [0.5 + 3 * 0.5, 4 + 3 * -2])
        let oracle = GaussianOracle(Diffuzz(), mean: 0, std: 0.5, prediction: .x0)
        let model = oracle.model(
            cond: Tensor([0.3, 0.3], shape: [2, 1]), controls: SamplerControls(guidanceScale: 1))
        _ = model(Tensor([0.1, 0.2], shape: [2, 1]), t: 0.5)
        #expect(oracle.rowsSeen == [2], "s = 1 evaluates only the conditional rows")
    }

    /// clip_denoised: the guided output's implied x̂₀ is clamped to [−1, 1] and ε̂ re-derived from it, so
    /// x = a·x̂₀ + b·ε̂ still holds; inside the range nothing changes.
    @Test(arguments: [Prediction.epsilon, .x0])
    func clipDenoisedClampsTheImpliedX0(prediction: Prediction) {
        let p = DiscreteSchedule()
        let t: Float = 900
        let (a, b) = p.coefficients(at: t)
        let x = Tensor([0.3, -0.2, 0.9, 0.0], shape: [4, 1])
        let x0Wanted: [Float] = [3, -0.5, -7, 1]  // what the "network" believes x̂₀ is
        let den: Denoiser = { xs, _, _ in
            let out = (0..<4).map { i in
                prediction == .x0 ? x0Wanted[i] : (xs.data[i] - a * x0Wanted[i]) / b
            }
            return Tensor(out, shape: [4, 1])
        }
        var g = GuidedDenoiser(den, prediction: prediction)
        g.clipDenoised = (-1...1, p)
        let (out, _) = g(x, t: t)
        let (x0, eps) = p.split(x, prediction: out, kind: prediction, at: t)
        expectClose(x0, [1, -0.5, -1, 1], atol: 1e-4)
        for i in 0..<4 { #expect(abs(a * x0.data[i] + b * eps.data[i] - x.data[i]) < 1e-5) }
        g.clipDenoised = nil
        let (raw, _) = g(x, t: t)
        expectClose(p.split(x, prediction: raw, kind: prediction, at: t).x0, x0Wanted, atol: 1e-3)
    }

    @Test func cancellingInTheCallbackStopsAtTheNextStep() {
        let p = Diffuzz()
        let oracle = GaussianOracle(p, mean: 0, std: 1, prediction: .epsilon)
        var rng = ArrozRandom(seed: 1)
        var seen: [Int] = []
        let out = DDPMSampler(process: p, steps: 10).sample(
            oracle.model(), from: Tensor.randn([4, 1], rng: &rng),
            rng: &rng
        ) { step in
            seen.append(step.index)
            return step.index < 3
        }
        #expect(out == nil)
        #expect(seen == [0, 1, 2, 3])
        #expect(oracle.calls == 4, "no evaluation after the cancelling step")
    }

    @Test func cancellingThroughControlsStopsAtTheNextStep() {
        let p = Diffuzz()
        let oracle = GaussianOracle(p, mean: 0, std: 1, prediction: .epsilon)
        let controls = SamplerControls()
        var rng = ArrozRandom(seed: 1)
        let out = DDIMSampler(process: p, steps: 10).sample(
            oracle.model(controls: controls),
            from: Tensor.randn([4, 1], rng: &rng), rng: &rng
        ) { s in
            if s.index == 5 { controls.cancel() }
            return true
        }
        #expect(out == nil)
        #expect(oracle.calls == 6)
    }

    /// The callback raises the scale after step 3; step 3 used the old scale, step 4 the new one, and
    /// step 4's x̂₀ is the closed-form guided x̂₀ at the x that step 3 produced.
    @Test func changingTheScaleMidRunAppliesFromTheNextStep() {
        let p = Diffuzz()
        let oracle = GaussianOracle(p, mean: 0, std: 0.5, prediction: .epsilon)
        let controls = SamplerControls(guidanceScale: 2)
        let cond = Tensor(shape: [3, 1], repeating: 0.6)
        let sampler = DDIMSampler(process: p, steps: 8)
        var rng = ArrozRandom(seed: 4)
        var steps: [SamplerStep] = []
        _ = sampler.sample(
            oracle.model(cond: cond, controls: controls), from: Tensor.randn([3, 1], rng: &rng),
            rng: &rng
        ) { s in
            steps.append(s)
            if s.index == 3 { controls.guidanceScale = 5 }
            return true
        }
        #expect(steps.map(\.guidanceScale) == [2, 2, 2, 2, 5, 5, 5, 5])
        // x̂₀ at step 4 for mean w·μ_c = 3.0: μ_g + κ·(x − a·μ_g), κ = a·s²/(a²s² + b²)
        let t = sampler.grid[4]
        let (a, b) = p.coefficients(at: t)
        let k = a * 0.25 / (a * a * 0.25 + b * b)
        let want = steps[3].x.data.map { 3.0 + k * ($0 - a * 3.0) }
        expectClose(steps[4].x0, want, rtol: 1e-4, atol: 1e-4)
    }

    @Test func sameSeedSameBytes() {
        let p = Diffuzz()
        let oracle = GaussianOracle(p, mean: 0.2, std: 0.5, prediction: .epsilon)
        func run(_ seed: UInt64) -> [Float] {
            var rng = ArrozRandom(seed: seed)
            let x = Tensor.randn([8, 2], rng: &rng)
            return DDPMSampler(process: p, steps: 6).sample(oracle.model(), from: x, rng: &rng)!.sample
                .scalars
        }
        #expect(run(42) == run(42))
        #expect(run(42) != run(43))
    }
}
