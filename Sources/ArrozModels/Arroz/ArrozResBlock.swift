// ArrozResBlock: Arroz Con Cosas / Paella v1 ResBlock — depthwise conv, ModulatedLN, channelwise MLP, layer scale.
import ArrozNN
import ArrozTensor

/// ModulatedLayerNorm of Arroz (seeds.md §1.1 step 3 and §7.1): y = γ·s′·LN(x) + β·s′, with **scalar** γ and β
/// (shape 1×1×1, N(0,1) init) and no "+1"; LN has eps 1e-6 and its own per-channel affine.
///
/// Parameters: `gamma`, `beta` `[1, 1, 1]`, `ln.weight`, `ln.bias` `[C]`.
public final class ModulatedLayerNorm: Layer {
    let gamma: Tensor, beta: Tensor
    let lnWeight: Tensor, lnBias: Tensor
    let eps: Float
    public var isTraining = true

    public init(_ channels: Int, eps: Float = 1e-6, rng: inout ArrozRandom) {
        gamma = Tensor.randn([1, 1, 1], rng: &rng, requiresGrad: true)
        beta = Tensor.randn([1, 1, 1], rng: &rng, requiresGrad: true)
        lnWeight = Tensor.ones([channels], requiresGrad: true)
        lnBias = Tensor.zeros([channels], requiresGrad: true)
        self.eps = eps
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        visit("gamma", gamma)
        visit("beta", beta)
        visit("ln.weight", lnWeight)
        visit("ln.bias", lnBias)
    }

    /// `x` `[N, C, H, W]`, `s` `[N, C, 1, 1]` (nil = plain LN) → `[N, C, H, W]`.
    public func callAsFunction(_ x: Tensor, _ s: Tensor?) -> Tensor {
        let y = layerNorm2d(x, weight: lnWeight, bias: lnBias, eps: eps)       // LN over channels at each pixel
        guard let s else { return y }
        let g = gamma.reshaped([1])
        let b = beta.reshaped([1])
        return y * (s * g) + s * b                                             // γ·s′·LN(x) + β·s′
    }
}

/// Arroz v5's `Attention2D` (`arroz/modules_attn.py`): y = x + MHA(LN(x)) over the H·W tokens, LN with affine
/// (eps 1e-5), `nn.MultiheadAttention(c, heads, bias=True, batch_first=True)`.
///
/// Parameters: `ln.weight`, `ln.bias` `[C]`, `attn.in_proj_weight` `[3C, C]`, `attn.in_proj_bias`,
/// `attn.out_proj.weight`, `attn.out_proj.bias`.
public final class ArrozAttention2D: Layer {
    let ln: LayerNorm2d
    let attn: MultiheadAttention
    public var isTraining = true

    public init(_ c: Int, heads: Int, rng: inout ArrozRandom) {
        ln = LayerNorm2d(c)
        attn = MultiheadAttention(c, heads: heads, rng: &rng)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("ln", ln)
        visit("attn", attn)
    }

    /// `x` `[N, C, H, W]` → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (N, C, H, W) = x.shape4
        let t = ln(x).reshaped([N, C, H * W]).permuted([0, 2, 1])             // [N, HW, C]
        let a = attn(t, t, t)                                                  // [N, HW, C]
        return x + a.permuted([0, 2, 1]).reshaped([N, C, H, W])
    }
}

/// The Arroz ResBlock (seeds.md §1.1, `arroz/modules.py`):
/// y = depthwise(x) [ReflectionPad(1) + Conv3×3 groups = C, or ``ArrozAttention2D`` in v5 attention blocks];
/// s′ = cond_mapper(s); y = ModulatedLN(y, s′); y = concat(y, skip);
/// out = x + gamma ⊙ channelwise(y) with channelwise = Linear(C+Cskip → 4C) · GELU · Linear(4C → C).
///
/// Parameters: `gamma` `[C]` (layer scale, init 1e-6), `depthwise.1.*` (or `depthwise.ln.*`,
/// `depthwise.attn.*`), `ln.*`, `channelwise.0.*`, `channelwise.2.*`, `cond_mapper.*`.
public final class ArrozResBlock: Layer {
    let channels: Int
    let gamma: Tensor
    let depthwise: Conv2d?
    let attention: ArrozAttention2D?
    let ln: ModulatedLayerNorm
    let mlpIn: Linear, mlpOut: Linear
    let condMapper: Linear?
    public var isTraining = true

    /// `scaler` multiplies the last MLP weight at init: √(1/Σ blocks on that side). `attentionHeads` makes
    /// this a v5 attention block (the seed uses 8 heads).
    public init(
        _ c: Int, hiddenRatio: Int, cond: Int, skip: Int = 0, scaler: Float, attentionHeads: Int? = nil,
        rng: inout ArrozRandom
    ) {
        channels = c
        gamma = Tensor(shape: [c], repeating: 1e-6, requiresGrad: true)
        if let heads = attentionHeads {
            depthwise = nil
            attention = ArrozAttention2D(c, heads: heads, rng: &rng)
        } else {
            depthwise = Conv2d(c, c, kernelSize: 3, groups: c, rng: &rng)
            attention = nil
        }
        ln = ModulatedLayerNorm(c, rng: &rng)
        mlpIn = Linear(c + skip, hiddenRatio * c, rng: &rng)
        mlpOut = Linear(hiddenRatio * c, c, rng: &rng)
        let w = mlpOut.weight.mutableData
        for i in 0..<w.count { w[i] *= scaler }
        condMapper = cond > 0 ? Linear(cond, c, rng: &rng) : nil
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) { visit("gamma", gamma) }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        ArrozNN.visit(depthwise, "depthwise.1", visit)
        ArrozNN.visit(attention, "depthwise", visit)
        ArrozNN.visit(ln, "ln", visit)
        ArrozNN.visit(mlpIn, "channelwise.0", visit)
        ArrozNN.visit(mlpOut, "channelwise.2", visit)
        ArrozNN.visit(condMapper, "cond_mapper", visit)
    }

    /// A Linear applied per pixel of NCHW as a 1×1 convolution (same weights, no permutes).
    private func pointwise(_ l: Linear, _ x: Tensor) -> Tensor {
        conv2d(x, weight: l.weight.reshaped([l.outFeatures, l.inFeatures, 1, 1]), bias: l.bias)
    }

    /// `x` `[N, C, H, W]`, `s` `[N, Dc]` (nil for unconditioned blocks), `skip` `[N, Cskip, H, W]`.
    public func callAsFunction(_ x: Tensor, s: Tensor?, skip: Tensor? = nil) -> Tensor {
        let N = x.shape[0]
        var y: Tensor
        if let attention {
            y = attention(x)                                                 // [N, C, H, W]
        } else if let depthwise {
            y = depthwise(x.pad2d(left: 1, right: 1, top: 1, bottom: 1, mode: .reflect))  // [N, C, H, W]
        } else {
            preconditionFailure("ArrozResBlock: neither depthwise conv nor attention")
        }
        let sm = s.flatMap { s in condMapper.map { $0(s).reshaped([N, channels, 1, 1]) } }  // [N, C, 1, 1]
        y = ln(y, sm)
        if let skip { y = concat([y, skip], axis: 1) }                       // [N, C+Cskip, H, W]
        y = pointwise(mlpOut, pointwise(mlpIn, y).gelu())                    // [N, C, H, W]
        return x + y * gamma.reshaped([1, channels, 1, 1])
    }
}
