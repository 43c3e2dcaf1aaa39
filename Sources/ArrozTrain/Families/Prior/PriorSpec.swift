// PriorSpec: the prior family's config — `arroz.PriorModel` from a text embedding (MiniLM) to the frozen
// contrastive image encoder's embedding of the training image, on the Diffuzz process.
import ArrozModels

/// `{"family": "prior", "prior": {...PriorModel...}, "imageEncoder": "runs/emoji-clip/…", ...}`.
public struct PriorSpec: Codable, Hashable, Sendable {
    /// `PriorModel(clip_r, c_hidden, c_r, num_blocks)`; clip_r = 384 (MiniLM's width = the encoder's).
    public var prior: ArrozPriorConfig
    /// The contrastive image encoder's checkpoint (frozen): the embeddings the prior learns to sample.
    public var imageEncoder: String
    /// The image embeddings are unit rows (≈ 0.05 per component against N(0, 1) noise); the prior diffuses
    /// them multiplied by this (default √D: unit variance per component) and divides its samples back.
    public var embeddingScale: Float?
    /// How the chain samples it (the seed's prior notebook: DDPM, 60 steps, CFG 3).
    public var samplingSteps = 60
    public var samplingCFG: Float = 3

    public init(prior: ArrozPriorConfig, imageEncoder: String) {
        self.prior = prior
        self.imageEncoder = imageEncoder
    }

    public var scale: Float { embeddingScale ?? Float(prior.embeddingDimension).squareRoot() }

    public static let familyName = "prior"

    public var spec: ModelSpec {
        get throws { try ModelSpec(family: Self.familyName, config: self) }
    }

    static func decode(_ spec: ModelSpec) throws -> PriorSpec {
        do { return try spec.decode(PriorSpec.self) } catch let e as DecodingError {
            throw TrainError.badSetting("model: \(describe(e))")
        }
    }
}
