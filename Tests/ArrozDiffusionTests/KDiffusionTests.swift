// KDiffusionTests: Euler, Euler a, DPM++ 2M and the Keras sampler against the exact Gaussian denoiser.
import ArrozDiffusion
import ArrozTensor
import ArrozTestSupport
import Testing

// Reference moments: `Tests/Fixtures/diffusion_reference.py` (numpy, 200k points, same update rules).
@Suite struct KDiffusionTests {
    @Test(arguments: [Prediction.epsilon, .x0])
    func eulerConverges(prediction: Prediction) {
        let p = Diffuzz()
        // numpy: Euler on Arroz's grid, 100 steps, μ = 0.7, s = 0.5 → variance 0.2429
        expectGaussian(
            EulerSampler(process: p, steps: 100),
            GaussianOracle(p, mean: 0.7, std: 0.5, prediction: prediction), varTol: 0.08)
        // numpy: 20 steps → 0.21597 (the solver's first-order error)
        expectGaussian(
            EulerSampler(process: p, steps: 20),
            GaussianOracle(p, mean: 0.7, std: 0.5, prediction: prediction),
            varTol: 0.05, targetVariance: 0.21597)
    }

    @Test func eulerAncestralConverges() {
        let p = Diffuzz()
        // numpy: 200 steps → 0.2416; 20 steps → 0.1888 (the same as Arroz DDPM at 20, both ancestral)
        expectGaussian(
            EulerAncestralSampler(process: p, steps: 200),
            GaussianOracle(p, mean: 0.7, std: 0.5, prediction: .epsilon), varTol: 0.08)
        expectGaussian(
            EulerAncestralSampler(process: p, steps: 20),
            GaussianOracle(p, mean: 0.7, std: 0.5, prediction: .epsilon),
            varTol: 0.06, targetVariance: 0.1888)
    }

    @Test(arguments: [Prediction.epsilon, .x0])
    func dpmpp2mIsAccurateAtTwentySteps(prediction: Prediction) {
        let p = Diffuzz()
        // numpy: 20 steps → 0.24990 (second order: s² = 0.25 to 0.04%)
        expectGaussian(
            DPMPP2MSampler(process: p, steps: 20),
            GaussianOracle(p, mean: 0.7, std: 0.5, prediction: prediction), varTol: 0.05)
        let k = KerasProcess()
        // numpy: on the Keras σ grid (35) → 0.03971 vs s² = 0.04
        expectGaussian(
            DPMPP2MSampler(process: k, steps: 35),
            GaussianOracle(k, mean: 0.2, std: 0.2, prediction: .x0), varTol: 0.05)
    }

    @Test func heunConverges() {
        let p = Diffuzz()
        // numpy: 20 steps → 0.2464 (s² = 0.25); two evaluations a step except the last
        let oracle = GaussianOracle(p, mean: 0.7, std: 0.5, prediction: .epsilon)
        expectGaussian(HeunSampler(process: p, steps: 20), oracle, varTol: 0.05)
        #expect(oracle.calls == 39)
    }

    /// DDIM(η = 0) is Euler in σ_k (Song et al. 2021, §4.3): on a discrete table, whose grid ends at ᾱ = 1
    /// (σ = 0), the two solvers must produce the same numbers.
    @Test func eulerEqualsDDIMOnADiscreteTable() {
        let p = DiscreteSchedule(steps: 100)
        let oracle = GaussianOracle(p, mean: 0.3, std: 0.7, prediction: .epsilon)
        var rng = ArrozRandom(seed: 2)
        let x = Tensor.randn([64, 1], rng: &rng)
        let euler = EulerSampler(process: p, steps: 10).sample(oracle.model(), from: x, rng: &rng)!
        let ddim = DDIMSampler(process: p, steps: 10).sample(oracle.model(), from: x, rng: &rng)!
        expectClose(euler.sample, ddim.sample, rtol: 1e-4, atol: 1e-5)
    }

    @Test func kerasSamplerMatchesNumpy() {
        let k = KerasProcess()
        let oracle = GaussianOracle(k, mean: 0.2, std: 0.2, prediction: .x0)
        // numpy: 100 steps → 0.03898; the default 35 → 0.03705 (s² = 0.04). |x̂₀| stays < 1: no thresholding.
        expectGaussian(KerasSampler(process: k, steps: 100, thresholdPercentile: nil), oracle, varTol: 0.07)
        expectGaussian(KerasSampler(process: k, steps: 35), oracle, varTol: 0.05, targetVariance: 0.03705)
    }

    /// Data N(0.8, 0.3²) pokes past 1, so the batch-wide 99.5th percentile rescales every x̂₀: numpy gives a
    /// mean of 0.5078 for these 8000 points (0.5012 for 200k) instead of 0.8, and every output lies in
    /// [−1, 1].
    @Test func kerasThresholdingSquashesTheBatch() {
        let k = KerasProcess()
        let oracle = GaussianOracle(k, mean: 0.8, std: 0.3, prediction: .x0)
        let sampler = KerasSampler(process: k, steps: 35)
        var rng = ArrozRandom(seed: 1)
        let x = oracle.marginal(8000, at: sampler.grid[0], rng: &rng)
        let out = sampler.sample(oracle.model(), from: x, rng: &rng)!
        #expect(abs(moments(out.sample).mean - 0.505) < 0.02)
        #expect(out.sample.data.allSatisfy { abs($0) <= 1 })
        #expect(out.steps == 34)
        let off = KerasSampler(process: k, steps: 35, thresholdPercentile: nil)
        let free = off.sample(oracle.model(), from: x, rng: &rng)!
        #expect(abs(moments(free.sample).mean - 0.8) < 0.02)
    }

    /// Without thresholding the Keras update is Euler in σ_k = σ/(1 − σ), and its returned last x̂₀ is where
    /// Euler's final step into σ = 0 lands.
    @Test func kerasSamplerIsEulerOnItsGrid() {
        let k = KerasProcess()
        let oracle = GaussianOracle(k, mean: 0.1, std: 0.3, prediction: .x0)
        var rng = ArrozRandom(seed: 3)
        let x = Tensor.randn([32, 1], rng: &rng)
        let keras = KerasSampler(process: k, steps: 35, thresholdPercentile: nil)
            .sample(oracle.model(), from: x, rng: &rng)!
        let euler = EulerSampler(process: k, steps: 35).sample(oracle.model(), from: x, rng: &rng)!
        expectClose(keras.sample, euler.sample, rtol: 1e-4, atol: 1e-5)
    }
}

@Suite struct StepReportTests {
    /// The k-diffusion solvers report x in the process's own space (a(t)·x_k): on a discrete table, where
    /// Euler is DDIM, every reported step must agree with DDIM's, and so must x̂₀.
    @Test func eulerReportsProcessSpaceSteps() {
        let p = DiscreteSchedule(steps: 50)
        let oracle = GaussianOracle(p, mean: -0.2, std: 0.8, prediction: .x0)
        var rng = ArrozRandom(seed: 7)
        let x = Tensor.randn([16, 1], rng: &rng)
        var euler: [SamplerStep] = [], ddim: [SamplerStep] = []
        _ = EulerSampler(process: p, steps: 5).sample(oracle.model(), from: x, rng: &rng) {
            euler.append($0); return true
        }
        _ = DDIMSampler(process: p, steps: 5).sample(oracle.model(), from: x, rng: &rng) {
            ddim.append($0); return true
        }
        #expect(euler.count == 5 && ddim.count == 5)
        for (e, d) in zip(euler, ddim) {
            #expect(e.t == d.t && e.tNext == d.tNext)
            expectClose(e.x, d.x, rtol: 1e-4, atol: 1e-5, "x at step \(e.index)")
            expectClose(e.x0, d.x0, rtol: 1e-4, atol: 1e-5, "x̂₀ at step \(e.index)")
        }
    }

    /// Same seed, same bytes, for every sampler the factory builds; the stochastic ones change with the seed.
    @Test(arguments: SamplerKind.allCases)
    func determinism(kind: SamplerKind) throws {
        func run(_ seed: UInt64) throws -> [Float] {
            var rng = ArrozRandom(seed: seed)
            if kind == .paella {
                let tokens = TokenProcess(numLabels: 6)
                let sampler = try makeSampler(SamplerSettings(kind: kind, steps: 4), tokens: tokens)
                let net: Denoiser = { x, _, _ in Tensor.zeros([x.shape[0], 6] + x.shape.dropFirst()) }
                let start = Tensor.randint([2, 4, 4], low: 0, high: 6, rng: &rng)
                return sampler.sample(GuidedDenoiser(net, prediction: .x0), from: start, rng: &rng)!.sample
                    .scalars
            }
            if kind == .ddg {  // built by the DDG pipeline itself, not by makeSampler
                let sampler = DDGSampler(schedule: DiscreteSchedule(.linear(start: 0.3, end: 0.9), steps: 5))
                let net: Denoiser = { x, _, _ in x * 0.5 }
                let start = Tensor.randn([2, 4], rng: &rng)
                return sampler.sample(GuidedDenoiser(net, prediction: .x0), from: start, rng: &rng)!.sample.scalars
            }
            let process: any GaussianProcess = kind == .keras ? KerasProcess() : Diffuzz()
            let oracle = GaussianOracle(
                process, mean: 0.1, std: 0.4, prediction: kind == .keras ? .x0 : .epsilon)
            let sampler = try makeSampler(
                SamplerSettings(kind: kind, steps: kind == .keras ? 8 : 6), process: process)
            let x = Tensor.randn([8, 2], rng: &rng)
            return sampler.sample(oracle.model(), from: x, rng: &rng)!.sample.scalars
        }
        #expect(try run(42) == run(42))
        #expect(try run(42) != run(43), "different seeds, different start points")
    }
}
