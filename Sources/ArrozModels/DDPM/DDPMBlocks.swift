// DDPMBlocks: unet_ref.py's ResBlock (GroupNorm + SiLU + conv3x3, time embedding added) and its self-attention.
import ArrozNN
import ArrozTensor
import Foundation

/// `ResBlock(cin, cout, temb)` of unet_ref.py.
///
/// h = c1(silu(n1(x))) + t(silu(emb))[:, :, None, None];  h = c2(silu(n2(h)));  out = skip(x) + h.
/// Parameters: `n1.*`, `c1.*`, `t.*`, `n2.*`, `c2.*`, `skip.*` (1×1 conv when cin ≠ cout).
public final class DDPMResBlock: Layer {
    let n1: GroupNorm, c1: Conv2d, t: Linear, n2: GroupNorm, c2: Conv2d
    let skip: Conv2d?
    public var isTraining = true

    public init(_ cin: Int, _ cout: Int, temb: Int, groups: Int, rng: inout ArrozRandom) {
        n1 = GroupNorm(groups, cin)
        c1 = Conv2d(cin, cout, kernelSize: 3, padding: 1, rng: &rng)
        t = Linear(temb, cout, rng: &rng)
        n2 = GroupNorm(groups, cout)
        c2 = Conv2d(cout, cout, kernelSize: 3, padding: 1, rng: &rng)
        skip = cin == cout ? nil : Conv2d(cin, cout, kernelSize: 1, rng: &rng)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        ArrozNN.visit(n1, "n1", visit)
        ArrozNN.visit(c1, "c1", visit)
        ArrozNN.visit(t, "t", visit)
        ArrozNN.visit(n2, "n2", visit)
        ArrozNN.visit(c2, "c2", visit)
        ArrozNN.visit(skip, "skip", visit)
    }

    /// `x` `[N, cin, H, W]`, `embSilu` = silu(emb) `[N, temb]` → `[N, cout, H, W]`.
    public func callAsFunction(_ x: Tensor, embSilu: Tensor) -> Tensor {
        let N = x.shape[0]
        var h = c1(n1.normalizedSiLU(x))                                 // [N, cout, H, W]
        h = h + t(embSilu).reshaped([N, -1, 1, 1])                       // time embedding, broadcast
        h = c2(n2.normalizedSiLU(h))                                     // [N, cout, H, W]
        return (skip?(x) ?? x) + h
    }
}

/// `Attention(ch, heads)` of unet_ref.py: multi-head self-attention over the H·W tokens with explicit matmuls.
///
/// t = norm(x) as tokens; q = q(t); k, v = kv(t).chunk(2); a = softmax(q·kᵀ/√d)·v; out = x + proj(a).
/// Parameters: `norm.*`, `q.*`, `kv.*`, `proj.*`.
public final class DDPMAttention: Layer {
    let heads: Int
    let norm: GroupNorm, q: Linear, kv: Linear, proj: Linear
    public var isTraining = true

    public init(_ ch: Int, heads: Int, groups: Int, rng: inout ArrozRandom) {
        self.heads = heads
        norm = GroupNorm(groups, ch)
        q = Linear(ch, ch, rng: &rng)
        kv = Linear(ch, 2 * ch, rng: &rng)
        proj = Linear(ch, ch, rng: &rng)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        ArrozNN.visit(norm, "norm", visit)
        ArrozNN.visit(q, "q", visit)
        ArrozNN.visit(kv, "kv", visit)
        ArrozNN.visit(proj, "proj", visit)
    }

    /// `x` `[N, C, H, W]` → `[N, C, H, W]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (N, C, H, W) = x.shape4
        let L = H * W, d = C / heads
        let t = norm(x).reshaped([N, C, L]).transposed(1, 2)                 // [N, L, C]
        let kvt = kv(t).chunk(2, axis: -1)                                   // 2 × [N, L, C]
        func split(_ z: Tensor) -> Tensor { z.reshaped([N, L, heads, d]).transposed(1, 2) }  // [N, h, L, d]
        let (qh, kh, vh) = (split(q(t)), split(kvt[0]), split(kvt[1]))
        // softmax(q·kᵀ/√d)·v, fused (the reference writes the two matmuls out; same maths)
        let a = scaledDotProductAttention(qh, kh, vh).transposed(1, 2).reshaped([N, L, C])  // [N, L, C]
        return x + proj(a).transposed(1, 2).reshaped([N, C, H, W])
    }
}
