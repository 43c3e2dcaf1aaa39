// DDGUNet and DDGDiscriminator: cclddg's generator and conditional discriminator (johnowhitaker/cclddg
// `cclddg/core.py`, classes `UNet` and `Discriminator`), under their state_dict names.
import ArrozNN
import ArrozTensor

/// cclddg `UNet` (seeds.md §3.1): predicts x̂₀ from (x_t, t, c, z). The conditioning vector is
/// concat(time_emb(t) [4n], cloob_emb(c) [n_cloob], z_emb(z) [n_z]) (the last two when `use_cloob`/`use_z`),
/// added as a per-channel bias in every ResidualBlock.
///
/// State_dict (seed order): `image_proj.*`, `time_emb.lin{1,2}.*`, `cloob_emb.lin{1,2}.*`, `z_emb.lin{1,2}.*`,
/// `down.i.{res,attn,conv}.*`, `middle.{res1,attn,res2}.*`, `up.i.{res,attn,conv}.*`, `norm.*` (GroupNorm(8, n)),
/// `final.*`.
public final class DDGUNet: Layer {
    public let config: DDGConfig
    let encoder: DDGEncoder
    let timeEmb: DDGMLPEmbedding, cloobEmb: DDGMLPEmbedding, zEmb: DDGMLPEmbedding
    let up: [DDGStage]
    let norm: GroupNorm
    let final: Conv2d
    public var isTraining = true

    /// Width of the conditioning vector every ResidualBlock reads.
    public var condChannels: Int {
        config.timeChannels + (config.useCloob ? config.nCloobChannels : 0)
            + (config.useZ ? config.nZChannels : 0)
    }

    /// Builds with PyTorch's default initialisation (the seed sets none of its own). `config` must validate.
    public init(_ config: DDGConfig, rng: inout ArrozRandom) {
        self.config = config
        let c = config, nT = c.timeChannels
        timeEmb = DDGMLPEmbedding(nT / 4, nT, rng: &rng)
        cloobEmb = DDGMLPEmbedding(c.cloobDim, c.nCloobChannels, rng: &rng)
        zEmb = DDGMLPEmbedding(c.zDim, c.nZChannels, rng: &rng)
        let cond = nT + (c.useCloob ? c.nCloobChannels : 0) + (c.useZ ? c.nZChannels : 0)
        encoder = DDGEncoder(c, cond: cond, rng: &rng)
        var stages: [DDGStage] = []
        var cin = encoder.width
        for i in c.chMults.indices.reversed() {
            var cout = cin
            let attn = c.isAttn[i] != 0
            for _ in 0..<c.nBlocks {
                stages.append(
                    DDGStage(
                        res: DDGResidualBlock(cin + cout, cout, cond: cond, groups: c.nGroups, rng: &rng),
                        attn: attn
                            ? DDGAttentionBlock(
                                cout, fixedSoftmax: c.fixAttentionSoftmax, groups: c.nGroups, rng: &rng) : nil
                    ))
            }
            cout = cin / c.chMults[i]
            stages.append(
                DDGStage(
                    res: DDGResidualBlock(cin + cout, cout, cond: cond, groups: c.nGroups, rng: &rng),
                    attn: attn
                        ? DDGAttentionBlock(
                            cout, fixedSoftmax: c.fixAttentionSoftmax, groups: c.nGroups, rng: &rng)
                        : nil
                ))
            cin = cout
            if i > 0 { stages.append(DDGStage(upsample: cin, rng: &rng)) }
        }
        up = stages
        norm = GroupNorm(8, c.nChannels)
        final = Conv2d(cin, c.imageChannels, kernelSize: 3, padding: 1, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("image_proj", encoder.imageProj)
        visit("time_emb", timeEmb)
        visit("cloob_emb", cloobEmb)
        visit("z_emb", zEmb)
        for (i, s) in encoder.down.enumerated() { visit("down.\(i)", s) }
        visit("middle", encoder.middle)
        for (i, s) in up.enumerated() { visit("up.\(i)", s) }
        visit("norm", norm)
        visit("final", final)
    }

    /// The conditioning vector: `t` `[N]` (integer steps as floats), `c` `[N, cloob_dim]`, `z` `[N, z_dim]`;
    /// nil `c`/`z` are zeros, as upstream → `[N, condChannels]`.
    public func conditioning(t: Tensor, c: Tensor?, z: Tensor?) -> Tensor {
        let N = t.count, cfg = config
        var parts = [
            timeEmb(DDGMLPEmbedding.timeSinusoid(t, width: cfg.nChannels, denomFactor: cfg.denomFactor))
        ]
        if cfg.useCloob {
            let cv = c ?? Tensor.zeros([N, cfg.cloobDim])
            precondition(
                cv.shape == [N, cfg.cloobDim], "cclddg.UNet: c \(cv.shape), want [\(N), \(cfg.cloobDim)]")
            parts.append(cloobEmb(cv))
        }
        if cfg.useZ {
            let zv = z ?? Tensor.zeros([N, cfg.zDim])
            precondition(zv.shape == [N, cfg.zDim], "cclddg.UNet: z \(zv.shape), want [\(N), \(cfg.zDim)]")
            parts.append(zEmb(zv))
        }
        return concat(parts, axis: 1)
    }

    /// `forward(x, t, c, z)`: `x` `[N, image_channels, H, W]` (H, W multiples of `config.sizeMultiple`),
    /// `t` `[N]`, `c` `[N, cloob_dim]` or nil, `z` `[N, z_dim]` or nil → x̂₀ `[N, image_channels, H, W]`.
    public func callAsFunction(_ x: Tensor, t: Tensor, c: Tensor? = nil, z: Tensor? = nil) -> Tensor {
        precondition(
            x.rank == 4 && x.shape[1] == config.imageChannels && t.count == x.shape[0]
                && x.shape[2] % config.sizeMultiple == 0 && x.shape[3] % config.sizeMultiple == 0,
            "cclddg.UNet: x \(x.shape), t \(t.shape)")
        let cond = conditioning(t: t, c: c, z: z)
        var (h, skips) = encoder(x, cond: cond)
        for s in up {
            if s.isUpsample {
                h = s(h, cond: cond)
            } else {
                h = s(concat([h, skips.removeLast()], axis: 1), cond: cond)
            }
        }
        return final(norm.normalizedSiLU(h))
    }
}

/// cclddg `Discriminator` (seeds.md §3.1): the UNet's image_proj, down path and middle on x_t ⊕ x_{t−1}
/// (image_channels = 2× the latent's), conditioned on concat(time_emb(t), cloob_emb(c)) (no z), then
/// `head` = AdaptiveAvgPool(1), Flatten, Linear(C → 1), Sigmoid.
///
/// State_dict: `image_proj.*`, `time_emb.*`, `cloob_emb.*`, `down.*`, `middle.*`, `head.2.*`.
public final class DDGDiscriminator: Layer {
    public let config: DDGConfig
    let encoder: DDGEncoder
    let timeEmb: DDGMLPEmbedding, cloobEmb: DDGMLPEmbedding
    let head: Linear
    public var isTraining = true

    public init(_ config: DDGConfig, rng: inout ArrozRandom) {
        self.config = config
        let c = config, nT = c.timeChannels
        timeEmb = DDGMLPEmbedding(nT / 4, nT, rng: &rng)
        cloobEmb = DDGMLPEmbedding(c.cloobDim, c.nCloobChannels, rng: &rng)
        encoder = DDGEncoder(c, cond: nT + (c.useCloob ? c.nCloobChannels : 0), rng: &rng)
        head = Linear(encoder.width, 1, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("image_proj", encoder.imageProj)
        visit("time_emb", timeEmb)
        visit("cloob_emb", cloobEmb)
        for (i, s) in encoder.down.enumerated() { visit("down.\(i)", s) }
        visit("middle", encoder.middle)
        visit("head.2", head)
    }

    /// The head's input to the Sigmoid: `x` `[N, image_channels, H, W]`, `t` `[N]`, `c` `[N, cloob_dim]` or nil
    /// (zeros) → `[N, 1]`. Use with `bceWithLogits` when the seed's exact probability clamp does not matter.
    public func logits(_ x: Tensor, t: Tensor, c: Tensor? = nil) -> Tensor {
        let N = x.shape[0], cfg = config
        precondition(
            x.rank == 4 && x.shape[1] == cfg.imageChannels && t.count == N
                && x.shape[2] % cfg.sizeMultiple == 0 && x.shape[3] % cfg.sizeMultiple == 0,
            "cclddg.Discriminator: x \(x.shape), t \(t.shape)")
        var cond = timeEmb(
            DDGMLPEmbedding.timeSinusoid(t, width: cfg.nChannels, denomFactor: cfg.denomFactor))
        if cfg.useCloob {
            let cv = c ?? Tensor.zeros([N, cfg.cloobDim])
            precondition(cv.shape == [N, cfg.cloobDim], "cclddg.Discriminator: c \(cv.shape)")
            cond = concat([cond, cloobEmb(cv)], axis: 1)
        }
        let (h, _) = encoder(x, cond: cond)
        return head(h.mean(axes: [2, 3]))  // [N, 1]
    }

    /// `forward(x, t, c)` → D's probability that (x_t, x_{t−1}) is real, `[N, 1]`.
    public func callAsFunction(_ x: Tensor, t: Tensor, c: Tensor? = nil) -> Tensor {
        logits(x, t: t, c: c).sigmoid()
    }
}
