// ContrastiveSpec: the image-encoder family's config — our ImageEncoder trained with CLIP's symmetric InfoNCE
// against frozen text embeddings (MiniLM), and the held-out split its retrieval is measured on.
import ArrozModels

/// `{"family": "contrastive", "encoder": {...ImageEncoderConfig...}, "holdoutEvery": 10}`.
public struct ContrastiveSpec: Hashable, Sendable, Codable {
    public var encoder = ImageEncoderConfig()
    /// Every `holdoutEvery`-th example (index k·n − 1) never trains; text→image retrieval over them is logged at
    /// checkpoints as `heldout_top1` / `heldout_top5` (nil: train on everything).
    public var holdoutEvery: Int?

    public init(encoder: ImageEncoderConfig = ImageEncoderConfig(), holdoutEvery: Int? = nil) {
        (self.encoder, self.holdoutEvery) = (encoder, holdoutEvery)
    }

    public var spec: ModelSpec { get throws { try ModelSpec(family: ContrastiveFamily.names[0], config: self) } }
}
