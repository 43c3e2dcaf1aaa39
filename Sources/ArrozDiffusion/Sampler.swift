// Sampler: the protocol every solver implements, the per-step report and callback, the shared step driver.
import ArrozTensor

/// What a sampler reports after each update.
public struct SamplerStep {
    /// 0-based step index and the number of steps in the run.
    public let index: Int
    public let count: Int
    /// The time the model was evaluated at, and the time x now sits at (process units).
    public let t: Float
    public let tNext: Float
    /// The guidance scale this step used.
    public let guidanceScale: Float
    /// x after the update, in the process's space (x_{t_next}).
    public let x: Tensor
    /// The step's x̂₀ (after any thresholding).
    public let x0: Tensor
}

/// Called after every step; return false to cancel (the sampler then returns nil).
public typealias StepCallback = (SamplerStep) -> Bool

/// The outcome of a finished run.
public struct SampleResult {
    /// What the reference sampler returns: the final x for Arroz/DDPM/DDIM/k-diffusion solvers, the last x̂₀
    /// for the Keras sampler.
    public let sample: Tensor
    /// The last step's x̂₀.
    public let x0: Tensor
    /// Updates performed.
    public let steps: Int
}

/// A sampler: walks a grid from noise to data with a guided denoiser.
///
/// `x` is the starting point `[N, ...]` in the process's space at `grid[0]` (N(0, I) noise for the
/// variance-preserving processes and the Keras seed, uniform random tokens for Paella).
public protocol Sampler {
    /// The times the run visits: evaluations at `grid[0..<grid.count−1]`, ending at `grid.last`.
    var grid: [Float] { get }
    func sample(
        _ model: GuidedDenoiser, from x: Tensor, rng: inout ArrozRandom, onStep: StepCallback?
    ) -> SampleResult?
}

extension Sampler {
    /// Samples without a callback.
    public func sample(_ model: GuidedDenoiser, from x: Tensor, rng: inout ArrozRandom) -> SampleResult? {
        sample(model, from: x, rng: &rng, onStep: nil)
    }
}

/// Shared bookkeeping for a sampler loop: cancellation before each step, the callback after it.
struct StepDriver {
    let model: GuidedDenoiser
    let onStep: StepCallback?
    let count: Int

    /// True when the run may take its next step.
    func shouldContinue() -> Bool { !model.controls.isCancelled }

    /// Reports a finished step; false means cancel.
    func report(_ i: Int, t: Float, tNext: Float, scale: Float, x: Tensor, x0: Tensor) -> Bool {
        guard let onStep else { return !model.controls.isCancelled }
        let ok = onStep(
            SamplerStep(index: i, count: count, t: t, tNext: tNext, guidanceScale: scale, x: x, x0: x0))
        return ok && !model.controls.isCancelled
    }
}

/// Elementwise y = Σ_k c_k·v_k over same-shaped tensors (the samplers' update rules are all of this form).
func combine(_ terms: [(Float, Tensor)]) -> Tensor {
    let shape = terms[0].1.shape
    precondition(terms.allSatisfy { $0.1.shape == shape }, "combine: shapes differ: \(terms.map(\.1.shape))")
    let out = Tensor.zeros(shape)
    let o = out.mutableData
    for (c, v) in terms where c != 0 {
        let d = v.data
        for i in 0..<d.count { o[i] += c * d[i] }
    }
    return out
}
