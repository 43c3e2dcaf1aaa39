// ArrozVQModel: Arroz Con Cosas' `VQModel` (seeds.md §1.5) — Haar, strided convs, plain-LN ResBlocks, latent
// BatchNorm, EMA codebook; decoder with the bottleneck blocks.
import ArrozNN
import ArrozTensor

/// Settings of ``ArrozVQModel``, by the upstream constructor's arguments
/// `VQModel(levels=3, bottleneck_blocks=32, c_hidden=480, c_latent=4, codebook_size=8192)`.
public struct ArrozVQConfig: Codable, Hashable, Sendable {
    /// `levels`: the Haar transform halves once, each level after the first halves again (f = 2^levels).
    public var levels = 3
    /// `bottleneck_blocks`: ResBlocks at the deepest level of the decoder.
    public var bottleneckBlocks = 32
    /// `c_hidden`: channels of the deepest level; level i has c_hidden / 2^(levels−1−i).
    public var hidden = 480
    /// `c_latent`: latent channels (= code dimension).
    public var latentChannels = 4
    /// `codebook_size`: K.
    public var codebookSize = 8192
    /// Quantiser options (the seed: EMA 0.99, Laplace 1e-5; dead-code restarts and l2 / low-dimensional
    /// codes are our extensions).
    public var quantizer: VQOptions = {
        var o = VQOptions()
        o.ema = true
        return o
    }()

    public init() {}

    /// seeds.md §6: `VQModel(levels=2, c_hidden=64, bottleneck_blocks=2, c_latent=4, codebook_size=512)`,
    /// 32² → 8²×4.
    public static var tiny32: ArrozVQConfig {
        var c = ArrozVQConfig()
        (c.levels, c.hidden, c.bottleneckBlocks, c.latentChannels, c.codebookSize) = (2, 64, 2, 4, 512)
        return c
    }

    /// Channels per level, shallow to deep.
    public var levelChannels: [Int] { (0..<levels).map { hidden >> (levels - 1 - $0) } }
    /// Image side ÷ latent side.
    public var downsamplingFactor: Int { 1 << levels }

    public func validate() throws {
        guard levels >= 1, levels <= 8 else { throw ModelConfigError.invalid("arroz VQ: levels \(levels) not in 1…8") }
        guard hidden > 0, hidden % (1 << (levels - 1)) == 0 else {
            throw ModelConfigError.invalid("arroz VQ: c_hidden \(hidden) must be a positive multiple of 2^(levels−1)")
        }
        guard bottleneckBlocks >= 1, latentChannels >= 1, codebookSize >= 1 else {
            throw ModelConfigError.invalid("arroz VQ: bottleneck_blocks, c_latent and codebook_size must be ≥ 1")
        }
    }
}

/// What `encode` returns: the seed's `((x, qe), commit_loss, indices)` plus the quantiser's whole result.
public struct VQEncoding {
    /// The latent before quantisation `[N, c_latent, h, w]` (after the BatchNorm).
    public var latent: Tensor
    /// The quantised latent `[N, c_latent, h, w]`; gradients pass straight through to `latent`.
    public var quantized: Tensor
    /// Code indices `[N, h, w]` (whole numbers as Float).
    public var indices: Tensor
    /// Losses and the raw index list.
    public var vq: VQResult
}

/// Arroz Con Cosas' autoencoder.
///
/// Encoder: Haar (3 → 12 channels at H/2), `in_block` Conv1×1 → c₀, `down_blocks` = [ResBlock(c₀), Conv4×4 s2,
/// ResBlock(c₁), …], `latent_mapper` = Conv1×1 → c_latent + BatchNorm2d, `vqmodule`. Decoder:
/// `latent_unmapper` Conv1×1, `up_blocks` = bottleneck ResBlocks, then per level ConvT4×4 s2 + ResBlock,
/// `out_block` Conv1×1 → 12, inverse Haar. ResBlocks are ``ArrozResBlock`` without conditioning (plain affine
/// LN; the unused scalar γ/β stay in the state_dict). Images in [0, 1], no normalisation.
///
/// state_dict: `in_block.*`, `down_blocks.{i}.*`, `latent_mapper.0.*`, `latent_mapper.1.*` (BatchNorm),
/// `vqmodule.q_step_counter`, `vqmodule.vquantizer.{codebook.weight, ema_element_count, ema_weight_sum}`,
/// `latent_unmapper.*`, `up_blocks.{i}.*`, `out_block.*`.
public final class ArrozVQModel: Layer {
    public let config: ArrozVQConfig
    let inBlock: Conv2d
    let downBlocks: [any Layer]
    let latentConv: Conv2d
    let latentNorm: BatchNorm2d
    /// `vqmodule.q_step_counter`: a buffer the seed registers and never advances.
    public let qStepCounter: Tensor
    public let quantizer: VectorQuantizer
    let latentUnmapper: Conv2d
    let upBlocks: [any Layer]
    let outBlock: Conv2d
    public var isTraining = true

    public init(_ config: ArrozVQConfig, rng: inout ArrozRandom) {
        self.config = config
        let ch = config.levelChannels, L = config.levels
        inBlock = Conv2d(12, ch[0], kernelSize: 1, rng: &rng)
        var down: [any Layer] = []
        let downScale = (1 / Float(L)).squareRoot()
        for i in 0..<L {
            if i > 0 { down.append(Conv2d(ch[i - 1], ch[i], kernelSize: 4, stride: 2, padding: 1, rng: &rng)) }
            down.append(ArrozResBlock(ch[i], hiddenRatio: 4, cond: 0, scaler: downScale, rng: &rng))
        }
        downBlocks = down
        latentConv = Conv2d(ch[L - 1], config.latentChannels, kernelSize: 1, rng: &rng)
        latentNorm = BatchNorm2d(config.latentChannels)
        qStepCounter = Tensor(scalar: 0)
        quantizer = VectorQuantizer(config.latentChannels, codebookSize: config.codebookSize,
                                    options: config.quantizer, rng: &rng)
        latentUnmapper = Conv2d(config.latentChannels, ch[L - 1], kernelSize: 1, rng: &rng)
        var up: [any Layer] = []
        let upScale = (1 / Float(L + config.bottleneckBlocks)).squareRoot()
        for i in 0..<L {
            let c = ch[L - 1 - i]
            for _ in 0..<(i == 0 ? config.bottleneckBlocks : 1) {
                up.append(ArrozResBlock(c, hiddenRatio: 4, cond: 0, scaler: upScale, rng: &rng))
            }
            if i < L - 1 {
                up.append(ConvTranspose2d(c, ch[L - 2 - i], kernelSize: 4, stride: 2, padding: 1, rng: &rng))
            }
        }
        upBlocks = up
        outBlock = Conv2d(ch[0], 12, kernelSize: 1, rng: &rng)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("in_block", inBlock)
        for (i, b) in downBlocks.enumerated() { visit("down_blocks.\(i)", b) }
        visit("latent_mapper.0", latentConv)
        visit("latent_mapper.1", latentNorm)
        visit("vqmodule.vquantizer", quantizer)
        visit("latent_unmapper", latentUnmapper)
        for (i, b) in upBlocks.enumerated() { visit("up_blocks.\(i)", b) }
        visit("out_block", outBlock)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        visit("vqmodule.q_step_counter", qStepCounter)
    }

    private func apply(_ b: any Layer, _ x: Tensor) -> Tensor {
        switch b {
        case let r as ArrozResBlock: return r(x, s: nil)
        case let u as any UnaryLayer: return u(x)
        default: preconditionFailure("ArrozVQModel: unexpected block \(type(of: b))")
        }
    }

    /// Image `[N, 3, H, W]` in [0, 1] (H, W multiples of 2^levels) → the latent before quantisation
    /// `[N, c_latent, H/f, W/f]`.
    public func encodeLatent(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == 3, "ArrozVQModel.encode: x \(x.shape) must be [N, 3, H, W]")
        var h = inBlock(haarDWT(x))                                            // [N, c0, H/2, W/2]
        for b in downBlocks { h = apply(b, h) }                                // [N, c_last, H/f, W/f]
        return latentNorm(latentConv(h))                                       // [N, c_latent, H/f, W/f]
    }

    /// The seed's `encode`: latent, quantised latent, indices `[N, h, w]` and the quantiser's losses (in
    /// training also the EMA step). `rng` draws dead-code restarts.
    public func encode(_ x: Tensor, rng: inout ArrozRandom) -> VQEncoding {
        let z = encodeLatent(x)
        let (N, _, h, w) = z.shape4
        let r = quantizer.quantizeChannels(z, rng: &rng)
        let idx = Tensor(r.indices.map(Float.init), shape: [N, h, w])
        return VQEncoding(latent: z, quantized: r.quantized, indices: idx, vq: r)
    }

    public func encode(_ x: Tensor) -> VQEncoding {
        var g = quantizer.generator
        defer { quantizer.generator = g }
        return encode(x, rng: &g)
    }

    /// Latent `[N, c_latent, h, w]` → image `[N, 3, h·f, w·f]` (unclamped).
    public func decode(_ z: Tensor) -> Tensor {
        precondition(z.rank == 4 && z.shape[1] == config.latentChannels,
                     "ArrozVQModel.decode: z \(z.shape) must be [N, \(config.latentChannels), h, w]")
        var h = latentUnmapper(z)
        for b in upBlocks { h = apply(b, h) }
        return haarIDWT(outBlock(h))
    }

    /// Indices `[N, h, w]` → image (codebook lookup, then `decode`); not in the seed's class.
    public func decodeIndices(_ indices: Tensor) -> Tensor {
        decode(quantizer.lookup(indices, channelsAxis1: true))
    }

    /// The seed's `forward`: reconstruction from the quantised latent, and the encoding (its
    /// `commit_loss` is `vq.commitLoss`).
    public func callAsFunction(_ x: Tensor) -> (reconstruction: Tensor, encoding: VQEncoding) {
        let e = encode(x)
        return (decode(e.quantized), e)
    }
}
