// PaellaV1: the Paella paper's `DenoiseUNet` (dome272/Paella root `modules.py`, November 2022), built from the
// Arroz ResBlock it shares, under its state_dict names; its own config and the `paella.DenoiseUNet` seam.
import ArrozNN
import ArrozTensor
import Foundation

/// `DenoiseUNet(num_labels, c_hidden, c_clip, c_r, down_levels, up_levels)`; upstream defaults except
/// `num_labels`, which the class requires (8192 in the paper). JSON keys are the upstream names.
public struct PaellaV1Config: Codable, Hashable, Sendable {
    public var numLabels = 8192
    /// `c_hidden`: the deepest level's width; level i has c_hidden / 2^(L−1−i).
    public var cHidden = 1280
    /// `c_clip`: the text (or image) embedding width.
    public var cClip = 1024
    public var cR = 64
    public var downLevels = [4, 8, 16]
    public var upLevels = [16, 8, 4]

    enum CodingKeys: String, CodingKey {
        case numLabels = "num_labels", cHidden = "c_hidden", cClip = "c_clip", cR = "c_r"
        case downLevels = "down_levels", upLevels = "up_levels"
    }

    public init() {}

    /// seeds.md §6: `DenoiseUNet(num_labels=512, c_hidden=128, c_clip=384 (MiniLM), c_r=16, down_levels=[2,2],
    /// up_levels=[2,2])`.
    public static var small: PaellaV1Config {
        var c = PaellaV1Config()
        c.numLabels = 512
        c.cHidden = 128
        c.cClip = 384
        c.cR = 16
        c.downLevels = [2, 2]
        c.upLevels = [2, 2]
        return c
    }

    /// Widths per level, shallowest first.
    public var levelWidths: [Int] { (0..<downLevels.count).reversed().map { cHidden >> $0 } }

    public func validate() throws {
        func fail(_ s: String) -> ModelConfigError { .invalid("paella v1: \(s)") }
        guard !downLevels.isEmpty, upLevels.count == downLevels.count else {
            throw fail("down_levels and up_levels need the same number of levels")
        }
        guard numLabels > 0, cClip > 0, cR >= 4, cR % 2 == 0 else {
            throw fail("num_labels, c_clip must be positive and c_r even and at least 4")
        }
        guard levelWidths.allSatisfy({ $0 > 0 }), cHidden % (1 << (downLevels.count - 1)) == 0 else {
            throw fail("c_hidden \(cHidden) must divide by 2^(levels−1)")
        }
        guard downLevels.allSatisfy({ $0 > 0 }), upLevels.allSatisfy({ $0 > 0 }) else {
            throw fail("every level needs at least one block")
        }
    }

    public var gridMultiple: Int { 1 << (downLevels.count - 1) }
}

/// Paella v1 `DenoiseUNet` (seeds.md §2.1): token embedding, Arroz ResBlocks conditioned on
/// s = concat(c, r-embedding of γ(r) = cos(rπ/2)) — so r = 0 is all noise —, Conv4×4 s2 down, ConvT4×4 s2 up,
/// skips into the first up block of each level above the deepest, `clf` 1×1 → logits.
///
/// State_dict: `embedding.weight`, `down_blocks.L.i.*` (a level > 0 starts with its conv at index 0),
/// `up_blocks.L.i.*` (deepest first; the ConvT last), `clf.*`; ResBlock keys as Arroz's (`gamma`,
/// `depthwise.1.*`, `ln.{gamma,beta,ln.*}`, `channelwise.{0,2}.*`, `cond_mapper.*`).
public final class PaellaV1: Layer {
    public let config: PaellaV1Config

    enum Block {
        case res(ArrozResBlock)
        case down(Conv2d)
        case up(ConvTranspose2d)

        var layer: any Layer {
            switch self {
            case .res(let b): b
            case .down(let b): b
            case .up(let b): b
            }
        }
    }

    let embedding: Embedding
    let downBlocks: [[Block]]
    let upBlocks: [[Block]]
    let clf: Conv2d
    public var isTraining = true

    public init(_ config: PaellaV1Config, rng: inout ArrozRandom) {
        self.config = config
        let cl = config.levelWidths, L = cl.count, cond = config.cClip + config.cR
        embedding = Embedding(config.numLabels, cl[0], rng: &rng)
        let downScale = (1 / Float(config.downLevels.reduce(0, +))).squareRoot()
        let upScale = (1 / Float(config.upLevels.reduce(0, +))).squareRoot()
        var d: [[Block]] = []
        for (i, n) in config.downLevels.enumerated() {
            var level: [Block] = []
            if i > 0 {
                level.append(.down(Conv2d(cl[i - 1], cl[i], kernelSize: 4, stride: 2, padding: 1, rng: &rng)))
            }
            for _ in 0..<n {
                level.append(
                    .res(ArrozResBlock(cl[i], hiddenRatio: 4, cond: cond, scaler: downScale, rng: &rng)))
            }
            d.append(level)
        }
        downBlocks = d
        var u: [[Block]] = []
        for (i, n) in config.upLevels.enumerated() {
            let c = cl[L - 1 - i]
            var level: [Block] = []
            for j in 0..<n {
                let skip = j == 0 && i > 0 ? c : 0
                level.append(
                    .res(ArrozResBlock(c, hiddenRatio: 4, cond: cond, skip: skip, scaler: upScale, rng: &rng))
                )
            }
            if i < L - 1 {
                level.append(
                    .up(ConvTranspose2d(c, cl[L - 2 - i], kernelSize: 4, stride: 2, padding: 1, rng: &rng)))
            }
            u.append(level)
        }
        upBlocks = u
        clf = Conv2d(cl[0], config.numLabels, kernelSize: 1, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("embedding", embedding)
        for (l, level) in downBlocks.enumerated() {
            for (i, b) in level.enumerated() { visit("down_blocks.\(l).\(i)", b.layer) }
        }
        for (l, level) in upBlocks.enumerated() {
            for (i, b) in level.enumerated() { visit("up_blocks.\(l).\(i)", b.layer) }
        }
        visit("clf", clf)
    }

    /// `gen_r_embedding`: the §0.2 sinusoid of γ(r)·10⁴ = cos(rπ/2)·10⁴, in PyTorch's order. `r` `[N]` →
    /// `[N, c_r]`.
    public static func rEmbedding(_ r: Tensor, width: Int) -> Tensor {
        let h = width / 2, N = r.count
        let step = Float(log(10_000.0) / Double(h - 1))
        let w = (0..<h).map { Foundation.exp(Float($0) * -step) }
        let g = (r * Float.pi / 2).cos() * 10_000  // γ(r)·10⁴
        let a = g.reshaped([N, 1]) * Tensor(w, shape: [1, h])  // [N, h]
        return concat([a.sin(), a.cos()], axis: 1)
    }

    /// `forward(x, c, r)`: `x` `[N, H, W]` tokens, `c` `[N, c_clip]` — or spatial `[N, c_clip, Hc, Wc]`
    /// (multi-conditioning; each block resizes it bilinearly to its resolution) —, `r` `[N]` in [0, 1]
    /// (0 = all noise) → logits `[N, num_labels, H, W]`.
    public func callAsFunction(_ x: Tensor, c: Tensor, r: Tensor) -> Tensor {
        let N = x.shape[0], cfg = config
        precondition(x.rank == 3 && r.count == N, "paella.DenoiseUNet: x \(x.shape), r \(r.shape)")
        precondition(
            x.shape[1] % cfg.gridMultiple == 0 && x.shape[2] % cfg.gridMultiple == 0,
            "paella.DenoiseUNet: token grid \(x.shape[1])×\(x.shape[2]) must divide by \(cfg.gridMultiple)")
        let re = Self.rEmbedding(r, width: cfg.cR)  // [N, c_r]
        let s: Tensor  // [N, Dc] or [N, Dc, Hc, Wc]
        if c.rank == 2 {
            precondition(c.shape == [N, cfg.cClip], "paella.DenoiseUNet: c \(c.shape)")
            s = concat([c, re], axis: 1)
        } else {
            precondition(
                c.rank == 4 && c.shape[0] == N && c.shape[1] == cfg.cClip, "paella.DenoiseUNet: c \(c.shape)")
            let (hc, wc) = (c.shape[2], c.shape[3])
            s = concat([c, re.reshaped([N, cfg.cR, 1, 1]).expanded(to: [N, cfg.cR, hc, wc])], axis: 1)
        }
        var h = embedding(x).permuted([0, 3, 1, 2])  // [N, c0, H, W]
        var outs: [Tensor] = []
        for level in downBlocks {
            for b in level { h = apply(b, h, s, skip: nil) }
            outs.insert(h, at: 0)
        }
        h = outs[0]
        for (i, level) in upBlocks.enumerated() {
            for (j, b) in level.enumerated() { h = apply(b, h, s, skip: i > 0 && j == 0 ? outs[i] : nil) }
        }
        return clf(h)
    }

    private func apply(_ b: Block, _ h: Tensor, _ s: Tensor, skip: Tensor?) -> Tensor {
        switch b {
        case .res(let r): s.rank == 2 ? r(h, s: s, skip: skip) : r.spatial(h, s: s, skip: skip)
        case .down(let c): c(h)
        case .up(let c): c(h)
        }
    }
}

extension ArrozResBlock {
    /// The v1 ResBlock with a spatial conditioning map `s` `[N, Dc, Hs, Ws]`: a 1×1 map is broadcast, another
    /// size is resized bilinearly (align_corners = False) to x's, then `cond_mapper` runs per pixel.
    func spatial(_ x: Tensor, s: Tensor, skip: Tensor?) -> Tensor {
        let (N, _, H, W) = x.shape4
        if s.shape[2] == 1 && s.shape[3] == 1 { return self(x, s: s.reshaped([N, s.shape[1]]), skip: skip) }
        let sr = s.shape[2] == H && s.shape[3] == W ? s : upsampleBilinear(s, size: (H, W))  // [N, Dc, H, W]
        guard let depthwise else { preconditionFailure("ArrozResBlock.spatial: v1 blocks have a depthwise conv") }
        var y = depthwise(x.pad2d(left: 1, right: 1, top: 1, bottom: 1, mode: .reflect))  // [N, C, H, W]
        guard let condMapper else { preconditionFailure("ArrozResBlock.spatial: built without cond") }
        y = ln(y, paellaPointwise(condMapper, sr))  // s′ [N, C, H, W]
        if let skip { y = concat([y, skip], axis: 1) }
        y = paellaPointwise(mlpOut, paellaPointwise(mlpIn, y).gelu())
        return x + y * gamma.reshaped([1, channels, 1, 1])
    }
}

extension PaellaV1Config {
    /// Reads `DenoiseUNet(...)`'s kwargs (num_labels required upstream; 8192 here when absent).
    public init(upstreamKwargs kw: [String: UpstreamValue]) throws {
        var r = SeedKwargs(PaellaV1.upstreamClass, kw)
        var c = PaellaV1Config()
        c.numLabels = try r.int("num_labels", c.numLabels)
        c.cHidden = try r.int("c_hidden", c.cHidden)
        c.cClip = try r.int("c_clip", c.cClip)
        c.cR = try r.int("c_r", c.cR)
        c.downLevels = try r.ints("down_levels", c.downLevels)
        c.upLevels = try r.ints("up_levels", c.upLevels)
        try r.finish()
        do { try c.validate() } catch let e as ModelConfigError {
            throw UpstreamError.badKwarg(
                class: PaellaV1.upstreamClass, name: "config", expected: e.description)
        }
        self = c
    }

    public var upstreamKwargs: [String: UpstreamValue] {
        [
            "num_labels": .int(numLabels), "c_hidden": .int(cHidden), "c_clip": .int(cClip), "c_r": .int(cR),
            "down_levels": .array(downLevels.map { .int($0) }),
            "up_levels": .array(upLevels.map { .int($0) }),
        ]
    }
}

extension PaellaV1: UpstreamModel {
    public static var upstreamClass: String { "paella.DenoiseUNet" }
    public static var upstreamMethods: [String] { ["forward"] }

    public convenience init(upstreamKwargs: [String: UpstreamValue], rng: inout ArrozRandom) throws {
        self.init(try PaellaV1Config(upstreamKwargs: upstreamKwargs), rng: &rng)
    }

    public var upstreamKwargs: [String: UpstreamValue] { config.upstreamKwargs }

    /// `forward(x, c, r)` → `out` `[N, num_labels, H, W]`.
    public func callUpstream(_ method: String, _ inputs: [String: Tensor]) throws -> [UpstreamOutput] {
        guard method == "forward" else {
            throw UpstreamError.unknownMethod(
                class: Self.upstreamClass, name: method, known: Self.upstreamMethods)
        }
        let cfg = config, m = "paella.DenoiseUNet.forward", g = cfg.gridMultiple
        let xs = "[N, H, W] indices in 0..<\(cfg.numLabels), H and W multiples of \(g)"
        let x = try SeedInputs.required(inputs, m, "x", xs)
        try SeedInputs.check(x, m, "x", xs) {
            $0.count == 3 && $0[0] > 0 && $0[1] > 0 && $0[2] > 0 && $0[1] % g == 0 && $0[2] % g == 0
        }
        guard SeedInputs.areIndices(x, below: cfg.numLabels) else {
            throw UpstreamError.badInput(method: m, name: "x", shape: x.shape, expected: xs)
        }
        let N = x.shape[0]
        let cs = "[\(N), \(cfg.cClip)] or [\(N), \(cfg.cClip), Hc, Wc]"
        let c = try SeedInputs.required(inputs, m, "c", cs)
        try SeedInputs.check(c, m, "c", cs) {
            $0 == [N, cfg.cClip]
                || ($0.count == 4 && $0[0] == N && $0[1] == cfg.cClip && $0[2] > 0 && $0[3] > 0)
        }
        let r = try SeedInputs.required(inputs, m, "r", "[\(N)]")
        try SeedInputs.check(r, m, "r", "[\(N)]") { $0 == [N] }
        let was = isTraining
        eval()
        defer { isTraining = was }
        return [UpstreamOutput("out", withNoGrad { self(x, c: c, r: r) })]
    }
}
