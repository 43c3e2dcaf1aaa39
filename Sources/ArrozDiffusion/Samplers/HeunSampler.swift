// HeunSampler: the probability-flow ODE with Heun's second-order method in σ (k-diffusion `sample_heun`).
import ArrozTensor

/// Heun steps on the probability-flow ODE in σ.
///
/// Heun's method (Karras et al. 2022, Algorithm 1 without churn). Matches k-diffusion `sample_heun` on the
/// σ_k view of any Gaussian process (`KSigmaSchedule`): two model evaluations per step, except the last step
/// into σ = 0, which is a plain Euler step.
public struct HeunSampler: Sampler {
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
            // d = (x − D(x; σ_i))/σ_i ;   x₂ = x + d·(σ_{i+1} − σ_i)
            // σ_{i+1} = 0:  x ← x₂
            // otherwise:    d₂ = (x₂ − D(x₂; σ_{i+1}))/σ_{i+1} ;   x ← x + (d + d₂)/2·(σ_{i+1} − σ_i)
            let (s, sn) = (sigmas[i], sigmas[i + 1])
            let x2 = combine([(sn / s, x), (1 - sn / s, denoised)])
            if sn == 0 {
                x = x2
                x0 = denoised
            } else {
                let (denoised2, _) = schedule.denoise(model, x2, step: i + 1)
                let dt = sn - s
                // x + dt/2·((x − D)/σ + (x₂ − D₂)/σ_{i+1})
                x = combine([
                    (1 + dt / (2 * s), x), (-dt / (2 * s), denoised), (dt / (2 * sn), x2),
                    (-dt / (2 * sn), denoised2),
                ])
                x0 = denoised2
            }
            let xt = schedule.fromK(x, after: i)
            guard driver.report(i, t: grid[i], tNext: grid[i + 1], scale: scale, x: xt, x0: x0) else {
                return nil
            }
        }
        return SampleResult(sample: x, x0: x0, steps: schedule.steps)
    }
}
