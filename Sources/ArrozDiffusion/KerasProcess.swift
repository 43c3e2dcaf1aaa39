// KerasProcess: the guided-diffusion-keras seed's linear-interpolation process in σ, with x₀-prediction.
import ArrozTensor
import Foundation

/// The Keras seed's σ-lerp process with x₀-prediction.
///
/// The process of apapiu/guided-diffusion-keras (`utils.add_noise`, `Diffuser`; seeds.md §4.2–4.3):
///
///     x_σ = (1 − σ)·x₀ + σ·ε,   σ ∈ [0, 1)      (not variance-preserving)
///
/// Time is σ itself, and the network sees σ. It predicts x₀ and trains with L1 against the clean pixels.
/// Training σ = |n|/3 with n ~ N(0, 1) rejected when |n| ≥ 3 (a half-normal truncated to [0, 1)).
public struct KerasProcess: GaussianProcess, Codable, Hashable {
    /// The sampler's last noise level (the seed overwrites the grid's last point with 0.01).
    public var finalSigma: Float = 0.01

    public init(finalSigma: Float = 0.01) { self.finalSigma = finalSigma }

    /// (1 − σ, σ).
    public func coefficients(at sigma: Float) -> (signal: Float, noise: Float) { (1 - sigma, sigma) }

    /// σ = |n|/3, n ~ N(0, 1) conditioned on |n| < 3 (rejection, as the seed's filter does).
    public func sampleTimes(_ count: Int, rng: inout ArrozRandom) -> Tensor {
        var out = [Float]()
        out.reserveCapacity(count)
        while out.count < count {
            let n = abs(rng.normal())
            if n < 3 { out.append(n / 3) }
        }
        return Tensor(out)
    }

    /// The Keras seed's σ grid for `diffusion_steps` = `steps`.
    ///
    /// The seed's noise levels for `diffusion_steps` N: σ = 1 − u^(1/3) for u in
    /// `numpy.arange(0.0001, 0.99, 1/N)`, the last replaced by 0.01. For N = 35 that is 35 levels
    /// (0.954, 0.694, 0.615, …, 0.019, 0.010) and 34 updates. numpy's arange has ⌈(0.99 − 0.0001)·N⌉ points,
    /// which is not always N (N = 100 gives 99); this reproduces that count.
    public func timeGrid(steps: Int) -> [Float] {
        precondition(steps >= 2, "KerasProcess.timeGrid: steps \(steps) < 2")
        let step = 1 / Double(steps)
        let count = Int(((0.99 - 0.0001) / step).rounded(.up))
        var sigmas = (0..<count).map { Float(1 - pow(0.0001 + Double($0) * step, 1.0 / 3)) }
        sigmas[count - 1] = finalSigma
        return sigmas
    }
}

/// Imagen-style dynamic thresholding exactly as the Keras seed applies it: s = max(percentile(|x̂₀|, p), 1)
/// over the *whole batch* (numpy's default linear-interpolated percentile), then x̂₀ ← clip(x̂₀, −s, s)/s.
public func dynamicThreshold(_ x0: Tensor, percentile p: Float = 99.5) -> Tensor {
    precondition(p >= 0 && p <= 100, "dynamicThreshold: percentile \(p) outside [0, 100]")
    let s = max(percentile(x0.data.map { abs($0) }, p), 1)
    let out = Tensor.zeros(x0.shape)
    let x = x0.data, o = out.mutableData
    for i in 0..<x.count { o[i] = min(max(x[i], -s), s) / s }
    return out
}

/// numpy.percentile with the default 'linear' method: sorted a, position q/100·(n − 1), interpolated.
public func percentile(_ values: [Float], _ q: Float) -> Float {
    precondition(!values.isEmpty, "percentile: empty input")
    let a = values.sorted()
    let pos = Double(q) / 100 * Double(a.count - 1)
    let lo = Int(pos.rounded(.down)), hi = min(lo + 1, a.count - 1)
    let frac = Float(pos - Double(lo))
    return a[lo] + (a[hi] - a[lo]) * frac
}
