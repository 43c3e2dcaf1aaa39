// ArrozPrior: Arroz Con Cosas' `PriorModel` (seeds.md §1.1) — text embedding → image embedding, ε-prediction
// through residual linear blocks.
import ArrozNN
import ArrozTensor

/// Settings of ``ArrozPrior``, by `PriorModel(clip_r=1024, c_hidden=1280, c_r=64, num_blocks=48)`.
public struct ArrozPriorConfig: Codable, Hashable, Sendable {
    /// `clip_r`: width of both the (noised) image embedding and the text embedding (384 for MiniLM).
    public var embeddingDimension = 1024
    /// `c_hidden`.
    public var hidden = 1280
    /// `c_r`: width of the r-embedding.
    public var rEmbedding = 64
    /// `num_blocks`.
    public var blocks = 48

    public init() {}

    /// seeds.md §6: `PriorModel(clip_r=D_c, c_hidden=128, c_r=16, num_blocks=4)`.
    public static func tiny(embedding: Int = 384) -> ArrozPriorConfig {
        var c = ArrozPriorConfig()
        (c.embeddingDimension, c.hidden, c.rEmbedding, c.blocks) = (embedding, 128, 16, 4)
        return c
    }

    public func validate() throws {
        guard embeddingDimension >= 1, hidden >= 1, blocks >= 1 else {
            throw ModelConfigError.invalid("prior: clip_r, c_hidden and num_blocks must be ≥ 1")
        }
        guard rEmbedding >= 4 else { throw ModelConfigError.invalid("prior: c_r \(rEmbedding) must be ≥ 4") }
    }
}

/// One residual block of the prior: Linear(D + c_hidden + c_r → 4·c_hidden, no bias) → LN → GELU →
/// Linear(4·c_hidden → c_hidden, no bias) → LN. Names `0.weight`, `1.{weight,bias}`, `3.weight`,
/// `4.{weight,bias}` (an `nn.Sequential`).
public final class ArrozPriorBlock: Layer {
    let fc1: Linear, ln1: LayerNorm, fc2: Linear, ln2: LayerNorm
    public var isTraining = true

    public init(input: Int, hidden: Int, scale: Float, rng: inout ArrozRandom) {
        fc1 = Linear(input, 4 * hidden, bias: false, rng: &rng)
        let w = fc1.weight.mutableData
        for i in 0..<w.count { w[i] *= scale }
        ln1 = LayerNorm(4 * hidden)
        fc2 = Linear(4 * hidden, hidden, bias: false, rng: &rng)
        ln2 = LayerNorm(hidden)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("0", fc1); visit("1", ln1); visit("3", fc2); visit("4", ln2)
    }

    /// `x` `[N, D + c_hidden + c_r]` → `[N, c_hidden]`.
    public func callAsFunction(_ x: Tensor) -> Tensor { ln2(fc2(ln1(fc1(x)).gelu())) }
}

/// The prior: h = Linear(D → c_hidden)(x); num_blocks times h ← h + Block([h, c, r-embedding]);
/// ε̂ = Linear(c_hidden → D)(h). Names: `blocks.0.*`, `blocks.{1…n}.*` (``ArrozPriorBlock``), `blocks.{n+1}.*`.
public final class ArrozPrior: Layer {
    public let config: ArrozPriorConfig
    let first: Linear
    let blocks: [ArrozPriorBlock]
    let last: Linear
    public var isTraining = true

    public init(_ config: ArrozPriorConfig, rng: inout ArrozRandom) {
        self.config = config
        let (D, C) = (config.embeddingDimension, config.hidden)
        first = Linear(D, C, rng: &rng)
        let scale = (1 / Float(config.blocks)).squareRoot()
        blocks = (0..<config.blocks).map { _ in
            ArrozPriorBlock(input: D + C + config.rEmbedding, hidden: C, scale: scale, rng: &rng)
        }
        last = Linear(C, D, rng: &rng)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("blocks.0", first)
        for (i, b) in blocks.enumerated() { visit("blocks.\(i + 1)", b) }
        visit("blocks.\(blocks.count + 1)", last)
    }

    /// `x` `[N, D]` (noised image embedding), `r` `[N]` in [0, 1], `c` `[N, D]` (text embedding, zeros =
    /// unconditional) → ε̂ `[N, D]`.
    public func callAsFunction(_ x: Tensor, r: Tensor, c: Tensor) -> Tensor {
        let (N, D) = (x.shape[0], config.embeddingDimension)
        precondition(x.shape == [N, D] && c.shape == [N, D] && r.count == N,
                     "ArrozPrior: x \(x.shape), r \(r.shape), c \(c.shape); expected [N, \(D)], [N], [N, \(D)]")
        let re = ArrozGenerator.rEmbedding(r, width: config.rEmbedding)          // [N, c_r]
        var h = first(x)                                                         // [N, C]
        for b in blocks { h = h + b(concat([h, c, re], axis: 1)) }
        return last(h)                                                           // [N, D]
    }
}
