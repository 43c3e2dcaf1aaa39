// DPMPP2MSampler: DPM-Solver++(2M), second-order multistep in log σ (k-diffusion `sample_dpmpp_2m`).
import ArrozTensor
import Foundation

/// DPM-Solver++(2M), the second-order multistep ODE solver.
///
/// DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2). Matches k-diffusion `sample_dpmpp_2m` on the σ_k view of
/// any Gaussian process (`KSigmaSchedule`): the first step and the step into σ = 0 are first order, the
/// others extrapolate from the previous x̂₀.
public struct DPMPP2MSampler: Sampler {
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
        let sigmas = schedule.sigmas.map(Double.init)
        let driver = StepDriver(model: model, onStep: onStep, count: schedule.steps)
        var x = schedule.toK(start)
        var old: Tensor? = nil
        var x0 = x
        for i in 0..<schedule.steps {
            guard driver.shouldContinue() else { return nil }
            let (denoised, scale) = schedule.denoise(model, x, step: i)
            // λ(σ) = −log σ,  h = λ(σ_{i+1}) − λ(σ_i)
            // first step or σ_{i+1} = 0:  x ← (σ_{i+1}/σ_i)·x − (e^{−h} − 1)·D_i
            // otherwise, r = h_{i−1}/h:   D' = (1 + 1/(2r))·D_i − (1/(2r))·D_{i−1}
            //                             x ← (σ_{i+1}/σ_i)·x − (e^{−h} − 1)·D'
            let ratio = Float(sigmas[i + 1] / sigmas[i])
            let c = Float(1 - sigmas[i + 1] / sigmas[i])  // −(e^{−h} − 1), as e^{−h} = σ_{i+1}/σ_i
            if let old, sigmas[i + 1] > 0 {
                let h = log(sigmas[i]) - log(sigmas[i + 1])
                let hLast = log(sigmas[i - 1]) - log(sigmas[i])
                let r = hLast / h
                let k = Float(1 / (2 * r))
                x = combine([(ratio, x), (c * (1 + k), denoised), (-c * k, old)])
            } else {
                x = combine([(ratio, x), (c, denoised)])
            }
            old = denoised
            x0 = denoised
            let xt = schedule.fromK(x, after: i)
            guard driver.report(i, t: grid[i], tNext: grid[i + 1], scale: scale, x: xt, x0: x0) else {
                return nil
            }
        }
        return SampleResult(sample: x, x0: x0, steps: schedule.steps)
    }
}
