// ImageEncoder: our small CLIP-style image tower, trained contrastively against frozen MiniLM text embeddings so
// that image and text embeddings share one space (the seed used OpenCLIP ViT-H image embeddings).
import ArrozNN
import ArrozTensor
import Foundation

/// Settings of ``ImageEncoder`` (our design; no upstream class).
public struct ImageEncoderConfig: Codable, Hashable, Sendable {
    /// Image channels (3) and side (a multiple of 2^(stages−1)).
    public var inChannels = 3
    public var imageSize = 32
    /// Channels per stage; each stage after the first starts with a Conv4×4 s2 (halving the side).
    public var widths = [32, 64, 128]
    /// ResBlocks per stage.
    public var blocksPerStage = 1
    /// Output width (384 = all-MiniLM-L6-v2's).
    public var embeddingDimension = 384
    /// Initial temperature τ (CLIP: 0.07, so `logit_scale` starts at ln(1/0.07)).
    public var initialTemperature: Float = 0.07

    public init() {}

    public func validate() throws {
        guard !widths.isEmpty, widths.allSatisfy({ $0 > 0 }), blocksPerStage >= 0, embeddingDimension > 0 else {
            throw ModelConfigError.invalid("image encoder: widths, blocks and embedding width must be positive")
        }
        guard imageSize > 0, imageSize % (1 << (widths.count - 1)) == 0 else {
            throw ModelConfigError.invalid("image encoder: imageSize \(imageSize) must divide by 2^(stages−1)")
        }
        guard initialTemperature.isFinite, initialTemperature > 0 else {
            throw ModelConfigError.invalid("image encoder: temperature must be finite and > 0")
        }
    }
}

/// Image `[N, 3, S, S]` in [−1, 1] or [0, 1] (as trained) → unit-length embedding `[N, D]`.
///
/// `stem` Conv3×3 p1 → w₀; `blocks.k`: per stage (after the first a Conv4×4 s2 p1 down-sampling), then
/// `blocksPerStage` plain-LN Arroz ResBlocks (depthwise 3×3 + LN + MLP, layer scale); global average pool;
/// `norm` LayerNorm; `proj` Linear(w_last → D); l2 normalisation. `logit_scale` `[]` is the learned log inverse
/// temperature of ``clipContrastiveLoss(image:text:logitScale:)`` (CLIP's, clamped to ≤ ln 100 there).
public final class ImageEncoder: Layer {
    public let config: ImageEncoderConfig
    let stem: Conv2d
    let blocks: [any Layer]
    let norm: LayerNorm
    let proj: Linear
    public let logitScale: Tensor
    public var isTraining = true

    public init(_ config: ImageEncoderConfig, rng: inout ArrozRandom) {
        self.config = config
        let w = config.widths
        stem = Conv2d(config.inChannels, w[0], kernelSize: 3, padding: 1, rng: &rng)
        var b: [any Layer] = []
        let scale = (1 / Float(max(1, w.count * config.blocksPerStage))).squareRoot()
        for (i, c) in w.enumerated() {
            if i > 0 { b.append(Conv2d(w[i - 1], c, kernelSize: 4, stride: 2, padding: 1, rng: &rng)) }
            for _ in 0..<config.blocksPerStage {
                // layer scale 1e-6 would make a fresh encoder a near-constant map; start the blocks at 0.1
                let r = ArrozResBlock(c, hiddenRatio: 4, cond: 0, scaler: scale, rng: &rng)
                r.gamma.assign([Float](repeating: 0.1, count: c))
                b.append(r)
            }
        }
        blocks = b
        norm = LayerNorm(w[w.count - 1])
        proj = Linear(w[w.count - 1], config.embeddingDimension, rng: &rng)
        logitScale = Tensor(scalar: Foundation.log(1 / config.initialTemperature), requiresGrad: true)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) { visit("logit_scale", logitScale) }
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("stem", stem)
        for (i, b) in blocks.enumerated() { visit("blocks.\(i)", b) }
        visit("norm", norm)
        visit("proj", proj)
    }

    /// `x` `[N, C, S, S]` → l2-normalised `[N, D]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == config.inChannels,
                     "ImageEncoder: x \(x.shape) must be [N, \(config.inChannels), H, W]")
        var h = stem(x)
        for b in blocks {
            switch b {
            case let r as ArrozResBlock: h = r(h, s: nil)
            case let c as Conv2d: h = c(h)
            default: preconditionFailure("ImageEncoder: unexpected block")
            }
        }
        let pooled = h.mean(axes: [2, 3])                                      // [N, w_last]
        return proj(norm(pooled)).l2Normalized()                               // [N, D]
    }
}

// MARK: - symmetric InfoNCE
// logits = exp(min(s, ln 100))·I·Tᵀ   [N, N]      L = ½·(CE(logits, arange N) + CE(logitsᵀ, arange N))
// (CLIP, Radford et al. 2021, Fig. 3; the clamp is CLIP's logit_scale cap)

/// CLIP's symmetric contrastive loss between matching rows of `image` and `text` `[N, D]` (both unit length),
/// with the learned log inverse temperature `logitScale` (shape `[]` or `[1]`), clamped at ln 100.
public func clipContrastiveLoss(image: Tensor, text: Tensor, logitScale: Tensor) -> Tensor {
    precondition(image.rank == 2 && image.shape == text.shape,
                 "clipContrastiveLoss: image \(image.shape) and text \(text.shape) must both be [N, D]")
    let n = image.shape[0]
    let scale = logitScale.reshaped([1, 1]).clamp(max: Foundation.log(100)).exp()   // [1, 1]
    let logits = matmul(image, text.transposed(0, 1)) * scale                   // [N, N]
    let targets = Tensor((0..<n).map(Float.init), shape: [n])
    return 0.5 * (crossEntropy(logits, targets) + crossEntropy(logits.transposed(0, 1), targets))
}

/// Text→image retrieval: for each text row, the rank (0 = best) of its own image among all images by cosine.
public func retrievalRanks(image: Tensor, text: Tensor) -> [Int] {
    precondition(image.rank == 2 && image.shape == text.shape, "retrievalRanks: shapes \(image.shape), \(text.shape)")
    let n = image.shape[0]
    let sim = withNoGrad { matmul(text, image.transposed(0, 1)) }               // [N_text, N_image]
    return (0..<n).map { i in
        let own = sim[i, i]
        var rank = 0
        for j in 0..<n where j != i && sim[i, j] > own { rank += 1 }
        return rank
    }
}
