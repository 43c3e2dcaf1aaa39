// GaussianProcess: the shape every Gaussian noise process shares, x_t = signal(t)·x₀ + noise(t)·ε, plus the
// conversions between a network's prediction and (x̂₀, ε̂) that all samplers use.
import ArrozTensor

/// A Gaussian forward process x_t = a(t)·x₀ + b(t)·ε in the process's own time units `t` (continuous t for
/// Arroz, σ for the Keras seed, a table index for discrete DDPM schedules).
///
/// The k-diffusion view of the same process: x_t / a(t) = x₀ + σ_k(t)·ε with σ_k = b / a
/// (Karras et al. 2022, "Elucidating the Design Space", Table 1; k-diffusion `CompVisDenoiser`).
public protocol GaussianProcess: Sendable {
    /// (a(t), b(t)) with x_t = a·x₀ + b·ε.
    func coefficients(at t: Float) -> (signal: Float, noise: Float)

    /// The grid a sampler walks for `steps` steps: model evaluations at `grid[0..<grid.count-1]`, the last
    /// point is where the final update lands. Descending in noise.
    func timeGrid(steps: Int) -> [Float]

    /// Draws one training-time noise level per row, as the seed's training loop does.
    func sampleTimes(_ count: Int, rng: inout ArrozRandom) -> Tensor
}

extension GaussianProcess {
    /// σ_k(t) = b(t) / a(t), the variance-exploding noise level of the same process.
    public func kSigma(at t: Float) -> Float {
        let (a, b) = coefficients(at: t)
        return b / a
    }

    /// Noises clean rows: x_t = a(t)·x₀ + b(t)·ε.
    ///
    /// Row n uses its own t_n. `x0` `[N, ...]`, `t` `[N]`, `noise` shaped like `x0`. Not differentiable
    /// (training inputs carry no gradient).
    public func diffuse(_ x0: Tensor, t: Tensor, noise: Tensor) -> Tensor {
        precondition(
            x0.rank >= 1 && t.shape == [x0.shape[0]] && noise.shape == x0.shape,
            "diffuse: x0\(x0.shape), t\(t.shape), noise\(noise.shape): want t [N] and noise like x0")
        let n = x0.shape[0]
        let row = n == 0 ? 0 : x0.count / n
        let out = Tensor.zeros(x0.shape)
        let x = x0.data, e = noise.data, ts = t.data, o = out.mutableData
        for r in 0..<n {
            let (a, b) = coefficients(at: ts[r])
            for j in r * row..<(r + 1) * row { o[j] = a * x[j] + b * e[j] }
        }
        return out
    }

    /// One training example per row: t from `sampleTimes`, ε ~ N(0, I), x_t = a·x₀ + b·ε, and the loss target
    /// for a network of kind `prediction` (ε for ε-prediction, x₀ for x₀-prediction).
    public func trainingBatch(
        _ x0: Tensor, prediction: Prediction, rng: inout ArrozRandom
    ) -> (noised: Tensor, t: Tensor, target: Tensor) {
        let t = sampleTimes(x0.shape[0], rng: &rng)
        let noise = Tensor.randn(x0.shape, rng: &rng)
        let noised = diffuse(x0, t: t, noise: noise)
        return (noised, t, prediction == .epsilon ? noise : x0.detached())
    }

    /// (x̂₀, ε̂) from a network output at a single time t, for every element of `x`:
    /// ε-prediction:  x̂₀ = (x − b·ε̂) / a;     x₀-prediction:  ε̂ = (x − a·x̂₀) / b.
    public func split(_ x: Tensor, prediction output: Tensor, kind: Prediction, at t: Float) -> (
        x0: Tensor, eps: Tensor
    ) {
        precondition(x.shape == output.shape, "split: x\(x.shape) vs prediction\(output.shape)")
        let (a, b) = coefficients(at: t)
        let other = Tensor.zeros(x.shape)
        let xs = x.data, p = output.data, o = other.mutableData
        switch kind {
        case .epsilon:
            for i in 0..<xs.count { o[i] = (xs[i] - b * p[i]) / a }
            return (other, output)
        case .x0:
            for i in 0..<xs.count { o[i] = (xs[i] - a * p[i]) / b }
            return (output, other)
        }
    }
}

/// A variance-preserving process, a² + b² = 1.
///
/// a = √ᾱ(t), b = √(1 − ᾱ(t)). DDPM and DDIM run on these.
public protocol VariancePreservingProcess: GaussianProcess {
    /// ᾱ(t), the cumulative signal fraction.
    func alphaBar(at t: Float) -> Double
}

extension VariancePreservingProcess {
    public func coefficients(at t: Float) -> (signal: Float, noise: Float) {
        let ab = alphaBar(at: t)
        return (Float(ab.squareRoot()), Float((1 - ab).squareRoot()))
    }
}
