// PaellaBlocks: Paella v3's C (ResBlock), T (TimestepBlock), A (AttnBlock) and F (FeedForwardBlock) blocks,
// as dome272/Paella `src/modules.py` builds them, under its state_dict names.
import ArrozNN
import ArrozTensor

/// A Linear applied per pixel of NCHW input as a 1×1 convolution (the weights of `nn.Linear` on channels-last
/// input, without the two permutes).
func paellaPointwise(_ l: Linear, _ x: Tensor) -> Tensor {
    conv2d(x, weight: l.weight.reshaped([l.outFeatures, l.inFeatures, 1, 1]), bias: l.bias)
}

/// Paella v3 `ResBlock(c, c_skip, kernel_size, dropout)` — the "C" block.
///
/// y = LN2d(Conv_k×k,groups=c(concat(x, skip)));  y = Linear(4c→c)(Dropout(GRN(GELU(Linear(c→4c)(y)))));
/// out = y + x. The grouped conv has c + c_skip inputs and c groups, so with a skip each group reads two
/// channels (the first c/2 groups read x, the rest the skip). LN2d has no affine, eps 1e-6.
///
/// Parameters: `depthwise.{weight [c, (c+c_skip)/c, k, k], bias}`, `channelwise.0.*` (Linear c→4c),
/// `channelwise.2.{gamma, beta}` `[1, 1, 1, 4c]` (GRN), `channelwise.4.*` (Linear 4c→c).
public final class PaellaResBlock: Layer {
    public let channels: Int
    public let skipChannels: Int
    let depthwise: Conv2d
    let mlpIn: Linear
    let grnLayer: GRN
    let drop: Dropout
    let mlpOut: Linear
    public var isTraining = true

    public init(_ c: Int, skip: Int = 0, kernelSize: Int = 3, dropout: Float = 0, rng: inout ArrozRandom) {
        precondition(
            (c + skip) % c == 0, "PaellaResBlock: c + c_skip = \(c + skip) does not split into \(c) groups")
        channels = c
        skipChannels = skip
        depthwise = Conv2d(c + skip, c, kernelSize: kernelSize, padding: kernelSize / 2, groups: c, rng: &rng)
        mlpIn = Linear(c, 4 * c, rng: &rng)
        grnLayer = GRN(4 * c)
        drop = Dropout(dropout, rng: &rng)
        mlpOut = Linear(4 * c, c, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("depthwise", depthwise)
        visit("channelwise.0", mlpIn)
        visit("channelwise.2", grnLayer)
        visit("channelwise.3", drop)
        visit("channelwise.4", mlpOut)
    }

    /// The Linears `_init_weights` touches (xavier-uniform, zero bias), and the last one to scale.
    var linears: [Linear] { [mlpIn, mlpOut] }

    /// `x` `[N, c, H, W]`, `skip` `[N, c_skip, H, W]` (only when built with c_skip > 0) → `[N, c, H, W]`.
    public func callAsFunction(_ x: Tensor, skip: Tensor? = nil) -> Tensor {
        precondition(
            (skip == nil) == (skipChannels == 0) && (skip.map { $0.shape[1] == skipChannels } ?? true),
            "PaellaResBlock(\(channels), c_skip \(skipChannels)): skip \(skip?.shape ?? [])")
        let h0 = skip.map { concat([x, $0], axis: 1) } ?? x  // [N, c + c_skip, H, W]
        var h = layerNorm2d(depthwise(h0), eps: 1e-6)  // [N, c, H, W]
        h = paellaPointwise(mlpIn, h).gelu()  // [N, 4c, H, W]
        h = drop(grn(h, gamma: grnLayer.gamma, beta: grnLayer.beta))  // GRN over H·W per channel
        return paellaPointwise(mlpOut, h) + x  // [N, c, H, W]
    }
}

/// Paella v3 `FeedForwardBlock(c, dropout)` — the "F" block: x + channelwise(LN2d(x)), channelwise as in C.
///
/// Parameters: `channelwise.0.*`, `channelwise.2.{gamma, beta}`, `channelwise.4.*`.
public final class PaellaFeedForwardBlock: Layer {
    let mlpIn: Linear
    let grnLayer: GRN
    let drop: Dropout
    let mlpOut: Linear
    public var isTraining = true

    public init(_ c: Int, dropout: Float = 0, rng: inout ArrozRandom) {
        mlpIn = Linear(c, 4 * c, rng: &rng)
        grnLayer = GRN(4 * c)
        drop = Dropout(dropout, rng: &rng)
        mlpOut = Linear(4 * c, c, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("channelwise.0", mlpIn)
        visit("channelwise.2", grnLayer)
        visit("channelwise.3", drop)
        visit("channelwise.4", mlpOut)
    }

    var linears: [Linear] { [mlpIn, mlpOut] }

    /// `x` `[N, c, H, W]` → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = paellaPointwise(mlpIn, layerNorm2d(x, eps: 1e-6)).gelu()  // [N, 4c, H, W]
        h = drop(grn(h, gamma: grnLayer.gamma, beta: grnLayer.beta))
        return x + paellaPointwise(mlpOut, h)
    }
}

/// Paella v3 `TimestepBlock(c, c_timestep)` — the "T" block: (a, b) = chunk(Linear(c_r → 2c)(r_embed), 2);
/// x·(1 + a) + b, broadcast over H×W.
///
/// Parameters: `mapper.{weight [2c, c_r], bias [2c]}` (the weight zero at init, so a fresh block is the identity).
public final class PaellaTimestepBlock: Layer {
    public let channels: Int
    let mapper: Linear
    public var isTraining = true

    public init(_ c: Int, rEmbedding: Int, rng: inout ArrozRandom) {
        channels = c
        mapper = Linear(rEmbedding, 2 * c, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) { visit("mapper", mapper) }

    /// `x` `[N, c, H, W]`, `r` `[N, c_r]` (the r-embedding) → `[N, c, H, W]`.
    public func callAsFunction(_ x: Tensor, r: Tensor) -> Tensor {
        let ab = mapper(r).reshaped([x.shape[0], 2 * channels, 1, 1]).chunk(2, axis: 1)  // 2 × [N, c, 1, 1]
        return x * (ab[0] + 1) + ab[1]
    }
}

/// Paella v3 `AttnBlock(c, c_cond, nhead, self_attn, dropout)` — the "A" block, self- and cross-attention fused:
/// kv = Linear(c_cond → c)(SiLU(cond)); q = LN2d(x) as H·W tokens; with `self_attn`, keys and values are
/// concat(q, kv) along the sequence; x + MHA(q, kv, kv) (`nn.MultiheadAttention`, bias, dropout).
///
/// Parameters: `attention.attn.{in_proj_weight [3c, c], in_proj_bias, out_proj.weight, out_proj.bias}`,
/// `kv_mapper.1.*` (Linear c_cond → c).
public final class PaellaAttnBlock: Layer {
    public let channels: Int
    public let selfAttention: Bool
    let attn: MultiheadAttention
    let kvMapper: Linear
    public var isTraining = true

    public init(
        _ c: Int, cond: Int, heads: Int, selfAttention: Bool = true, dropout: Float = 0,
        rng: inout ArrozRandom
    ) {
        channels = c
        self.selfAttention = selfAttention
        attn = MultiheadAttention(c, heads: heads, dropout: dropout, bias: true, rng: &rng)
        kvMapper = Linear(cond, c, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("attention.attn", attn)
        visit("kv_mapper.1", kvMapper)
    }

    /// `x` `[N, c, H, W]`, `cond` `[N, S, c_cond]` (the normalised conditioning sequence) → `[N, c, H, W]`.
    public func callAsFunction(_ x: Tensor, cond: Tensor) -> Tensor {
        let (N, C, H, W) = x.shape4
        let kv = kvMapper(cond.silu())  // [N, S, c]
        let q = layerNorm2d(x, eps: 1e-6).reshaped([N, C, H * W]).transposed(1, 2)  // [N, HW, c]
        let keys = selfAttention ? concat([q, kv], axis: 1) : kv  // [N, HW + S, c]
        let a = attn(q, keys, keys)  // [N, HW, c]
        return x + a.transposed(1, 2).reshaped([N, C, H, W])
    }
}

/// A level's resampler: `Sequential(LayerNorm2d(no affine, 1e-6), Conv2d 2×2 s2)` going down, or with
/// `ConvTranspose2d 2×2 s2` going up. Parameters: `1.{weight, bias}`.
public final class PaellaResample: Layer {
    let down: Conv2d?
    let up: ConvTranspose2d?
    public var isTraining = true

    public init(down cin: Int, _ cout: Int, rng: inout ArrozRandom) {
        down = Conv2d(cin, cout, kernelSize: 2, stride: 2, rng: &rng)
        up = nil
    }

    public init(up cin: Int, _ cout: Int, rng: inout ArrozRandom) {
        down = nil
        up = ConvTranspose2d(cin, cout, kernelSize: 2, stride: 2, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        if let down { visit("1", down) }
        if let up { visit("1", up) }
    }

    /// `x` `[N, cin, H, W]` → `[N, cout, H/2, W/2]` (down) or `[N, cout, 2H, 2W]` (up).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = layerNorm2d(x, eps: 1e-6)
        if let down { return down(y) }
        guard let up else { preconditionFailure("PaellaResample: neither down nor up") }
        return up(y)
    }
}
