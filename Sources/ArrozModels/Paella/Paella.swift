// Paella: Paella v3's token denoiser (dome272/Paella `src/modules.py`, class `Paella`), under its state_dict
// names: token embedding → PixelUnshuffle → C/T/A levels down and up with skips → PixelShuffle → logits.
import ArrozNN
import ArrozTensor
import Foundation

/// Paella v3 (seeds.md §2.2). Predicts per-token logits over the codebook from noised tokens, the noise level
/// t ∈ [0, 1] (1 = all noise) and a conditioning sequence built from three inputs: per-token text states (the
/// seed's ByT5 slot), a pooled text embedding and an optional image embedding (the seed's CLIP-H slots).
///
/// State_dict: `byt5_mapper.*`, `clip_mapper.*`, `clip_image_mapper.*`, `in_mapper.0.weight`,
/// `embedding.1.*`, `down_blocks.L.i.*` (a level > 0 starts with its downsampler at index 0, `….0.1.*`),
/// `up_blocks.L.i.*` (deepest level first; a level > 0 ends with its upsampler `….last.1.*`), `clf.1.*`,
/// `out_mapper.1.weight`.
public final class Paella: Layer {
    public let config: PaellaConfig

    /// One entry of a level's flat `nn.ModuleList`.
    enum Block {
        case c(PaellaResBlock)
        case t(PaellaTimestepBlock)
        case a(PaellaAttnBlock)
        case f(PaellaFeedForwardBlock)
        case resample(PaellaResample)

        var layer: any Layer {
            switch self {
            case .c(let b): b
            case .t(let b): b
            case .a(let b): b
            case .f(let b): b
            case .resample(let b): b
            }
        }
    }

    let byt5Mapper: Linear, clipMapper: Linear, clipImageMapper: Linear
    let inMapper: Embedding
    let embeddingConv: Conv2d
    let downBlocks: [[Block]]
    let upBlocks: [[Block]]
    let clfConv: Conv2d
    let outMapper: Conv2d
    public var isTraining = true

    /// Builds with the upstream initialisation (seeds.md §2.2 "Initialisation"). `config` must validate.
    public init(_ config: PaellaConfig, rng: inout ArrozRandom) {
        self.config = config
        let c = config, ch = c.cHidden, p = c.patchSize
        var xavier: [Tensor] = []  // every Conv2d / Linear weight `_init_weights` sets (biases go to 0)
        var biases: [Tensor?] = []
        func track(_ l: Linear) { xavier.append(l.weight); biases.append(l.bias) }
        func track(_ l: Conv2d) { xavier.append(l.weight); biases.append(l.bias) }

        byt5Mapper = Linear(c.byt5Embd, c.cCond, rng: &rng)
        clipMapper = Linear(c.clipEmbd, c.cCond * c.clipSeqLen, rng: &rng)
        clipImageMapper = Linear(c.clipEmbd, c.cCond * c.clipSeqLen, rng: &rng)
        inMapper = Embedding(c.numLabels, c.cIn, rng: &rng)
        embeddingConv = Conv2d(c.cIn * p * p, ch[0], kernelSize: 1, rng: &rng)
        var lastLinears: [Linear] = []
        var timestepWeights: [Tensor] = []

        func block(_ letter: Character, level i: Int, skip: Int) -> Block {
            let drop = Float(c.dropout[i])
            switch letter {
            case "C":
                let b = PaellaResBlock(ch[i], skip: skip, kernelSize: c.kernelSize, dropout: drop, rng: &rng)
                track(b.depthwise)
                b.linears.forEach(track)
                lastLinears.append(b.mlpOut)
                return .c(b)
            case "T":
                let b = PaellaTimestepBlock(ch[i], rEmbedding: c.cR, rng: &rng)
                track(b.mapper)
                timestepWeights.append(b.mapper.weight)
                return .t(b)
            case "A":
                let b = PaellaAttnBlock(
                    ch[i], cond: c.cCond, heads: c.nhead[i], selfAttention: c.selfAttn, dropout: drop,
                    rng: &rng)
                track(b.kvMapper)
                xavier.append(b.attn.outProjWeight)  // out_proj is an nn.Linear: `apply` reaches it
                biases.append(b.attn.outProjBias)
                return .a(b)
            default:
                let b = PaellaFeedForwardBlock(ch[i], dropout: drop, rng: &rng)
                b.linears.forEach(track)
                lastLinears.append(b.mlpOut)
                return .f(b)
            }
        }

        var down: [[Block]] = []
        for i in ch.indices {
            var level: [Block] = []
            if i > 0 {
                let r = PaellaResample(down: ch[i - 1], ch[i], rng: &rng)
                if let conv = r.down { track(conv) }
                level.append(.resample(r))
            }
            for _ in 0..<c.blocks[i] {
                for letter in c.levelConfig[i] { level.append(block(letter, level: i, skip: 0)) }
            }
            down.append(level)
        }
        downBlocks = down
        var up: [[Block]] = []
        for i in ch.indices.reversed() {
            var level: [Block] = []
            for j in 0..<c.blocks[i] {
                for (k, letter) in c.levelConfig[i].enumerated() {
                    let skip = i < ch.count - 1 && j == 0 && k == 0 ? ch[i] : 0
                    level.append(block(letter, level: i, skip: skip))
                }
            }
            if i > 0 { level.append(.resample(PaellaResample(up: ch[i], ch[i - 1], rng: &rng))) }  // default init
            up.append(level)
        }
        upBlocks = up
        clfConv = Conv2d(ch[0], c.cOut * p * p, kernelSize: 1, rng: &rng)
        outMapper = Conv2d(c.cOut, c.numLabels, kernelSize: 1, bias: false, rng: &rng)

        // --- the upstream init, in its order ---
        for (w, b) in zip(
            xavier + [
                byt5Mapper.weight, clipMapper.weight, clipImageMapper.weight, clfConv.weight,
                outMapper.weight,
            ],
            biases + [byt5Mapper.bias, clipMapper.bias, clipImageMapper.bias, clfConv.bias, nil])
        {
            Init.xavierUniform(w, rng: &rng)
            if let b { Init.zeros(b) }
        }
        Init.xavierUniform(embeddingConv.weight, rng: &rng)
        if let b = embeddingConv.bias { Init.zeros(b) }
        Init.normal(byt5Mapper.weight, std: 0.02, rng: &rng)
        Init.normal(clipMapper.weight, std: 0.02, rng: &rng)
        Init.normal(clipImageMapper.weight, std: 0.02, rng: &rng)
        Init.xavierUniform(embeddingConv.weight, gain: 0.02, rng: &rng)
        Init.zeros(clfConv.weight)
        Init.normal(inMapper.weight, std: (1 / Float(c.numLabels)).squareRoot(), rng: &rng)
        if c.cIn == c.cOut { outMapper.weight.assign(inMapper.weight) }  // a copy, not tied
        let scale = (1 / Float(c.blocks.reduce(0, +))).squareRoot()
        for l in lastLinears {
            let w = l.weight.mutableData
            for i in 0..<w.count { w[i] *= scale }
        }
        timestepWeights.forEach(Init.zeros)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("byt5_mapper", byt5Mapper)
        visit("clip_mapper", clipMapper)
        visit("clip_image_mapper", clipImageMapper)
        visit("in_mapper.0", inMapper)
        visit("embedding.1", embeddingConv)
        for (l, level) in downBlocks.enumerated() {
            for (i, b) in level.enumerated() { visit("down_blocks.\(l).\(i)", b.layer) }
        }
        for (l, level) in upBlocks.enumerated() {
            for (i, b) in level.enumerated() { visit("up_blocks.\(l).\(i)", b.layer) }
        }
        visit("clf.1", clfConv)
        visit("out_mapper.1", outMapper)
    }

    /// `gen_r_embedding`: [sin(r·10⁴·ω_k), cos(r·10⁴·ω_k)], ω_k = exp(−k·ln(10⁴)/(h−1)), h = c_r/2, computed in
    /// PyTorch's order ((r·10⁴)·ω in Float32) so large arguments round alike; a zero column pads an odd c_r.
    /// `r` `[N]` → `[N, c_r]`.
    public static func rEmbedding(_ r: Tensor, width: Int) -> Tensor {
        let h = width / 2, N = r.count
        let step = Float(log(10_000.0) / Double(h - 1))
        let w = (0..<h).map { Foundation.exp(Float($0) * -step) }
        let a = (r * 10_000).reshaped([N, 1]) * Tensor(w, shape: [1, h])  // [N, h]
        var e = concat([a.sin(), a.cos()], axis: 1)  // [N, 2h]
        if width % 2 == 1 { e = concat([e, Tensor.zeros([N, 1])], axis: 1) }
        return e
    }

    /// `gen_c_embeddings`: LN(concat(byt5_mapper(byt5), clip_mapper(clip) as clip_seq_len tokens,
    /// clip_image_mapper(clip_image) as clip_seq_len tokens)), LN without affine, eps 1e-6.
    /// `byt5` `[N, S, byt5_embd]`, `clip`/`clipImage` `[N, clip_embd]` or nil → `[N, S (+ 2·clip_seq_len), c_cond]`.
    public func conditioning(byt5: Tensor, clip: Tensor?, clipImage: Tensor?) -> Tensor {
        let c = config
        precondition(
            byt5.rank == 3 && byt5.shape[2] == c.byt5Embd,
            "Paella: byt5 \(byt5.shape), want [N, S, \(c.byt5Embd)]")
        let N = byt5.shape[0]
        var parts = [byt5Mapper(byt5)]  // [N, S, c_cond]
        for (e, m) in [(clip, clipMapper), (clipImage, clipImageMapper)] {
            guard let e else { continue }
            precondition(
                e.shape == [N, c.clipEmbd], "Paella: clip embedding \(e.shape), want [\(N), \(c.clipEmbd)]")
            parts.append(m(e).reshaped([N, c.clipSeqLen, c.cCond]))  // [N, clip_seq_len, c_cond]
        }
        return layerNorm(parts.count == 1 ? parts[0] : concat(parts, axis: 1), eps: 1e-6)
    }

    /// `forward(x, r, byt5, clip, clip_image)`: `x` `[N, H, W]` token indices (floats), `r` `[N]` → logits
    /// `[N, num_labels, H, W]`. H and W must divide by `config.gridMultiple`.
    public func callAsFunction(
        _ x: Tensor, r: Tensor, byt5: Tensor, clip: Tensor? = nil, clipImage: Tensor? = nil
    ) -> Tensor {
        callAsFunction(x, r: r, conditioning: conditioning(byt5: byt5, clip: clip, clipImage: clipImage))
    }

    /// As `forward`, with the conditioning sequence already built (`conditioning(...)`, reusable across the
    /// sampler's steps). `cond` `[N, S', c_cond]`.
    public func callAsFunction(_ x: Tensor, r: Tensor, conditioning cond: Tensor) -> Tensor {
        let c = config
        precondition(
            x.rank == 3 && r.count == x.shape[0], "Paella: x \(x.shape) (want [N, H, W]), r \(r.shape)")
        precondition(
            x.shape[1] % c.gridMultiple == 0 && x.shape[2] % c.gridMultiple == 0,
            "Paella: token grid \(x.shape[1])×\(x.shape[2]) must divide by \(c.gridMultiple)")
        let rEmbed = Self.rEmbedding(r, width: c.cR)  // [N, c_r]
        var h = layerNorm(inMapper(x), eps: 1e-6).permuted([0, 3, 1, 2])  // [N, c_in, H, W]
        h = layerNorm2d(embeddingConv(h.pixelUnshuffle(c.patchSize)), eps: 1e-6)  // [N, c_hidden[0], H/p, W/p]
        var levelOutputs: [Tensor] = []  // deepest first
        for level in downBlocks {
            for b in level { h = apply(b, h, rEmbed, cond, skip: nil) }
            levelOutputs.insert(h, at: 0)
        }
        h = levelOutputs[0]
        for (i, level) in upBlocks.enumerated() {
            for (j, b) in level.enumerated() {
                h = apply(b, h, rEmbed, cond, skip: j == 0 && i > 0 ? levelOutputs[i] : nil)
            }
        }
        h = clfConv(layerNorm2d(h, eps: 1e-6)).pixelShuffle(c.patchSize)  // [N, c_out, H, W]
        return outMapper(layerNorm2d(h, eps: 1e-6))  // [N, num_labels, H, W]
    }

    private func apply(_ b: Block, _ x: Tensor, _ r: Tensor, _ cond: Tensor, skip: Tensor?) -> Tensor {
        switch b {
        case .c(let blk): blk(x, skip: blk.skipChannels > 0 ? skip : nil)
        case .t(let blk): blk(x, r: r)
        case .a(let blk): blk(x, cond: cond)
        case .f(let blk): blk(x)
        case .resample(let blk): blk(x)
        }
    }
}
