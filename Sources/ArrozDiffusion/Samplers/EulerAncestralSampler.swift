// EulerAncestralSampler: Euler to σ_down, then fresh noise up to σ_next (k-diffusion).
import ArrozTensor

/// Ancestral Euler sampling in σ.
///
/// Ancestral Euler sampling. Matches k-diffusion `sample_euler_ancestral` with `get_ancestral_step`
/// (η = 1 by default, s_noise = 1), on the σ_k view of any Gaussian process (`KSigmaSchedule`).
public struct EulerAncestralSampler: Sampler {
    public let schedule: KSigmaSchedule
    public let eta: Float
    public var grid: [Float] { schedule.times }

    public init(process: any GaussianProcess, steps: Int = 20, eta: Float = 1) {
        precondition(eta >= 0, "EulerAncestralSampler: eta \(eta) < 0")
        schedule = KSigmaSchedule(process: process, steps: steps)
        self.eta = eta
    }

    /// On an explicit grid, such as the tail of one for image-to-image.
    public init(process: any GaussianProcess, grid: [Float], eta: Float = 1) {
        precondition(eta >= 0, "EulerAncestralSampler: eta \(eta) < 0")
        schedule = KSigmaSchedule(process: process, grid: grid)
        self.eta = eta
    }

    public func sample(
        _ model: GuidedDenoiser, from start: Tensor, rng: inout ArrozRandom, onStep: StepCallback?
    ) -> SampleResult? {
        let sigmas = schedule.sigmas
        let driver = StepDriver(model: model, onStep: onStep, count: schedule.steps)
        var x = schedule.toK(start)
        var x0 = x
        for i in 0..<schedule.steps {
            guard driver.shouldContinue() else { return nil }
            let (denoised, scale) = schedule.denoise(model, x, step: i)
            // σ_up   = min(σ_next, η·√(σ_next²·(σ² − σ_next²)/σ²)),   σ_down = √(σ_next² − σ_up²)
            // d = (x − D)/σ ;   x ← x + d·(σ_down − σ) + σ_up·z     (no noise when σ_next = 0)
            let (s, sn) = (sigmas[i], sigmas[i + 1])
            let up = min(sn, eta * (sn * sn * (s * s - sn * sn) / (s * s)).squareRoot())
            let down = (sn * sn - up * up).squareRoot()
            let r = down / s
            var terms = [(r, x), (1 - r, denoised)]
            if sn > 0 && up > 0 { terms.append((up, Tensor.randn(x.shape, rng: &rng))) }
            x = combine(terms)
            x0 = denoised
            let xt = schedule.fromK(x, after: i)
            guard driver.report(i, t: grid[i], tNext: grid[i + 1], scale: scale, x: xt, x0: x0) else {
                return nil
            }
        }
        return SampleResult(sample: x, x0: x0, steps: schedule.steps)
    }
}
