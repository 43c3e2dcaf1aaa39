// LatentSpec: the latent family's config — the Arroz generator on a frozen VQ autoencoder's quantised latents,
// conditioned on an image embedding (the frozen contrastive encoder's) or MiniLM captions, optionally behind
// a prior that turns text into image embeddings.
import ArrozModels

/// `{"family": "latent", "generator": {...ArrozConfig...}, "autoencoder": "runs/emoji-vq/…", "imageEncoder":
/// "runs/emoji-clip/…", "prior": "runs/emoji-prior/…"}`.
public struct LatentSpec: Codable, Hashable, Sendable {
    /// `DiffusionModel(c_in = c_latent, c_hidden, c_r, c_embd, down_levels, up_levels)` (+ optional v5); its
    /// `imageSize` is the latent side, `inChannels` the latent channels.
    public var generator: ArrozConfig
    /// The VQ autoencoder's checkpoint (frozen): the latents it trains on and the decoder it samples through.
    public var autoencoder: String
    /// The contrastive image encoder's checkpoint (frozen). Set: the generator is conditioned on the encoder's
    /// embedding of the training image (the seed's CLIP image embedding). nil: on MiniLM caption embeddings.
    public var imageEncoder: String?
    /// A prior checkpoint (family `prior`): prompts then go MiniLM → prior sample → image embedding → generator.
    public var prior: String?

    public init(generator: ArrozConfig, autoencoder: String, imageEncoder: String? = nil, prior: String? = nil) {
        self.generator = generator
        self.autoencoder = autoencoder
        self.imageEncoder = imageEncoder
        self.prior = prior
    }

    public static let familyName = "latent"

    public var spec: ModelSpec {
        get throws { try ModelSpec(family: Self.familyName, config: self) }
    }

    static func decode(_ spec: ModelSpec) throws -> LatentSpec {
        do { return try spec.decode(LatentSpec.self) } catch let e as DecodingError {
            throw TrainError.badSetting("model: \(describe(e))")
        }
    }
}
