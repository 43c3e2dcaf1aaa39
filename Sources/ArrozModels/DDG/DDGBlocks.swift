// DDGBlocks: cclddg's embeddings, ResidualBlock, AttentionBlock (labml.ai's annotated DDPM U-Net, as
// johnowhitaker/cclddg `cclddg/core.py` adapts it), under its state_dict names.
import ArrozNN
import ArrozTensor
import Foundation

/// `TimeEmbedding` / `CLOOBEmbedding` / `ZEmbedding`: lin2(Swish(lin1(e))). Parameters: `lin1.*`, `lin2.*`.
public final class DDGMLPEmbedding: Layer {
    let lin1: Linear, lin2: Linear
    public var isTraining = true

    public init(_ input: Int, _ output: Int, rng: inout ArrozRandom) {
        lin1 = Linear(input, output, rng: &rng)
        lin2 = Linear(output, output, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("lin1", lin1)
        visit("lin2", lin2)
    }

    /// `e` `[N, input]` → `[N, output]`.
    public func callAsFunction(_ e: Tensor) -> Tensor { lin2(lin1(e).silu()) }

    /// `TimeEmbedding.forward`'s sinusoid: [sin(t·ω_k), cos(t·ω_k)], ω_k = exp(−k·ln(D)/(h−1)), h = width/2,
    /// D = `denom_factor` (100), at integer t. `t` `[N]` → `[N, width]`.
    public static func timeSinusoid(_ t: Tensor, width: Int, denomFactor: Int) -> Tensor {
        let h = width / 2, N = t.count
        let step = Float(log(Double(denomFactor)) / Double(h - 1))
        let w = (0..<h).map { Foundation.exp(Float($0) * -step) }
        let a = t.reshaped([N, 1]) * Tensor(w, shape: [1, h])  // [N, h]
        return concat([a.sin(), a.cos()], axis: 1)  // [N, width]
    }
}

/// `ResidualBlock(in, out, n_cond_channels)`: h = conv1(Swish(norm1(x))) + cond_emb(cond)[:, :, None, None];
/// h = conv2(Swish(norm2(h))); out = h + shortcut(x). GroupNorm(32), eps 1e-5; shortcut a 1×1 conv iff in ≠ out.
///
/// Parameters: `norm1.*`, `conv1.*`, `norm2.*`, `conv2.*`, `shortcut.*` (when in ≠ out), `cond_emb.*`.
public final class DDGResidualBlock: Layer {
    let norm1: GroupNorm, conv1: Conv2d, norm2: GroupNorm, conv2: Conv2d
    let shortcut: Conv2d?
    let condEmb: Linear
    public var isTraining = true

    public init(_ cin: Int, _ cout: Int, cond: Int, groups: Int = 32, rng: inout ArrozRandom) {
        norm1 = GroupNorm(groups, cin)
        conv1 = Conv2d(cin, cout, kernelSize: 3, padding: 1, rng: &rng)
        norm2 = GroupNorm(groups, cout)
        conv2 = Conv2d(cout, cout, kernelSize: 3, padding: 1, rng: &rng)
        shortcut = cin == cout ? nil : Conv2d(cin, cout, kernelSize: 1, rng: &rng)
        condEmb = Linear(cond, cout, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("norm1", norm1)
        visit("conv1", conv1)
        visit("norm2", norm2)
        visit("conv2", conv2)
        if let shortcut { visit("shortcut", shortcut) }
        visit("cond_emb", condEmb)
    }

    /// `x` `[N, in, H, W]`, `cond` `[N, n_cond]` → `[N, out, H, W]`.
    public func callAsFunction(_ x: Tensor, cond: Tensor) -> Tensor {
        var h = conv1(norm1.normalizedSiLU(x))  // [N, out, H, W]
        h = h + condEmb(cond).reshaped([x.shape[0], -1, 1, 1])  // per-channel bias
        h = conv2(norm2.normalizedSiLU(h))
        return h + (shortcut?(x) ?? x)
    }
}

/// `AttentionBlock(C)` with one head and d_k = C: qkv = projection(x tokens); scores = q·kᵀ·C^−½;
/// the seed normalises **over dim 1 of `bijh`, the query axis** (labml's bug, seeds.md §7.5), and
/// `fixedSoftmax` normalises over the keys instead; out = output(A·v) + x. The declared GroupNorm `norm`
/// is never applied; its weights exist so the state_dict loads.
///
/// Parameters: `norm.{weight, bias}` `[C]` (unused), `projection.*` (C → 3C), `output.*` (C → C).
public final class DDGAttentionBlock: Layer {
    public let channels: Int
    public let fixedSoftmax: Bool
    let norm: GroupNorm
    let projection: Linear, output: Linear
    public var isTraining = true

    public init(_ c: Int, fixedSoftmax: Bool = false, groups: Int = 32, rng: inout ArrozRandom) {
        channels = c
        self.fixedSoftmax = fixedSoftmax
        norm = GroupNorm(groups, c)
        projection = Linear(c, 3 * c, rng: &rng)
        output = Linear(c, c, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("norm", norm)
        visit("projection", projection)
        visit("output", output)
    }

    /// `x` `[N, C, H, W]` → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (N, C, H, W) = x.shape4
        let tokens = x.reshaped([N, C, H * W]).transposed(1, 2)  // [N, L, C]
        let qkv = projection(tokens).chunk(3, axis: 2)  // 3 × [N, L, C]
        let scores = bmm(qkv[0], qkv[1], transB: true) * (1 / Float(C).squareRoot())  // [N, L(i), L(j)]
        let a = scores.softmax(axis: fixedSoftmax ? 2 : 1)  // seed: over i (queries)
        let res = output(bmm(a, qkv[2])) + tokens  // [N, L, C]
        return res.transposed(1, 2).reshaped([N, C, H, W])
    }
}

/// One entry of `down` / `up`: a `DownBlock`/`UpBlock` (`res` + optional `attn`), a `Downsample` (Conv3×3 s2
/// p1) or an `Upsample` (ConvT4×4 s2 p1), each under `i.res`, `i.attn`, `i.conv`.
public final class DDGStage: Layer {
    let res: DDGResidualBlock?
    let attn: DDGAttentionBlock?
    let down: Conv2d?
    let up: ConvTranspose2d?
    public var isTraining = true

    init(res: DDGResidualBlock, attn: DDGAttentionBlock?) {
        (self.res, self.attn, down, up) = (res, attn, nil, nil)
    }

    init(downsample c: Int, rng: inout ArrozRandom) {
        (res, attn, up) = (nil, nil, nil)
        down = Conv2d(c, c, kernelSize: 3, stride: 2, padding: 1, rng: &rng)
    }

    init(upsample c: Int, rng: inout ArrozRandom) {
        (res, attn, down) = (nil, nil, nil)
        up = ConvTranspose2d(c, c, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
    }

    var isUpsample: Bool { up != nil }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        if let res { visit("res", res) }
        if let attn { visit("attn", attn) }
        if let down { visit("conv", down) }
        if let up { visit("conv", up) }
    }

    /// `x` `[N, C, H, W]`, `cond` `[N, n_cond]` → the block's output.
    func callAsFunction(_ x: Tensor, cond: Tensor) -> Tensor {
        if let res {
            let h = res(x, cond: cond)
            return attn?(h) ?? h
        }
        if let down { return down(x) }
        guard let up else { preconditionFailure("DDGStage: empty") }
        return up(x)
    }
}

/// `MiddleBlock(C, n_cond)`: res1, attn, res2. Parameters: `res1.*`, `attn.*`, `res2.*`.
public final class DDGMiddleBlock: Layer {
    let res1: DDGResidualBlock, attn: DDGAttentionBlock, res2: DDGResidualBlock
    public var isTraining = true

    init(_ c: Int, cond: Int, fixedSoftmax: Bool, groups: Int, rng: inout ArrozRandom) {
        res1 = DDGResidualBlock(c, c, cond: cond, groups: groups, rng: &rng)
        attn = DDGAttentionBlock(c, fixedSoftmax: fixedSoftmax, groups: groups, rng: &rng)
        res2 = DDGResidualBlock(c, c, cond: cond, groups: groups, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("res1", res1)
        visit("attn", attn)
        visit("res2", res2)
    }

    func callAsFunction(_ x: Tensor, cond: Tensor) -> Tensor { res2(attn(res1(x, cond: cond)), cond: cond) }
}

/// The half both networks share: `image_proj`, the down path and the middle, pushing every output (the
/// projection's included) onto the skip stack.
struct DDGEncoder {
    let imageProj: Conv2d
    let down: [DDGStage]
    let middle: DDGMiddleBlock
    /// Channels at the bottom.
    let width: Int

    init(_ c: DDGConfig, cond: Int, rng: inout ArrozRandom) {
        imageProj = Conv2d(c.imageChannels, c.nChannels, kernelSize: 3, padding: 1, rng: &rng)
        var stages: [DDGStage] = []
        var cin = c.nChannels, cout = cin
        for (i, m) in c.chMults.enumerated() {
            cout = cin * m
            for _ in 0..<c.nBlocks {
                let res = DDGResidualBlock(cin, cout, cond: cond, groups: c.nGroups, rng: &rng)
                let attn =
                    c.isAttn[i] != 0
                    ? DDGAttentionBlock(
                        cout, fixedSoftmax: c.fixAttentionSoftmax, groups: c.nGroups, rng: &rng) : nil
                stages.append(DDGStage(res: res, attn: attn))
                cin = cout
            }
            if i < c.chMults.count - 1 { stages.append(DDGStage(downsample: cin, rng: &rng)) }
        }
        down = stages
        middle = DDGMiddleBlock(
            cout, cond: cond, fixedSoftmax: c.fixAttentionSoftmax, groups: c.nGroups, rng: &rng)
        width = cout
    }

    /// `x` `[N, image_channels, H, W]` → the middle's output and the skip stack (image_proj first).
    func callAsFunction(_ x: Tensor, cond: Tensor) -> (Tensor, [Tensor]) {
        var h = imageProj(x)
        var skips = [h]
        for s in down {
            h = s(h, cond: cond)
            skips.append(h)
        }
        return (middle(h, cond: cond), skips)
    }
}
