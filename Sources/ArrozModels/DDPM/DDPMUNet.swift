// DDPMUNet: the standard DDPM U-Net of shared/bench/unet_ref.py — a family users expect and our speed yardstick.
import ArrozNN
import ArrozTensor
import Foundation

/// `UNet` of unet_ref.py with `cond="add"` (or no conditioning), parameters under its state_dict names:
/// `temb.0.*`, `temb.2.*`, `cproj.*`, `conv_in.*`, `down.K.0/1.*`, `mid1.*`, `mid_attn.*`, `mid2.*`, `up.K.*`,
/// `out.0.*` (GroupNorm), `out.2.*` (conv). Predicts ε from (x, t, cond).
public final class DDPMUNet: Layer {
    public let config: DDPMUNetConfig
    let tembIn: Linear, tembOut: Linear
    let cproj: Linear?
    let convIn: Conv2d
    let down: [Block]
    let mid1: DDPMResBlock, midAttn: DDPMAttention, mid2: DDPMResBlock
    let up: [Block]
    let outNorm: GroupNorm, outConv: Conv2d
    public var isTraining = true

    /// One entry of `self.down` / `self.up`: a ResBlock (+ attention), a strided conv, or nearest-upsample + conv.
    enum Block {
        case res(DDPMResBlock, DDPMAttention?)
        case downsample(Conv2d)
        case upsample(Conv2d)
    }

    public init(_ config: DDPMUNetConfig, rng: inout ArrozRandom) {
        self.config = config
        let ch = config.channels, temb = 4 * ch, g = config.groups
        tembIn = Linear(ch, temb, rng: &rng)
        tembOut = Linear(temb, temb, rng: &rng)
        cproj = config.conditioning == "add" ? Linear(config.condDim, temb, rng: &rng) : nil
        convIn = Conv2d(config.inChannels, ch, kernelSize: 3, padding: 1, rng: &rng)
        var skips = [ch]
        var cur = ch
        let nlev = config.mults.count
        var d: [Block] = []
        for (i, m) in config.mults.enumerated() {
            for _ in 0..<config.resBlocks {
                let r = DDPMResBlock(cur, ch * m, temb: temb, groups: g, rng: &rng)
                cur = ch * m
                d.append(.res(r, i == nlev - 1 ? DDPMAttention(cur, heads: config.heads, groups: g, rng: &rng) : nil))
                skips.append(cur)
            }
            if i != nlev - 1 {
                d.append(.downsample(Conv2d(cur, cur, kernelSize: 3, stride: 2, padding: 1, rng: &rng)))
                skips.append(cur)
            }
        }
        down = d
        mid1 = DDPMResBlock(cur, cur, temb: temb, groups: g, rng: &rng)
        midAttn = DDPMAttention(cur, heads: config.heads, groups: g, rng: &rng)
        mid2 = DDPMResBlock(cur, cur, temb: temb, groups: g, rng: &rng)
        var u: [Block] = []
        for (i, m) in config.mults.enumerated().reversed() {
            for _ in 0...config.resBlocks {
                let r = DDPMResBlock(cur + skips.removeLast(), ch * m, temb: temb, groups: g, rng: &rng)
                cur = ch * m
                u.append(.res(r, i == nlev - 1 ? DDPMAttention(cur, heads: config.heads, groups: g, rng: &rng) : nil))
            }
            if i != 0 { u.append(.upsample(Conv2d(cur, cur, kernelSize: 3, padding: 1, rng: &rng))) }
        }
        up = u
        outNorm = GroupNorm(g, cur)
        outConv = Conv2d(cur, config.inChannels, kernelSize: 3, padding: 1, rng: &rng)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        ArrozNN.visit(tembIn, "temb.0", visit)
        ArrozNN.visit(tembOut, "temb.2", visit)
        ArrozNN.visit(cproj, "cproj", visit)
        ArrozNN.visit(convIn, "conv_in", visit)
        func blocks(_ list: [Block], _ name: String) {
            for (k, b) in list.enumerated() {
                switch b {
                case .res(let r, let a):
                    ArrozNN.visit(r, "\(name).\(k).0", visit)
                    ArrozNN.visit(a, "\(name).\(k).1", visit)
                case .downsample(let c): ArrozNN.visit(c, "\(name).\(k).0", visit)
                case .upsample(let c): ArrozNN.visit(c, "\(name).\(k).1", visit)
                }
            }
        }
        blocks(down, "down")
        ArrozNN.visit(mid1, "mid1", visit)
        ArrozNN.visit(midAttn, "mid_attn", visit)
        ArrozNN.visit(mid2, "mid2", visit)
        blocks(up, "up")
        ArrozNN.visit(outNorm, "out.0", visit)
        ArrozNN.visit(outConv, "out.2", visit)
    }

    /// unet_ref `sinusoidal(t, dim)`: [sin(t·f), cos(t·f)], f_k = exp(−ln(10000)·k/half).
    public static func sinusoidal(_ t: Tensor, dim: Int) -> Tensor {
        let half = dim / 2, N = t.count
        let f = (0..<half).map { exp(-log(10_000) * Float($0) / Float(half)) }
        let a = t.reshaped([N, 1]) * Tensor(f, shape: [1, half])           // [N, half]
        return concat([a.sin(), a.cos()], axis: 1)                          // [N, dim]
    }

    private func apply(_ b: Block, _ h: Tensor, _ embSilu: Tensor) -> Tensor {
        switch b {
        case .res(let r, let a):
            let y = r(h, embSilu: embSilu)
            return a?(y) ?? y
        case .downsample(let c): return c(h)
        case .upsample(let c): return c(upsampleNearest(h, scale: 2))
        }
    }

    /// `x` `[N, C, H, W]`, `t` `[N]` timesteps, `cond` `[N, condDim]` (nil or zeros = unconditional) → ε̂.
    public func callAsFunction(_ x: Tensor, t: Tensor, cond: Tensor?) -> Tensor {
        let N = x.shape[0]
        var emb = tembOut(tembIn(Self.sinusoidal(t, dim: config.channels)).silu())  // [N, 4ch]
        if let cproj {
            emb = emb + cproj(cond ?? Tensor.zeros([N, config.condDim]))
        }
        let embSilu = emb.silu()
        var h = convIn(x)                                                     // [N, ch, H, W]
        var hs = [h]
        for b in down {
            h = apply(b, h, embSilu)
            hs.append(h)
        }
        h = midAttn(mid1(h, embSilu: embSilu))
        h = mid2(h, embSilu: embSilu)
        for b in up {
            if case .res = b { h = concat([h, hs.removeLast()], axis: 1) }
            h = apply(b, h, embSilu)
        }
        return outConv(outNorm.normalizedSiLU(h))                             // [N, C, H, W]
    }
}
