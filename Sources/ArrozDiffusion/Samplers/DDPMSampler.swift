// DDPMSampler: ancestral sampling on a variance-preserving process, exactly as Arroz's `DDPMSampler.step`.
import ArrozTensor

/// DDPM ancestral sampling on a variance-preserving process.
///
/// DDPM ancestral sampling (Ho et al. 2020, eq. 11 with σ² = β̃), written as Arroz-Con-Cosas's
/// `DDPMSampler.step` in `arroz/diffusion.py` (seeds.md §1.3), on any variance-preserving process and grid:
/// Arroz's continuous cosine `Diffuzz` (grid `linspace(1, 0, T+2)[1:]`) or a `DiscreteSchedule` (strided
/// indices ending at −1, where ᾱ = 1). Guidance applies to the prediction before the step.
public struct DDPMSampler: Sampler {
    public let process: any VariancePreservingProcess
    public let grid: [Float]

    public init(process: any VariancePreservingProcess, steps: Int = 20) {
        self.process = process
        self.grid = process.timeGrid(steps: steps)
    }

    public init(process: any VariancePreservingProcess, grid: [Float]) {
        precondition(grid.count >= 2, "DDPMSampler: grid needs ≥ 2 points, got \(grid.count)")
        self.process = process
        self.grid = grid
    }

    public func sample(
        _ model: GuidedDenoiser, from start: Tensor, rng: inout ArrozRandom, onStep: StepCallback?
    ) -> SampleResult? {
        let steps = grid.count - 1
        let driver = StepDriver(model: model, onStep: onStep, count: steps)
        var x = start.detached()
        var x0 = x
        for i in 0..<steps {
            guard driver.shouldContinue() else { return nil }
            let (t, tPrev) = (grid[i], grid[i + 1])
            let (out, scale) = model(x, t: t)
            let (x0Hat, eps) = process.split(x, prediction: out, kind: model.prediction, at: t)
            // α = ᾱ_t / ᾱ_prev
            // μ = (x − (1 − α)·ε̂ / √(1 − ᾱ_t)) / √α
            // σ² = (1 − α)(1 − ᾱ_prev) / (1 − ᾱ_t);   x ← μ + σ·z, and no noise on the last step
            let abT = process.alphaBar(at: t), abPrev = process.alphaBar(at: tPrev)
            let alpha = abT / abPrev
            let cx = Float(1 / alpha.squareRoot())
            let ce = Float(-(1 - alpha) / (1 - abT).squareRoot() / alpha.squareRoot())
            let sigma = i == steps - 1 ? 0 : Float(((1 - alpha) * (1 - abPrev) / (1 - abT)).squareRoot())
            var terms = [(cx, x), (ce, eps)]
            if sigma > 0 { terms.append((sigma, Tensor.randn(x.shape, rng: &rng))) }
            x = combine(terms)
            x0 = x0Hat
            guard driver.report(i, t: t, tNext: tPrev, scale: scale, x: x, x0: x0) else { return nil }
        }
        return SampleResult(sample: x, x0: x0, steps: steps)
    }
}
