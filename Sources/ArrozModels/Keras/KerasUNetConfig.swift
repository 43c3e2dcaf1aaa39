// KerasUNetConfig: the guided-diffusion-keras U-Net's settings (seeds.md §4.1), defaults = the small faithful config.

/// Configuration for ``KerasUNet``. Defaults are seeds.md §6's small faithful Fashion-MNIST config at 32².
public struct KerasUNetConfig: Codable, Hashable, Sendable {
    /// Side of the square input in pixels (a multiple of 2^(levels−1)).
    public var imageSize = 32
    /// Image channels (1 for Fashion-MNIST, 3 for RGB).
    public var channels = 1
    /// Widths per level; all but the last have a down/up step (`widths` in the seed).
    public var widths = [32, 64, 96]
    /// ResidualBlocks per level (`block_depth`).
    public var blockDepth = 1
    /// 1 where a level gets self- and cross-attention (`attention_levels`).
    public var attentionLevels = [0, 1, 0]
    /// Class-conditional: number of classes including the unconditional class 0 (`num_classes`); 0 for text.
    public var numClasses = 11
    /// Width of the label embedding map (`emb_size`) for classes, or of the projected text embedding.
    public var embeddingSize = 32
    /// Width of the text embedding when text-conditioned (384 for MiniLM); ignored for classes.
    public var textDimension = 384
    /// BatchNorm epsilon and PyTorch-convention momentum (Keras momentum 0.99 ⇒ 0.01).
    public var batchNormEps: Float = 1e-3
    public var batchNormMomentum: Float = 0.01

    public init() {}

    /// Whether labels are class indices (else a text embedding `[N, textDimension]`).
    public var isClassConditional: Bool { numClasses > 0 }

    /// Checks the settings before a model is built (user input never reaches a precondition).
    public func validate() throws {
        let down = 1 << (widths.count - 1)
        guard !widths.isEmpty, widths.allSatisfy({ $0 > 0 }) else { throw ModelConfigError.invalid("keras.widths must be positive") }
        guard imageSize % down == 0 else {
            throw ModelConfigError.invalid("keras.imageSize \(imageSize) must be a multiple of \(down)")
        }
        guard attentionLevels.count == widths.count else {
            throw ModelConfigError.invalid("keras.attentionLevels needs \(widths.count) entries")
        }
        for (w, a) in zip(widths, attentionLevels) where a != 0 && w % 8 != 0 {
            throw ModelConfigError.invalid("keras width \(w) with attention must be a multiple of 8")
        }
    }
}
