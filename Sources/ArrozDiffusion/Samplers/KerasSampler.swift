// KerasSampler: guided-diffusion-keras's `Diffuser.reverse_diffusion` — σ-DDIM with dynamic thresholding.
import ArrozTensor

/// The Keras seed's σ-DDIM sampler with dynamic thresholding.
///
/// The Keras seed's sampler (`guided_diffusion/diffuser.py`, `Diffuser.reverse_diffusion` and
/// `predict_x_zero`; seeds.md §4.3) on `KerasProcess`, x_σ = (1 − σ)·x₀ + σ·ε:
///
///     x̂₀ ← u + g·(c − u)                         (one doubled batch, `GuidedDenoiser`)
///     x̂₀ ← clip(x̂₀, −s, s)/s,  s = max(P_99.5(|x̂₀|) over the whole batch, 1)
///     x  ← ((σ_i − σ_{i+1})·x̂₀ + σ_{i+1}·x) / σ_i      (DDIM, η = 0, for this parametrisation)
///
/// on the seed's σ grid (35 levels → 34 updates by default). It returns the **last x̂₀**, as the seed does.
/// `thresholdPercentile = nil` turns thresholding off.
public struct KerasSampler: Sampler {
    public let process: KerasProcess
    public let grid: [Float]
    public let thresholdPercentile: Float?

    public init(process: KerasProcess = KerasProcess(), steps: Int = 35, thresholdPercentile: Float? = 99.5) {
        self.process = process
        self.grid = process.timeGrid(steps: steps)
        self.thresholdPercentile = thresholdPercentile
    }

    /// On an explicit σ grid, such as the tail of one for image-to-image.
    public init(process: KerasProcess = KerasProcess(), grid: [Float], thresholdPercentile: Float? = 99.5) {
        precondition(grid.count >= 2, "KerasSampler: grid needs ≥ 2 points, got \(grid.count)")
        self.process = process
        self.grid = grid
        self.thresholdPercentile = thresholdPercentile
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
            let (sigma, next) = (grid[i], grid[i + 1])
            let (out, scale) = model(x, t: sigma)
            x0 = process.split(x, prediction: out, kind: model.prediction, at: sigma).x0
            if let p = thresholdPercentile { x0 = dynamicThreshold(x0, percentile: p) }
            // x ← ((σ_i − σ_{i+1})·x̂₀ + σ_{i+1}·x) / σ_i
            x = combine([((sigma - next) / sigma, x0), (next / sigma, x)])
            guard driver.report(i, t: sigma, tNext: next, scale: scale, x: x, x0: x0) else { return nil }
        }
        return SampleResult(sample: x0, x0: x0, steps: steps)
    }
}
