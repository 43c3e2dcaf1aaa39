// KerasBlocks: the guided-diffusion-keras ResidualBlock and its unscaled spatial / cross attention (seeds.md §4.1).
import ArrozNN
import ArrozTensor

/// Keras `ResidualBlock(w)`: r = x (or Conv1×1 when widths differ); x = BN(no affine) → Conv3×3 → Swish → Conv3×3;
/// out = x + r.
///
/// Parameters: `proj.*` (only when widths differ), `norm.running_mean/var`, `conv1.*`, `conv2.*`.
public final class KerasResidualBlock: Layer {
    let proj: Conv2d?
    let norm: BatchNorm2d
    let conv1: Conv2d
    let conv2: Conv2d
    public var isTraining = true

    public init(_ inChannels: Int, _ width: Int, config: KerasUNetConfig, rng: inout ArrozRandom) {
        proj = inChannels == width ? nil : Conv2d(inChannels, width, kernelSize: 1, rng: &rng)
        norm = BatchNorm2d(
            inChannels, eps: config.batchNormEps, momentum: config.batchNormMomentum, affine: false)
        conv1 = Conv2d(inChannels, width, kernelSize: 3, padding: 1, rng: &rng)
        conv2 = Conv2d(width, width, kernelSize: 3, padding: 1, rng: &rng)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        ArrozNN.visit(proj, "proj", visit)
        ArrozNN.visit(norm, "norm", visit)
        ArrozNN.visit(conv1, "conv1", visit)
        ArrozNN.visit(conv2, "conv2", visit)
    }

    /// `x` `[N, Cin, H, W]` → `[N, w, H, W]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let r = proj?(x) ?? x                      // [N, w, H, W]
        var h = norm(x)                            // [N, Cin, H, W]
        h = conv1(h).silu()                        // [N, w, H, W]
        h = conv2(h)                               // [N, w, H, W]
        return h + r
    }
}

/// Keras attention with its seed quirks: o = softmax(K·Qᵀ)·V, no 1/√d scale, softmax over the query axis, rows
/// indexed by key positions (seeds.md §4.1 and §7.6). Self-attention takes q, k, v from the image; cross-attention
/// takes q and v from the (normalised) text map and k from the image.
///
/// Parameters: `norm.*` (BN of the image), `text_norm.*` (cross only), `query.*`, `key.*` (C → C/8),
/// `value.*` (C → C), `proj.*` (C → C), `out_norm.*` (BN after the projection).
public final class KerasAttention: Layer {
    public let isCross: Bool
    let norm: BatchNorm2d
    let textNorm: BatchNorm2d?
    let query: Conv2d
    let key: Conv2d
    let value: Conv2d
    let proj: Conv2d
    let outNorm: BatchNorm2d
    public var isTraining = true

    /// `channels` C of the image; `textChannels` of the side stream for cross-attention (nil = self-attention).
    public init(_ channels: Int, textChannels: Int? = nil, config: KerasUNetConfig, rng: inout ArrozRandom) {
        isCross = textChannels != nil
        let (eps, mom) = (config.batchNormEps, config.batchNormMomentum)
        norm = BatchNorm2d(channels, eps: eps, momentum: mom)
        textNorm = textChannels.map { BatchNorm2d($0, eps: eps, momentum: mom) }
        let qvIn = textChannels ?? channels
        query = Conv2d(qvIn, channels / 8, kernelSize: 1, rng: &rng)
        key = Conv2d(channels, channels / 8, kernelSize: 1, rng: &rng)
        value = Conv2d(qvIn, channels, kernelSize: 1, rng: &rng)
        proj = Conv2d(channels, channels, kernelSize: 1, rng: &rng)
        outNorm = BatchNorm2d(channels, eps: eps, momentum: mom)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        ArrozNN.visit(norm, "norm", visit)
        ArrozNN.visit(textNorm, "text_norm", visit)
        ArrozNN.visit(query, "query", visit)
        ArrozNN.visit(key, "key", visit)
        ArrozNN.visit(value, "value", visit)
        ArrozNN.visit(proj, "proj", visit)
        ArrozNN.visit(outNorm, "out_norm", visit)
    }

    /// `x` `[N, C, H, W]`, `text` `[N, Ct, H, W]` (cross only) → `[N, C, H, W]`.
    public func callAsFunction(_ x: Tensor, text: Tensor? = nil) -> Tensor {
        let (N, C, H, W) = x.shape4
        let img = norm(x)                                            // [N, C, H, W]
        let src = textNorm.map { $0(text ?? img) } ?? img            // q/v source
        let q = query(src).reshaped([N, C / 8, H * W])               // [N, C/8, L]
        let k = key(img).reshaped([N, C / 8, H * W])                 // [N, C/8, L]
        let v = value(src).reshaped([N, C, H * W])                   // [N, C, L]
        // scores[i, j] = k_i · q_j, softmax over j (query positions)
        let scores = bmm(k, q, transA: true).softmax(axis: -1)       // [N, L(key), L(query)]
        // o[:, i] = Σ_j scores[i, j] v_j  ⇒  O = V · scoresᵀ
        let o = bmm(v, scores, transB: true).reshaped([N, C, H, W])  // [N, C, H, W]
        return x + outNorm(proj(o))
    }
}
