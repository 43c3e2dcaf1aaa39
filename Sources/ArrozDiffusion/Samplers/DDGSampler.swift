// DDGSampler: cclddg's few-step GAN sampler — predict x̂₀, re-noise it with the marginal, repeat.
import ArrozTensor

/// cclddg's few-step denoising-diffusion-GAN sampler.
///
/// The denoising-diffusion-GAN sampler of johnowhitaker/cclddg (`DDG_Context.examples`; seeds.md §3.3) on a
/// `DiscreteSchedule` of N steps (cclddg: β = linspace(0.3, 0.9, N), N = 5):
///
///     x ~ N(0, I);  for t = N, N−1, …, 1:
///         x̂₀ = u + s·(c − u)                    (the generator G(x, t, c, z), x₀-prediction)
///         x  ← √ᾱ_{t−1}·x̂₀ + √(1 − ᾱ_{t−1})·ε  (the marginal q(x_{t−1} | x̂₀), not the posterior)
///
/// and returns the last x̂₀. As in the seed the model is first called at t = N, a time training never draws
/// (it uses 1…N−1; seeds.md §7.5). The generator's latent z is the caller's: capture one z in the denoiser
/// closure so every step sees the same z, as cclddg does.
public struct DDGSampler: Sampler {
    public let schedule: DiscreteSchedule
    public let grid: [Float]

    public init(schedule: DiscreteSchedule) {
        self.schedule = schedule
        self.grid = (0...schedule.count).reversed().map(Float.init)  // N, N−1, …, 0
    }

    public func sample(
        _ model: GuidedDenoiser, from start: Tensor, rng: inout ArrozRandom, onStep: StepCallback?
    ) -> SampleResult? {
        precondition(
            model.prediction == .x0, "DDGSampler: the generator predicts x0, got \(model.prediction)")
        let steps = grid.count - 1
        let driver = StepDriver(model: model, onStep: onStep, count: steps)
        var x = start.detached()
        var x0 = x
        for i in 0..<steps {
            guard driver.shouldContinue() else { return nil }
            let t = grid[i]
            let (out, scale) = model(x, t: t)
            x0 = out
            // x ← √ᾱ_{t−1}·x̂₀ + √(1 − ᾱ_{t−1})·ε
            let ab = schedule.alphasCumprod[Int(t) - 1]
            x = combine([
                (Float(ab.squareRoot()), x0),
                (Float((1 - ab).squareRoot()), Tensor.randn(x.shape, rng: &rng)),
            ])
            guard driver.report(i, t: t, tNext: grid[i + 1], scale: scale, x: x, x0: x0) else { return nil }
        }
        return SampleResult(sample: x0, x0: x0, steps: steps)
    }
}
