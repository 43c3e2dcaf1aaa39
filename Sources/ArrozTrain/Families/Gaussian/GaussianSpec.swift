// GaussianSpec: the Gaussian family's config — a denoising network (Keras U-Net, Arroz generator, DDPM U-Net),
// the noise process it trains on, and what follows from the process (prediction target, loss, samplers).
import ArrozDiffusion
import ArrozModels
import ArrozTensor

/// The Gaussian noise processes (ARCHITECTURE §2).
public enum NoiseProcessKind: String, Choice, Sendable {
    /// guided-diffusion-keras: x_σ = (1−σ)x + σε, x₀ target, L1 (seeds.md §4.2).
    case keras
    /// Arroz Con Cosas `Diffuzz`: cosine ᾱ(t), continuous t, ε target, MSE (§1.2).
    case cosine
    /// DDPM linear-β table, 1000 steps, ε target, MSE.
    case discrete

    /// The seed's process for a network family (what checkpoints written before this setting existed used).
    static func seedDefault(_ f: ModelFamily) -> NoiseProcessKind {
        switch f {
        case .keras: .keras
        case .ddpm: .discrete
        default: .cosine
        }
    }

    /// The process and what the network predicts on it.
    public var process: (any GaussianProcess, Prediction) {
        switch self {
        case .keras: (KerasProcess(), .x0)
        case .discrete: (DiscreteSchedule(), .epsilon)
        case .cosine: (Diffuzz(), .epsilon)
        }
    }

    /// The default sampler: Keras's own σ sampler on its process, DDIM elsewhere.
    public var defaultSampler: SamplerKind { self == .keras ? .keras : .ddim }

    /// Clip x̂₀ to [−1, 1] at every step (DDPM's `clip_denoised`) — pixel-space ε models; the Keras sampler
    /// applies the seed's dynamic thresholding instead.
    public var clipsDenoised: Bool { self != .keras }
}

/// `{"family": "ddpm", "ddpm": {...network...}, "process": "discrete"}`: the network config (ArrozModels'
/// `ModelConfig`, which owns the `family` and network keys) plus the process.
public struct GaussianSpec: Hashable, Sendable, Codable {
    public var network: ModelConfig
    public var process: NoiseProcessKind

    public init(network: ModelConfig, process: NoiseProcessKind? = nil) {
        self.network = network
        self.process = process ?? .seedDefault(network.family)
    }

    enum Keys: String, CodingKey { case process }

    public init(from decoder: Decoder) throws {
        network = try ModelConfig(from: decoder)
        let c = try decoder.container(keyedBy: Keys.self)
        process = try c.decodeIfPresent(NoiseProcessKind.self, forKey: .process) ?? .seedDefault(network.family)
    }

    public func encode(to encoder: Encoder) throws {
        try network.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(process, forKey: .process)
    }

    public var spec: ModelSpec {
        get throws { try ModelSpec(family: network.family.rawValue, config: self) }
    }
}
