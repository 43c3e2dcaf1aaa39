// EulerSampler: the probability-flow ODE solved with Euler steps in σ (k-diffusion `sample_euler`).
import ArrozTensor

/// Euler steps on the probability-flow ODE in σ.
///
/// Euler's method on dx/dσ = (x − D(x; σ))/σ. Matches k-diffusion `sample_euler` with s_churn = 0
/// (Karras et al. 2022, Algorithm 2 without churn), on the σ_k view of any Gaussian process
/// (`KSigmaSchedule`). With σ_next = 0 the last step returns D, i.e. x̂₀.
public struct EulerSampler: Sampler {
    public let schedule: KSigmaSchedule
    public var grid: [Float] { schedule.times }

    public init(process: any GaussianProcess, steps: Int = 20) {
        schedule = KSigmaSchedule(process: process, steps: steps)
    }

    /// On an explicit grid, such as the tail of one for image-to-image.
    public init(process: any GaussianProcess, grid: [Float]) {
        schedule = KSigmaSchedule(process: process, grid: grid)
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
            // d = (x − D)/σ_i ;   x ← x + d·(σ_{i+1} − σ_i)
            //   = (σ_{i+1}/σ_i)·x + (1 − σ_{i+1}/σ_i)·D
            let r = sigmas[i + 1] / sigmas[i]
            x = combine([(r, x), (1 - r, denoised)])
            x0 = denoised
            let xt = schedule.fromK(x, after: i)
            guard driver.report(i, t: grid[i], tNext: grid[i + 1], scale: scale, x: xt, x0: x0) else {
                return nil
            }
        }
        return SampleResult(sample: x, x0: x0, steps: schedule.steps)
    }
}
