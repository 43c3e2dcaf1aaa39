// DDIMSampler: DDIM(η) on a variance-preserving process; η = 0 is exactly Arroz's `DDIMSampler.step`.
import ArrozTensor

/// DDIM with noise η on a variance-preserving process.
///
/// DDIM (Song et al. 2021, eq. 12 and 16) on any variance-preserving process and grid. At η = 0 this is
/// Arroz-Con-Cosas's `DDIMSampler.step` (`arroz/diffusion.py`, seeds.md §1.3):
/// x ← √ᾱ_prev·x̂₀ + √(1−ᾱ_prev)·ε̂. On Arroz's grid the last step lands at t = 0 where the clamp gives
/// ᾱ = 0.9999, so it returns 0.99995·x̂₀ + 0.01·ε̂ rather than x̂₀ (seeds.md §7.2), as the seed does.
/// On a `DiscreteSchedule` the grid ends at index −1 (ᾱ = 1) and the last step returns x̂₀ (diffusers
/// `DDIMScheduler`).
/// For η > 0 the fresh noise is left out of the last step, as in Arroz's DDPM.
public struct DDIMSampler: Sampler {
    public let process: any VariancePreservingProcess
    public let grid: [Float]
    public let eta: Float

    public init(process: any VariancePreservingProcess, steps: Int = 20, eta: Float = 0) {
        self.init(process: process, grid: process.timeGrid(steps: steps), eta: eta)
    }

    public init(process: any VariancePreservingProcess, grid: [Float], eta: Float = 0) {
        precondition(grid.count >= 2, "DDIMSampler: grid needs ≥ 2 points, got \(grid.count)")
        precondition(eta >= 0, "DDIMSampler: eta \(eta) < 0")
        self.process = process
        self.grid = grid
        self.eta = eta
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
            // x̂₀ = (x − √(1 − ᾱ_t)·ε̂) / √ᾱ_t
            // σ  = η·√((1 − ᾱ_prev)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_prev)
            // x ← √ᾱ_prev·x̂₀ + √(1 − ᾱ_prev − σ²)·ε̂ + σ·z
            let abT = process.alphaBar(at: t), abPrev = process.alphaBar(at: tPrev)
            var sigma = Double(eta) * ((1 - abPrev) / (1 - abT) * (1 - abT / abPrev)).squareRoot()
            if i == steps - 1 || !sigma.isFinite { sigma = 0 }
            let dir = max(1 - abPrev - sigma * sigma, 0).squareRoot()
            var terms = [(Float(abPrev.squareRoot()), x0Hat), (Float(dir), eps)]
            if sigma > 0 { terms.append((Float(sigma), Tensor.randn(x.shape, rng: &rng))) }
            x = combine(terms)
            x0 = x0Hat
            guard driver.report(i, t: t, tNext: tPrev, scale: scale, x: x, x0: x0) else { return nil }
        }
        return SampleResult(sample: x, x0: x0, steps: steps)
    }
}
