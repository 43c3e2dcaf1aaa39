// SamplerTests: every sampler against the exact Gaussian denoiser — the samples' moments must match N(μ, s²).
import ArrozDiffusion
import ArrozTensor
import ArrozTestSupport
import Testing

/// Runs `sampler` from the exact marginal at its first grid time and checks the output's mean and variance.
/// Moments of n = 8000 points: the mean's standard error is s/√n ≈ 0.006 for s = 0.5, the variance's
/// s²·√(2/n) ≈ 1.6%; tolerances add the solver's own discretisation error.
func expectGaussian(
    _ sampler: any Sampler, _ oracle: GaussianOracle, seed: UInt64 = 1, n: Int = 8000,
    meanTol: Float = 0.04, varTol: Float = 0.1, targetVariance: Float? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var rng = ArrozRandom(seed: seed)
    let x = oracle.marginal(n, at: sampler.grid[0], rng: &rng)
    guard let out = sampler.sample(oracle.model(), from: x, rng: &rng) else {
        Issue.record("sampler cancelled itself", sourceLocation: sourceLocation)
        return
    }
    let (m, v) = moments(out.sample)
    let s2 = targetVariance ?? oracle.std * oracle.std
    #expect(abs(m - oracle.mean) < meanTol, "mean \(m) vs \(oracle.mean)", sourceLocation: sourceLocation)
    #expect(abs(v / s2 - 1) < varTol, "variance \(v) vs \(s2)", sourceLocation: sourceLocation)
}

@Suite struct SamplerTests {
    // Many steps: the solvers' discretisation error is small, so the samples must be N(μ, s²).
    @Test(arguments: [Prediction.epsilon, .x0])
    func arrozDDPMConverges(prediction: Prediction) {
        let p = Diffuzz()
        expectGaussian(
            DDPMSampler(process: p, steps: 200),
            GaussianOracle(p, mean: 0.7, std: 0.5, prediction: prediction), varTol: 0.08)
    }

    @Test(arguments: [Float(0), 0.5, 1])
    func arrozDDIMConverges(eta: Float) {
        let p = Diffuzz()
        expectGaussian(
            DDIMSampler(process: p, steps: 200, eta: eta),
            GaussianOracle(p, mean: -0.4, std: 0.6, prediction: .epsilon), varTol: 0.08)
    }

    /// At Arroz's default 20 steps both solvers shrink the variance; the values below come from the same
    /// update rules in numpy (`Tests/Fixtures/diffusion_reference.py`), so they pin the exact grid
    /// `linspace(1, 0, 22)[1:]`, the clamp and the formulas. With the t = 1 grid they would differ.
    @Test func arrozDefaultsMatchNumpy() {
        let p = Diffuzz()
        // numpy, exact variance propagation of DDIM(η=0), T=20, s=0.6: 0.31658231426534356
        expectGaussian(
            DDIMSampler(process: p, steps: 20),
            GaussianOracle(p, mean: -0.4, std: 0.6, prediction: .epsilon),
            varTol: 0.05, targetVariance: 0.31658231426534356)
        // numpy Monte Carlo (200k points), DDPM, T=20, μ=0.7, s=0.5: variance 0.1889
        expectGaussian(
            DDPMSampler(process: p, steps: 20),
            GaussianOracle(p, mean: 0.7, std: 0.5, prediction: .epsilon),
            varTol: 0.06, targetVariance: 0.1889)
    }

    @Test func discreteDDPMAndDDIMConverge() {
        let p = DiscreteSchedule(steps: 1000)
        let oracle = GaussianOracle(p, mean: 0.5, std: 0.4, prediction: .epsilon)
        // numpy (`Tests/Fixtures/diffusion_reference.py`): 400 of 1000 linear-β steps, DDPM 0.1523;
        // DDIM 100 steps 0.1493 (s² = 0.16)
        expectGaussian(DDPMSampler(process: p, steps: 400), oracle, varTol: 0.1)
        expectGaussian(DDIMSampler(process: p, steps: 100), oracle, varTol: 0.1)
        let cosine = DiscreteSchedule(.cosine(s: 0.008), steps: 100)
        expectGaussian(
            DDIMSampler(process: cosine, steps: 100),
            GaussianOracle(cosine, mean: 0.5, std: 0.4, prediction: .x0), varTol: 0.08)
    }

    @Test func ddimFromUnitNoiseIsDeterministicAndReachesX0() {
        // Arroz's DDIM is a deterministic map; on a discrete table its last step returns x̂₀ exactly.
        let p = DiscreteSchedule(steps: 100)
        let oracle = GaussianOracle(p, mean: 0.5, std: 0.4, prediction: .epsilon)
        var rng = ArrozRandom(seed: 5)
        let x = Tensor.randn([16, 1], rng: &rng)
        var r1 = ArrozRandom(seed: 1), r2 = ArrozRandom(seed: 2)
        let a = DDIMSampler(process: p, steps: 10).sample(oracle.model(), from: x, rng: &r1)!
        let b = DDIMSampler(process: p, steps: 10).sample(oracle.model(), from: x, rng: &r2)!
        #expect(a.sample.scalars == b.sample.scalars, "η = 0 ignores the generator")
        expectClose(a.sample, a.x0, rtol: 0, atol: 1e-6, "ᾱ(−1) = 1: last x equals x̂₀")
    }
}
