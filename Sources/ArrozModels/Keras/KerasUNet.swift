// KerasUNet: the apapiu/guided-diffusion-keras denoiser (seeds.md §4.1) — x₀-prediction in pixel space.
import ArrozNN
import ArrozTensor
import Foundation

/// The Keras seed's U-Net. Input: noisy image `[N, C, S, S]`, noise level σ `[N]`, label — class indices `[N]`
/// (0 = unconditional; classes shifted by +1) or a text embedding `[N, D]` (all zeros = unconditional).
/// Output: the predicted clean image x̂₀ `[N, C, S, S]`.
///
/// Layer order (seed `get_network`): stem concat(Conv1×1(img), e(σ), label); side stream
/// emb_and_noise = BN(concat(label, e)); down levels of ResidualBlock [+ self + cross attention] with skips and
/// AvgPool 2×2; middle; up levels with bilinear ×2 and skip concatenation; zero-initialised Conv1×1 out.
public final class KerasUNet: Layer {
    public let config: KerasUNetConfig
    let labelEmbedding: Embedding?
    let textProjection: Linear?
    let stem: Conv2d
    let embNorm: BatchNorm2d
    let down: [[Stage]]
    let middle: [Stage]
    let up: [[Stage]]
    let out: Conv2d

    /// One ResidualBlock with its optional attention pair.
    final class Stage {
        let res: KerasResidualBlock
        let attn: KerasAttention?
        let cross: KerasAttention?
        init(res: KerasResidualBlock, attn: KerasAttention?, cross: KerasAttention?) {
            (self.res, self.attn, self.cross) = (res, attn, cross)
        }
    }

    public var isTraining = true

    /// Width of the noise embedding e(σ): 16 sines and 16 cosines.
    public static let noiseEmbeddingWidth = 32

    public init(_ config: KerasUNetConfig, rng: inout ArrozRandom) {
        self.config = config
        let E = config.embeddingSize
        let side = E + Self.noiseEmbeddingWidth
        if config.isClassConditional {
            labelEmbedding = Embedding(config.numClasses, E, rng: &rng)
            textProjection = nil
        } else {
            labelEmbedding = nil
            textProjection = Linear(config.textDimension, E, rng: &rng)
        }
        let w0 = config.widths[0]
        stem = Conv2d(config.channels, w0, kernelSize: 1, rng: &rng)
        embNorm = BatchNorm2d(side, eps: config.batchNormEps, momentum: config.batchNormMomentum)
        var cur = w0 + side
        var skips: [Int] = []
        func stage(_ cin: Int, _ w: Int, _ level: Int, rng: inout ArrozRandom) -> Stage {
            let att = config.attentionLevels[level] != 0
            return Stage(
                res: KerasResidualBlock(cin, w, config: config, rng: &rng),
                attn: att ? KerasAttention(w, config: config, rng: &rng) : nil,
                cross: att ? KerasAttention(w, textChannels: side, config: config, rng: &rng) : nil)
        }
        var downStages: [[Stage]] = []
        for (level, w) in config.widths.dropLast().enumerated() {
            var s: [Stage] = []
            for _ in 0..<config.blockDepth {
                s.append(stage(cur, w, level, rng: &rng))
                cur = w
                skips.append(w)
            }
            downStages.append(s)
        }
        down = downStages
        let last = config.widths.count - 1
        var mid: [Stage] = []
        for _ in 0..<config.blockDepth {
            mid.append(stage(cur, config.widths[last], last, rng: &rng))
            cur = config.widths[last]
        }
        middle = mid
        var upStages: [[Stage]] = []
        for (level, w) in config.widths.dropLast().enumerated().reversed() {
            var s: [Stage] = []
            for _ in 0..<config.blockDepth {
                let skip = skips.removeLast()
                s.append(stage(cur + skip, w, level, rng: &rng))
                cur = w
            }
            upStages.append(s)
        }
        up = upStages
        out = Conv2d(cur, config.channels, kernelSize: 1, rng: &rng)
        Init.zeros(out.weight)
        if let b = out.bias { Init.zeros(b) }
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        ArrozNN.visit(labelEmbedding, "label_embedding", visit)
        ArrozNN.visit(textProjection, "text_projection", visit)
        ArrozNN.visit(stem, "stem", visit)
        ArrozNN.visit(embNorm, "emb_norm", visit)
        func stages(_ s: Stage, _ p: String) {
            ArrozNN.visit(s.res, p + ".res", visit)
            ArrozNN.visit(s.attn, p + ".attn", visit)
            ArrozNN.visit(s.cross, p + ".cross", visit)
        }
        for (i, level) in down.enumerated() { for (j, s) in level.enumerated() { stages(s, "down.\(i).\(j)") } }
        for (j, s) in middle.enumerated() { stages(s, "mid.\(j)") }
        for (i, level) in up.enumerated() { for (j, s) in level.enumerated() { stages(s, "up.\(i).\(j)") } }
        ArrozNN.visit(out, "out", visit)
    }

    /// e(σ) = [sin(2π f_k σ), cos(2π f_k σ)], f_k = exp(linspace(ln 1, ln 1000, 16)) — `sinusoidal_embedding`.
    public static func noiseEmbedding(_ sigma: Tensor) -> Tensor {
        let N = sigma.count
        let half = noiseEmbeddingWidth / 2
        var freqs = [Float](repeating: 0, count: half)
        for k in 0..<half { freqs[k] = 2 * Float.pi * exp(log(1000) * Float(k) / Float(half - 1)) }
        let a = sigma.reshaped([N, 1]) * Tensor(freqs, shape: [1, half])          // [N, 16]
        return concat([a.sin(), a.cos()], axis: 1)                                 // [N, 32]
    }

    private func spread(_ v: Tensor, _ size: Int) -> Tensor {
        let (N, D) = (v.shape[0], v.shape[1])
        return v.reshaped([N, D, 1, 1]).expanded(to: [N, D, size, size])        // [N, D, S, S]
    }

    private func run(_ s: Stage, _ x: Tensor, _ text: Tensor) -> Tensor {
        var h = s.res(x)
        if let a = s.attn { h = a(h) }
        if let c = s.cross { h = c(h, text: text) }
        return h
    }

    /// `x` `[N, C, S, S]`, `sigma` `[N]`, `label` `[N]` class ids or `[N, D]` text → x̂₀ `[N, C, S, S]`.
    public func callAsFunction(_ x: Tensor, sigma: Tensor, label: Tensor) -> Tensor {
        let (N, _, S, _) = x.shape4
        precondition(sigma.count == N, "KerasUNet: sigma \(sigma.shape) for batch \(N)")
        let e = Self.noiseEmbedding(sigma)                                         // [N, 32]
        let l: Tensor
        if let labelEmbedding {
            precondition(label.count == N, "KerasUNet: class labels \(label.shape) for batch \(N)")
            l = labelEmbedding(label.reshaped([N]))                                // [N, E]
        } else if let textProjection {
            precondition(label.shape == [N, config.textDimension],
                         "KerasUNet: text embedding \(label.shape), expected [\(N), \(config.textDimension)]")
            l = textProjection(label)                                              // [N, E]
        } else {
            preconditionFailure("KerasUNet: no conditioning path")
        }
        var side = embNorm(spread(concat([l, e], axis: 1), S))                   // [N, E+32, S, S]
        var h = concat([stem(x), spread(e, S), spread(l, S)], axis: 1)          // [N, w0+32+E, S, S]
        var skips: [Tensor] = []
        for level in down {
            for s in level {
                h = run(s, h, side)                                                // [N, w, s, s]
                skips.append(h)
            }
            h = avgPool2d(h, kernel: 2, stride: 2)                                 // [N, w, s/2, s/2]
            side = avgPool2d(side, kernel: 2, stride: 2)
        }
        for s in middle { h = run(s, h, side) }
        for level in up {
            let size = h.shape[2] * 2
            side = upsampleBilinear(side, size: (size, size))                      // [N, E+32, 2s, 2s]
            h = upsampleBilinear(h, size: (size, size))                            // [N, w, 2s, 2s]
            for s in level {
                h = run(s, concat([h, skips.removeLast()], axis: 1), side)         // [N, w, 2s, 2s]
            }
        }
        return out(h)                                                              // [N, C, S, S]
    }
}
