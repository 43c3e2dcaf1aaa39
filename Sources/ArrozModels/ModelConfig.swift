// ModelConfig: the Codable tagged union of every family's config, the uniform network protocol, and the factory.
import ArrozNN
import ArrozTensor

/// How a network is conditioned.
public enum Conditioning: Equatable, Sendable {
    /// Class indices `[N]` with 0 = unconditional (the Keras seed shifts labels by +1).
    case classes(Int)
    /// An embedding `[N, D]`; the all-zero vector is unconditional (seeds.md §0.3).
    case embedding(Int)
}

/// A denoising network of any family behind one call. `t` is in the family's own noise units
/// (σ for Keras, continuous t ∈ [0, 1] for Arroz, the timestep for DDPM).
public protocol DiffusionNetwork: Layer {
    var modelConfig: ModelConfig { get }
    var conditioning: Conditioning { get }
    /// `x` `[N, C, S, S]`, `t` `[N]`, `cond` `[N]` labels or `[N, D]` embeddings → prediction `[N, C, S, S]`.
    func predict(_ x: Tensor, t: Tensor, cond: Tensor) -> Tensor
}

/// A family's config, stored as JSON in checkpoints (`arroz.config`) and in `run.json`:
/// `{"family": "keras", "keras": {...}}`.
public enum ModelConfig: Hashable, Sendable {
    case keras(KerasUNetConfig)
    case arroz(ArrozConfig)
    case ddpm(DDPMUNetConfig)

    public var family: ModelFamily {
        switch self {
        case .keras: .keras
        case .arroz: .arroz
        case .ddpm: .ddpm
        }
    }

    /// Image channels and side the network works on.
    public var imageShape: (channels: Int, size: Int) {
        switch self {
        case .keras(let c): (c.channels, c.imageSize)
        case .arroz(let c): (c.inChannels, c.imageSize)
        case .ddpm(let c): (c.inChannels, c.imageSize)
        }
    }

    public func validate() throws {
        switch self {
        case .keras(let c): try c.validate()
        case .arroz(let c): try c.validate()
        case .ddpm(let c): try c.validate()
        }
    }

    /// Builds the network with fresh weights from `rng` (validate first).
    public func makeModel(rng: inout ArrozRandom) throws -> any DiffusionNetwork {
        try validate()
        switch self {
        case .keras(let c): return KerasUNet(c, rng: &rng)
        case .arroz(let c): return ArrozGenerator(c, rng: &rng)
        case .ddpm(let c): return DDPMUNet(c, rng: &rng)
        }
    }
}

extension ModelConfig: Codable {
    private enum Keys: String, CodingKey { case family, keras, arroz, ddpm }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let f = try c.decode(String.self, forKey: .family)
        switch ModelFamily(rawValue: f) {
        case .keras: self = .keras(try c.decode(KerasUNetConfig.self, forKey: .keras))
        case .arroz: self = .arroz(try c.decode(ArrozConfig.self, forKey: .arroz))
        case .ddpm: self = .ddpm(try c.decode(DDPMUNetConfig.self, forKey: .ddpm))
        default: throw ModelConfigError.unknownFamily(f)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(family.rawValue, forKey: .family)
        switch self {
        case .keras(let k): try c.encode(k, forKey: .keras)
        case .arroz(let a): try c.encode(a, forKey: .arroz)
        case .ddpm(let d): try c.encode(d, forKey: .ddpm)
        }
    }
}

extension KerasUNet: DiffusionNetwork {
    public var modelConfig: ModelConfig { .keras(config) }
    public var conditioning: Conditioning {
        config.isClassConditional ? .classes(config.numClasses) : .embedding(config.textDimension)
    }
    public func predict(_ x: Tensor, t: Tensor, cond: Tensor) -> Tensor { self(x, sigma: t, label: cond) }
}

extension ArrozGenerator: DiffusionNetwork {
    public var modelConfig: ModelConfig { .arroz(config) }
    public var conditioning: Conditioning { .embedding(config.conditionDimension) }
    public func predict(_ x: Tensor, t: Tensor, cond: Tensor) -> Tensor { self(x, r: t, c: cond) }
}

extension DDPMUNet: DiffusionNetwork {
    public var modelConfig: ModelConfig { .ddpm(config) }
    public var conditioning: Conditioning { .embedding(config.condDim) }
    public func predict(_ x: Tensor, t: Tensor, cond: Tensor) -> Tensor { self(x, t: t, cond: cond) }
}
