// Diffuzz: Arroz-Con-Cosas's continuous-time cosine process (ε-prediction), with its clamp and time grid.
import ArrozTensor
import Foundation

/// Arroz-Con-Cosas's continuous-time cosine process with ε-prediction.
///
/// The continuous-time cosine process of Arroz-Con-Cosas (`arroz/diffusion.py`, class `Diffuzz`, read at
/// 0752984; seeds.md §1.2–1.3), itself the cosine schedule of Nichol & Dhariwal (2021) in continuous t:
///
///     ᾱ(t) = clamp( cos²(((t + s)/(1 + s))·π/2) / cos²((s/(1 + s))·π/2), 1e-4, 0.9999 ),   s = 0.008
///     x_t  = √ᾱ(t)·x₀ + √(1 − ᾱ(t))·ε,   t ∈ [0, 1], t = 1 is (almost) pure noise
///
/// The network predicts ε and trains with MSE against the noise; training draws t = 1 − U[0, 1).
public struct Diffuzz: VariancePreservingProcess, Codable, Hashable {
    /// The cosine offset s.
    public var s: Double = 0.008
    /// Clamp on ᾱ; Arroz uses [1e-4, 0.9999], so ᾱ(1) = 1e-4 and ᾱ(0) = 0.9999.
    public var minAlphaBar: Double = 1e-4
    public var maxAlphaBar: Double = 0.9999
    /// Whether the sampling grid starts at t = 1 (later revisions) instead of skipping it (0752984).
    ///
    /// Arroz at 0752984 samples on `linspace(1, 0, T+2)[1:]`, never evaluating t = 1 (seeds.md §1.3, §7.2).
    /// Other revisions of the same file use `linspace(1, 0, T+1)`, which starts at t = 1;
    /// set this to sample on that grid.
    public var gridIncludesOne: Bool = false

    public init(s: Double = 0.008, gridIncludesOne: Bool = false) {
        self.s = s
        self.gridIncludesOne = gridIncludesOne
    }

    /// ᾱ(t) = clamp(cos²(((t+s)/(1+s))·π/2) / cos²((s/(1+s))·π/2), 1e-4, 0.9999).
    public func alphaBar(at t: Float) -> Double {
        let f0 = pow(cos(s / (1 + s) * Double.pi / 2), 2)
        let ft = pow(cos((Double(t) + s) / (1 + s) * Double.pi / 2), 2)
        return min(max(ft / f0, minAlphaBar), maxAlphaBar)
    }

    /// t = 1 − U[0, 1) per row, so t ∈ (0, 1] (Arroz's training loop).
    public func sampleTimes(_ count: Int, rng: inout ArrozRandom) -> Tensor {
        Tensor((0..<count).map { _ in 1 - rng.uniform() })
    }

    /// Arroz's sampling grid for `steps` steps.
    ///
    /// Arroz's sampling grid: `linspace(1, 0, T+2)` without its first point — t₀ = 1 − 1/(T+1), …, t_T = 0
    /// (T + 1 points, T updates). With `gridIncludesOne`, `linspace(1, 0, T+1)`.
    public func timeGrid(steps: Int) -> [Float] {
        precondition(steps >= 1, "Diffuzz.timeGrid: steps \(steps) < 1")
        if gridIncludesOne { return (0...steps).map { 1 - Float($0) / Float(steps) } }
        return (1...steps + 1).map { 1 - Float($0) / Float(steps + 1) }
    }

    /// Arroz's P2 loss weight at t.
    ///
    /// Arroz's unused P2 weighting helper: w(t) = (k + ᾱ/(1 − ᾱ))^(−γ) (Choi et al. 2022).
    public func p2Weight(at t: Float, k: Double = 1, gamma: Double = 1) -> Float {
        let ab = alphaBar(at: t)
        return Float(pow(k + ab / (1 - ab), -gamma))
    }

    /// Arroz v5's embedding-noise augmentation.
    ///
    /// The v5 embedding-noise augmentation: e ← √ᾱ(u)·e + √(1 − ᾱ(u))·ε with u ~ U[0, maxT) per row
    /// (seeds.md §1.2). `embedding` `[N, D]`.
    public func noisedEmbedding(_ embedding: Tensor, maxT: Float = 0.5, rng: inout ArrozRandom) -> Tensor {
        let u = Tensor((0..<embedding.shape[0]).map { _ in rng.uniform(0, maxT) })
        return diffuse(embedding, t: u, noise: Tensor.randn(embedding.shape, rng: &rng))
    }
}
