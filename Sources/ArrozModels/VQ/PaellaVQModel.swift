// PaellaVQModel: Paella v3's `VQModel` (seeds.md §2.6, `src/vqgan.py`) — pixel-unshuffle, six-gamma ResBlocks,
// codebook learned through the VQ loss, scale factor.
import ArrozNN
import ArrozTensor

/// Paella's VQ ResBlock: six learned scalars g₀…g₅ (all 0 at init, so the block starts as the identity):
/// x ← x + g₂·DW(LN(x)·(1+g₀) + g₁); x ← x + g₅·MLP(LN(x)·(1+g₃) + g₄), DW = ReplicationPad(1) + depthwise
/// Conv3×3, MLP = Linear(c → 4c) · GELU · Linear(4c → c), LN over channels without affine (eps 1e-6).
///
/// Parameters: `gammas` `[6]`, `depthwise.1.*`, `channelwise.0.*`, `channelwise.2.*` (xavier-uniform weights,
/// zero biases, as the seed's `_basic_init`).
public final class PaellaVQResBlock: Layer {
    public let channels: Int
    let gammas: Tensor
    let depthwise: Conv2d
    let mlpIn: Linear, mlpOut: Linear
    public var isTraining = true

    public init(_ c: Int, hidden: Int, rng: inout ArrozRandom) {
        channels = c
        gammas = Tensor.zeros([6], requiresGrad: true)
        depthwise = Conv2d(c, c, kernelSize: 3, groups: c, rng: &rng)
        mlpIn = Linear(c, hidden, rng: &rng)
        mlpOut = Linear(hidden, c, rng: &rng)
        for w in [depthwise.weight, mlpIn.weight, mlpOut.weight] { Init.xavierUniform(w, rng: &rng) }
        for b in [depthwise.bias, mlpIn.bias, mlpOut.bias] { b?.assign([Float](repeating: 0, count: b!.count)) }
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) { visit("gammas", gammas) }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("depthwise.1", depthwise)
        visit("channelwise.0", mlpIn)
        visit("channelwise.2", mlpOut)
    }

    private func pointwise(_ l: Linear, _ x: Tensor) -> Tensor {
        conv2d(x, weight: l.weight.reshaped([l.outFeatures, l.inFeatures, 1, 1]), bias: l.bias)
    }

    /// `x` `[N, C, H, W]` → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let g = gammas.split(sizes: [1, 1, 1, 1, 1, 1], axis: 0)               // six [1]
        var h = layerNorm2d(x, eps: 1e-6) * (1 + g[0]) + g[1]
        var y = x + depthwise(h.pad2d(left: 1, right: 1, top: 1, bottom: 1, mode: .replicate)) * g[2]
        h = layerNorm2d(y, eps: 1e-6) * (1 + g[3]) + g[4]
        y = y + pointwise(mlpOut, pointwise(mlpIn, h).gelu()) * g[5]
        return y
    }
}

/// Settings of ``PaellaVQModel``, by `VQModel(levels=2, bottleneck_blocks=12, c_hidden=384, c_latent=4,
/// codebook_size=8192, scale_factor=0.3764)`.
public struct PaellaVQConfig: Codable, Hashable, Sendable {
    public var levels = 2
    public var bottleneckBlocks = 12
    public var hidden = 384
    public var latentChannels = 4
    public var codebookSize = 8192
    /// `scale_factor`: `encode` divides the latents by it, `decode` multiplies.
    public var scaleFactor: Float = 0.3764
    /// Quantiser options (the seed: no EMA, codebook trained by the VQ loss).
    public var quantizer = VQOptions()

    public init() {}

    /// seeds.md §6: `VQModel(levels=2, c_hidden=64, bottleneck_blocks=2, c_latent=4, codebook_size=512)`.
    public static var tiny32: PaellaVQConfig {
        var c = PaellaVQConfig()
        (c.levels, c.hidden, c.bottleneckBlocks, c.latentChannels, c.codebookSize) = (2, 64, 2, 4, 512)
        return c
    }

    public var levelChannels: [Int] { (0..<levels).map { hidden >> (levels - 1 - $0) } }
    /// Pixel-unshuffle halves once, each level after the first halves again.
    public var downsamplingFactor: Int { 1 << levels }

    public func validate() throws {
        guard levels >= 1, levels <= 8 else { throw ModelConfigError.invalid("paella VQ: levels \(levels) not in 1…8") }
        guard hidden > 0, hidden % (1 << (levels - 1)) == 0 else {
            throw ModelConfigError.invalid("paella VQ: c_hidden \(hidden) must be a positive multiple of 2^(levels−1)")
        }
        guard bottleneckBlocks >= 1, latentChannels >= 1, codebookSize >= 1 else {
            throw ModelConfigError.invalid("paella VQ: bottleneck_blocks, c_latent and codebook_size must be ≥ 1")
        }
        guard scaleFactor.isFinite, scaleFactor > 0 else {
            throw ModelConfigError.invalid("paella VQ: scale_factor \(scaleFactor) must be finite and > 0")
        }
    }
}

/// Paella v3's VQGAN autoencoder.
///
/// Encoder: `in_block` = PixelUnshuffle(2) + Conv1×1 12 → c₀ (`in_block.1`); `down_blocks` = [ResBlock(c₀),
/// Conv4×4 s2, ResBlock(c₁), …, Sequential(Conv1×1 → c_latent no bias, BatchNorm2d)]; `vquantizer`.
/// Decoder: `up_blocks` = [Sequential(Conv1×1 c_latent → c_last)], bottleneck ResBlocks, per level ConvT4×4 s2 +
/// ResBlock; `out_block` = Conv1×1 → 12 (`out_block.0`) + PixelShuffle(2).
public final class PaellaVQModel: Layer {
    public let config: PaellaVQConfig
    let inConv: Conv2d
    let downBlocks: [any Layer]
    let latentConv: Conv2d
    let latentNorm: BatchNorm2d
    public let quantizer: VectorQuantizer
    let unmapper: Conv2d
    let upBlocks: [any Layer]
    let outConv: Conv2d
    public var isTraining = true

    public init(_ config: PaellaVQConfig, rng: inout ArrozRandom) {
        self.config = config
        let ch = config.levelChannels, L = config.levels
        inConv = Conv2d(12, ch[0], kernelSize: 1, rng: &rng)
        var down: [any Layer] = []
        for i in 0..<L {
            if i > 0 { down.append(Conv2d(ch[i - 1], ch[i], kernelSize: 4, stride: 2, padding: 1, rng: &rng)) }
            down.append(PaellaVQResBlock(ch[i], hidden: 4 * ch[i], rng: &rng))
        }
        downBlocks = down
        latentConv = Conv2d(ch[L - 1], config.latentChannels, kernelSize: 1, bias: false, rng: &rng)
        latentNorm = BatchNorm2d(config.latentChannels)
        quantizer = VectorQuantizer(config.latentChannels, codebookSize: config.codebookSize,
                                    options: config.quantizer, rng: &rng)
        unmapper = Conv2d(config.latentChannels, ch[L - 1], kernelSize: 1, rng: &rng)
        var up: [any Layer] = []
        for i in 0..<L {
            let c = ch[L - 1 - i]
            for _ in 0..<(i == 0 ? config.bottleneckBlocks : 1) { up.append(PaellaVQResBlock(c, hidden: 4 * c, rng: &rng)) }
            if i < L - 1 {
                up.append(ConvTranspose2d(c, ch[L - 2 - i], kernelSize: 4, stride: 2, padding: 1, rng: &rng))
            }
        }
        upBlocks = up
        outConv = Conv2d(ch[0], 12, kernelSize: 1, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("in_block.1", inConv)
        for (i, b) in downBlocks.enumerated() { visit("down_blocks.\(i)", b) }
        let n = downBlocks.count
        visit("down_blocks.\(n).0", latentConv)
        visit("down_blocks.\(n).1", latentNorm)
        visit("vquantizer", quantizer)
        visit("up_blocks.0.0", unmapper)
        for (i, b) in upBlocks.enumerated() { visit("up_blocks.\(i + 1)", b) }
        visit("out_block.0", outConv)
    }

    private func apply(_ b: any Layer, _ x: Tensor) -> Tensor {
        guard let u = b as? any UnaryLayer else {
            if let r = b as? PaellaVQResBlock { return r(x) }
            preconditionFailure("PaellaVQModel: unexpected block \(type(of: b))")
        }
        return u(x)
    }

    /// Image `[N, 3, H, W]` → the unscaled latent before quantisation `[N, c_latent, H/f, W/f]`.
    public func encodeLatent(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == 3, "PaellaVQModel.encode: x \(x.shape) must be [N, 3, H, W]")
        var h = inConv(x.pixelUnshuffle(2))
        for b in downBlocks { h = apply(b, h) }
        return latentNorm(latentConv(h))
    }

    /// The seed's `encode`: (qe / s, x / s, indices, vq_loss + 0.25·commit_loss). Here `latent` and
    /// `quantized` are already divided by the scale factor; `vq.loss` is the seed's fourth output.
    public func encode(_ x: Tensor, rng: inout ArrozRandom) -> VQEncoding {
        let z = encodeLatent(x)
        let (N, _, h, w) = z.shape4
        let r = quantizer.quantizeChannels(z, rng: &rng)
        let s = config.scaleFactor
        return VQEncoding(latent: z / s, quantized: r.quantized / s,
                          indices: Tensor(r.indices.map(Float.init), shape: [N, h, w]), vq: r)
    }

    public func encode(_ x: Tensor) -> VQEncoding {
        var g = quantizer.generator
        defer { quantizer.generator = g }
        return encode(x, rng: &g)
    }

    private func decodeUnscaled(_ z: Tensor) -> Tensor {
        var h = unmapper(z)
        for b in upBlocks { h = apply(b, h) }
        return outConv(h).pixelShuffle(2)
    }

    /// Scaled latent `[N, c_latent, h, w]` → image `[N, 3, h·f, w·f]` (multiplies by the scale factor first).
    public func decode(_ z: Tensor) -> Tensor {
        precondition(z.rank == 4 && z.shape[1] == config.latentChannels,
                     "PaellaVQModel.decode: z \(z.shape) must be [N, \(config.latentChannels), h, w]")
        return decodeUnscaled(z * config.scaleFactor)
    }

    /// Indices `[N, h, w]` → image: codebook lookup and decode, without the scale factor (as the seed).
    public func decodeIndices(_ indices: Tensor) -> Tensor {
        decodeUnscaled(quantizer.lookup(indices, channelsAxis1: true))
    }

    /// `forward` as the seed intends it (its own `forward` passes a stray argument to `encode`):
    /// decode(encode(x).quantized) and the encoding (its loss is `vq.loss`).
    public func callAsFunction(_ x: Tensor) -> (reconstruction: Tensor, encoding: VQEncoding) {
        let e = encode(x)
        return (decode(e.quantized), e)
    }
}
