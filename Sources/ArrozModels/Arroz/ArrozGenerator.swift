// ArrozGenerator: Arroz Con Cosas `DiffusionModel` v1 (seeds.md §1.1) for any input channel count.
import ArrozNN
import ArrozTensor
import Foundation

/// The Arroz generator: ε-prediction from (x_t, r = t, conditioning embedding c).
///
/// s = concat(c, r-embedding); `embedding` Conv1×1; down levels (level L > 0 starts with Conv4×4 s2 p1 at
/// `down_blocks.L.0`); up levels deep to shallow, each ending with ConvT4×4 s2 p1 except the last (v1 order),
/// the first ResBlock of up level i > 0 taking the down output at that resolution as a skip; `clf` Conv1×1.
/// Parameter names: `embedding.*`, `down_blocks.L.i.*`, `up_blocks.L.i.*`, `clf.*`.
///
/// With `config.v5` (the seed's `modules_attn.DiffusionModel`): up level i > 0 *starts* with its ConvT at
/// `up_blocks.i.0` and the skip enters the ResBlock after it; listed blocks use ``ArrozAttention2D``; one head
/// `clf.i` (Conv1×1 → C) per up level, each resized bilinearly (align_corners = False) to the output size,
/// summed.
public final class ArrozGenerator: Layer {
    public let config: ArrozConfig
    let embedding: Conv2d
    let downBlocks: [[Block]]
    let upBlocks: [[Block]]
    let clf: [Conv2d]
    public var isTraining = true

    enum Block {
        case res(ArrozResBlock)
        case down(Conv2d)
        case up(ConvTranspose2d)
    }

    public init(_ config: ArrozConfig, rng: inout ArrozRandom) {
        self.config = config
        let ch = config.levelChannels
        let cCond = config.conditionDimension + config.rEmbedding
        let v5 = config.v5
        embedding = Conv2d(config.inChannels, ch[0], kernelSize: 1, rng: &rng)
        let downScale = (1 / Float(config.downLevels.reduce(0, +))).squareRoot()
        let upScale = (1 / Float(config.upLevels.reduce(0, +))).squareRoot()
        var d: [[Block]] = []
        for (i, n) in config.downLevels.enumerated() {
            var level: [Block] = []
            if i > 0 { level.append(.down(Conv2d(ch[i - 1], ch[i], kernelSize: 4, stride: 2, padding: 1, rng: &rng))) }
            for j in 0..<n {
                let heads = (v5?.downAttention[i].contains(j) ?? false) ? v5?.heads : nil
                level.append(.res(ArrozResBlock(ch[i], hiddenRatio: config.mlpRatio, cond: cCond, scaler: downScale,
                                                attentionHeads: heads, rng: &rng)))
            }
            d.append(level)
        }
        downBlocks = d
        var u: [[Block]] = []
        let L = ch.count
        for (i, n) in config.upLevels.enumerated() {
            let c = ch[L - 1 - i]
            var level: [Block] = []
            if v5 != nil && i > 0 {
                level.append(.up(ConvTranspose2d(ch[L - i], c, kernelSize: 4, stride: 2, padding: 1, rng: &rng)))
            }
            for j in 0..<n {
                let skip = (j == 0 && i > 0) ? c : 0
                let heads = (v5?.upAttention[i].contains(j) ?? false) ? v5?.heads : nil
                level.append(.res(ArrozResBlock(c, hiddenRatio: config.mlpRatio, cond: cCond, skip: skip,
                                                scaler: upScale, attentionHeads: heads, rng: &rng)))
            }
            if v5 == nil && i < L - 1 {
                level.append(.up(ConvTranspose2d(c, ch[L - 2 - i], kernelSize: 4, stride: 2, padding: 1, rng: &rng)))
            }
            u.append(level)
        }
        upBlocks = u
        if v5 != nil {
            clf = (0..<L).map { i in Conv2d(ch[L - 1 - i], config.inChannels, kernelSize: 1, rng: &rng) }
        } else {
            clf = [Conv2d(ch[0], config.inChannels, kernelSize: 1, rng: &rng)]
        }
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        ArrozNN.visit(embedding, "embedding", visit)
        func level(_ blocks: [Block], _ name: String) {
            for (i, b) in blocks.enumerated() {
                switch b {
                case .res(let r): ArrozNN.visit(r, "\(name).\(i)", visit)
                case .down(let c): ArrozNN.visit(c, "\(name).\(i)", visit)
                case .up(let c): ArrozNN.visit(c, "\(name).\(i)", visit)
                }
            }
        }
        for (l, blocks) in downBlocks.enumerated() { level(blocks, "down_blocks.\(l)") }
        for (l, blocks) in upBlocks.enumerated() { level(blocks, "up_blocks.\(l)") }
        if config.v5 == nil {
            ArrozNN.visit(clf[0], "clf", visit)
        } else {
            for (i, c) in clf.enumerated() { ArrozNN.visit(c, "clf.\(i)", visit) }
        }
    }

    /// The r-embedding (seeds.md §0.2): [sin(10000·r·ω_k), cos(10000·r·ω_k)], ω_k = exp(−k·ln(10000)/(h−1)),
    /// in the seed's float order (`gen_r_embedding`): (r·10000)·exp(k·(−ln(10000)/(h−1))).
    public static func rEmbedding(_ r: Tensor, width: Int) -> Tensor {
        let h = width / 2, N = r.count
        let step = Float(-(log(10_000.0) / Double(h - 1)))
        let w = (0..<h).map { Foundation.exp(Float($0) * step) }
        let a = (r.reshaped([N, 1]) * 10_000) * Tensor(w, shape: [1, h])        // [N, h]
        return concat([a.sin(), a.cos()], axis: 1)                              // [N, c_r]
    }

    /// `x` `[N, C, S, S]`, `r` `[N]` in [0, 1], `c` `[N, Dc]` (zeros = unconditional) → ε̂ `[N, C, S, S]`.
    public func callAsFunction(_ x: Tensor, r: Tensor, c: Tensor) -> Tensor {
        let N = x.shape[0]
        precondition(c.shape == [N, config.conditionDimension],
                     "ArrozGenerator: condition \(c.shape), expected [\(N), \(config.conditionDimension)]")
        let s = concat([c, Self.rEmbedding(r, width: config.rEmbedding)], axis: 1)   // [N, Dc + c_r]
        var h = embedding(x)                                                    // [N, c0, S, S]
        var levelOutputs: [Tensor] = []
        for blocks in downBlocks {
            for b in blocks {
                switch b {
                case .res(let r): h = r(h, s: s)
                case .down(let conv): h = conv(h)                               // [N, c_{i}, S/2, S/2]
                case .up: preconditionFailure("ArrozGenerator: up block in the down path")
                }
            }
            levelOutputs.insert(h, at: 0)
        }
        h = levelOutputs[0]
        let skipAt = config.v5 == nil ? 0 : 1                                   // block index taking the skip
        var heads: [Tensor] = []
        for (i, blocks) in upBlocks.enumerated() {
            for (j, b) in blocks.enumerated() {
                switch b {
                case .res(let r): h = r(h, s: s, skip: (j == skipAt && i > 0) ? levelOutputs[i] : nil)
                case .up(let conv): h = conv(h)                                 // [N, c_{i+1}, 2s, 2s]
                case .down: preconditionFailure("ArrozGenerator: down block in the up path")
                }
            }
            if config.v5 != nil { heads.append(clf[i](h)) }                     // [N, C, s_i, s_i]
        }
        guard config.v5 != nil else { return clf[0](h) }                        // [N, C, S, S]
        let size = (heads[heads.count - 1].shape[2], heads[heads.count - 1].shape[3])
        var out = upsampleBilinear(heads[0], size: size)
        for o in heads.dropFirst() { out = out + upsampleBilinear(o, size: size) }
        return out                                                              // [N, C, S, S]
    }
}
